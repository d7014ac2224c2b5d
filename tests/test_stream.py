"""Streaming inputs, shards and --resume: JSON Lines / Parquet / two-file inputs, bad rows as
one-line errors, a run killed with a real signal and resumed to a byte-identical dataset."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from align.bench.scale import ntrex_rows, write_jsonl
from align.cli import main
from align.errors import InputError
from align.shards import plan_shards
from align.sources import open_source, to_docpair
from align.stream import StreamOptions, run_stream
from tests.conftest import ROOT, SEED

ENV = {**os.environ, "HF_HUB_OFFLINE": "1", "HF_DATASETS_OFFLINE": "1"}


def _files(folder: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()
    }


def _rows(path: Path, n: int, max_sentences: int = 4) -> Path:
    return write_jsonl(ntrex_rows(n, max_sentences=max_sentences), path)


@pytest.mark.parametrize(
    ("line", "needle"),
    [
        ("{not json", "invalid JSON"),
        ('{"doc_id": "x", "ru": "Привет, мир."}', "column 'en' is missing"),
        ('{"doc_id": "x", "ru": "Привет, мир.", "en": "  "}', "empty document"),
        ('{"doc_id": "x", "ru": "Hello there, world.", "en": "Hello."}', "expected Russian"),
        ('{"ru": "Привет.", "en": "Hello."}', "'doc_id' is missing"),
        ('["a", "b"]', "expected a JSON object"),
    ],
)
def test_bad_jsonl_row_is_one_line_naming_the_row(tmp_path, capsys, ntrex_lines, line, needle):
    src = _rows(tmp_path / "c.jsonl", 3)
    with src.open("a", encoding="utf-8") as f:
        f.write(line + "\n")
    out = tmp_path / "out"
    assert main(["run", str(src), "--out", str(out)]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and needle in err and "line 4" in err, err
    assert not out.exists() and not (tmp_path / "out.shards").exists()


def test_repeated_doc_id_is_refused(tmp_path, ntrex_lines):
    rows = list(ntrex_rows(3, max_sentences=3))
    rows[2]["doc_id"] = rows[0]["doc_id"]
    src = write_jsonl(iter(rows), tmp_path / "c.jsonl")
    with pytest.raises(InputError, match=r"line 3 .*repeats .*line 1"):
        plan_shards(open_source(src), 2)


def test_parquet_and_jsonl_give_the_same_rows(tmp_path, ntrex_lines):
    import pyarrow as pa
    import pyarrow.parquet as pq

    rows = list(ntrex_rows(5, max_sentences=3))
    jl = write_jsonl(iter(rows), tmp_path / "c.jsonl")
    pq.write_table(pa.Table.from_pylist(rows), tmp_path / "c.parquet", row_group_size=2)
    plans = [plan_shards(open_source(p), 2) for p in (jl, tmp_path / "c.parquet")]
    assert [s.digest for s in plans[0].specs] == [s.digest for s in plans[1].specs]
    for src, plan in zip((jl, tmp_path / "c.parquet"), plans, strict=True):
        source = open_source(src)
        got = [r.doc_id for s in plan.specs for r in source.read(s)]
        assert got == [r["doc_id"] for r in rows]
        assert source.read(plan.specs[1])[0].meta["en"]["source"] == rows[2]["en_source"]


def test_presegmented_lines_are_the_sentences(tmp_path):
    ru = tmp_path / "a.ru.txt"
    en = tmp_path / "a.en.txt"
    ru.write_text("Первая строка. И ещё предложение\n\nВторая строка\n", encoding="utf-8")
    en.write_text("First line. And one more sentence\nSecond line\n", encoding="utf-8")
    source = open_source(ru=ru, en=en)
    (raw,) = source.read(plan_shards(source, 4).specs[0])
    pair = to_docpair(raw, presegmented=True)
    assert pair.doc_id == "a"
    assert pair.ru.paragraphs == ("Первая строка. И ещё предложение", "Вторая строка")
    assert len(to_docpair(raw).en.paragraphs) == 2  # no blank line: one paragraph per line
    assert StreamOptions(presegmented=True).align_cfg().paragraphs is False


def test_stream_rows_equal_run_corpus(tmp_path, encoder):
    """The seed corpus through shards gives the rows of the in-memory pipeline (both --jobs 1)."""
    from datasets import load_from_disk

    from align.pipeline import run_corpus

    ref_run = run_corpus(SEED, tmp_path / "ref", encoder=encoder, progress=False, jobs=1)
    res = run_stream(
        open_source(SEED),
        tmp_path / "out",
        options=StreamOptions(shard_docs=1),
        jobs=1,
        progress=False,
        encoder=encoder,
    )
    ref = load_from_disk(str(ref_run.out))
    for config in ("sentences", "documents"):
        assert res.dataset[config].to_list() == ref[config].to_list()
    assert not (tmp_path / "out.shards").exists()  # the work folder goes once the dataset is out


def _shards_done(work: Path) -> int:
    return len(list((work / "shards").glob("[0-9]*.json")))


def test_killed_run_resumes_to_an_identical_dataset(tmp_path, ntrex_lines, capsys):
    """Every run is a fresh process, as a user's would be; each shard is computed from a reset
    encoder, so the resumed shards equal those of the uninterrupted run."""
    n_docs, shard_docs = 16, 2
    src = _rows(tmp_path / "c.jsonl", n_docs)
    ref = tmp_path / "ref"
    base = [sys.executable, "-m", "align", "run", str(src), "--jobs", "1"]
    base += ["--shard-docs", str(shard_docs)]
    subprocess.run([*base, "--out", str(ref)], cwd=ROOT, env=ENV, check=True, capture_output=True)
    out, work = tmp_path / "out", tmp_path / "out.shards"
    cmd = [*base, "--out", str(out)]
    proc = subprocess.Popen(
        cmd, cwd=ROOT, env=ENV, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    try:
        deadline = time.monotonic() + 240
        while _shards_done(work) < 2 and proc.poll() is None and time.monotonic() < deadline:
            time.sleep(0.2)
        assert proc.poll() is None, "the run ended before it could be interrupted"
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        assert proc.stderr is not None
        proc.stderr.close()
    done = _shards_done(work)
    assert 2 <= done < n_docs // shard_docs and not out.exists()

    # the same command again without --resume is refused (it would throw the shards away)
    assert main(cmd[3:]) == 1
    assert "add --resume" in capsys.readouterr().err
    # other options or another input: refused, nothing changed
    assert main([*cmd[3:], "--resume", "--no-paragraphs"]) == 1
    assert "other options (align.paragraphs changed)" in capsys.readouterr().err
    changed = tmp_path / "changed.jsonl"
    lines = src.read_text(encoding="utf-8").splitlines(keepends=True)
    row = json.loads(lines[0])
    row["en"] += " Added."
    changed.write_text(json.dumps(row, ensure_ascii=False) + "\n" + "".join(lines[1:]), "utf-8")
    argv = ["run", str(changed), *cmd[5:], "--work", str(work), "--resume"]
    assert main(argv) == 1
    assert "input changed" in capsys.readouterr().err
    assert _shards_done(work) == done

    resumed = subprocess.run(
        [*cmd, "--resume"], cwd=ROOT, env=ENV, check=True, capture_output=True, text=True
    )
    assert f"resuming: {done * shard_docs} of {n_docs}" in resumed.stderr
    assert _files(out) == _files(ref)  # byte for byte: arrow, parquet, card, state
    assert not work.exists()


def test_local_engine_forks_once_and_equals_one_worker(tmp_path, encoder, monkeypatch):
    """--jobs 2 streams every document of every shard through one pool of workers (forked once,
    not per shard) and writes the same files, byte for byte, as --jobs 1."""
    import align.pipeline

    forks = []
    fork_pool = align.pipeline._fork_pool

    def counted(jobs: int):
        forks.append(jobs)
        return fork_pool(jobs)

    monkeypatch.setattr(align.pipeline, "_fork_pool", counted)
    src = _rows(tmp_path / "c.jsonl", 7, max_sentences=3)
    opts = StreamOptions(shard_docs=2)  # 4 shards, the last one short
    for jobs in (1, 2):
        run_stream(
            open_source(src), tmp_path / f"out{jobs}", options=opts, jobs=jobs, progress=False,
            encoder=encoder,
        )  # fmt: skip
    assert forks == [2]
    assert _files(tmp_path / "out1") == _files(tmp_path / "out2")


def test_one_pair_presegmented_from_the_command_line(tmp_path, ntrex_lines, capsys):
    from datasets import load_from_disk

    ru_lines, en_lines = ntrex_lines
    ru, en = tmp_path / "story.ru.txt", tmp_path / "story.en.txt"
    ru.write_text("\n".join(ru_lines[:6]) + "\n", encoding="utf-8")
    en.write_text("\n".join(en_lines[:3] + en_lines[4:6]) + "\n", encoding="utf-8")
    out = tmp_path / "out"
    argv = ["run", "--ru", str(ru), "--en", str(en), "--out", str(out), "--presegmented"]
    assert main([*argv, "--jobs", "1"]) == 0
    assert "story: 6 ru / 5 en sentences" in capsys.readouterr().out
    sents = load_from_disk(str(out))["sentences"]
    assert sorted(i for r in sents["ru_sent_ids"] for i in r) == list(range(6))
    for ids, t in zip(sents["ru_sent_ids"], sents["translation"], strict=True):
        assert t["ru"] == " ".join(ru_lines[i] for i in ids)  # the lines, kept as given
    assert main(["run", str(ru), "--ru", str(ru), "--en", str(en), "--out", str(out)]) == 1
    assert "either a corpus or both --ru" in capsys.readouterr().err


def test_row_refused_in_a_worker_is_one_line(tmp_path, encoder, ntrex_lines):
    """With --jobs 2 the language checks run in the workers: the refusal comes back to the
    driver (pickled) as the same one-line error, and the finished shards are kept."""
    import pickle

    err = InputError("c.jsonl, line 5", "expected English text but detected German")
    assert str(pickle.loads(pickle.dumps(err))) == str(err)
    rows = list(ntrex_rows(8, max_sentences=2))
    rows[6]["en"] = "Der Hund läuft schnell über die Straße. Die Kinder spielen heute im Garten."
    src = write_jsonl(iter(rows), tmp_path / "c.jsonl")
    kw = {"options": StreamOptions(shard_docs=2), "jobs": 2, "progress": False}
    with pytest.raises(InputError) as got:
        run_stream(open_source(src), tmp_path / "out", encoder=encoder, **kw)
    msg = str(got.value)
    assert "line 7 (doc_id" in msg and "detected German" in msg and "--resume" in msg
    assert not (tmp_path / "out").exists()


def test_row_refused_midway_keeps_the_shards_for_resume(tmp_path, encoder, ntrex_lines):
    rows = list(ntrex_rows(6, max_sentences=2))
    english = rows[4]["en"]
    rows[4]["en"] = "Der Hund läuft schnell über die Straße. Die Kinder spielen heute im Garten."
    src = write_jsonl(iter(rows), tmp_path / "c.jsonl")
    opts = StreamOptions(shard_docs=2)
    kw = {"options": opts, "jobs": 1, "progress": False, "encoder": encoder}
    with pytest.raises(InputError) as err:  # the script check passes; the detector refuses
        run_stream(open_source(src), tmp_path / "out", **kw)
    msg = str(err.value)
    assert "line 5 (doc_id" in msg and "detected German" in msg and "--resume" in msg
    assert not (tmp_path / "out").exists()
    assert len(list((tmp_path / "out.shards" / "shards").glob("[0-9]*.json"))) == 2
    rows[4]["en"] = english  # fixed: rows not yet written may change
    write_jsonl(iter(rows), src)
    res = run_stream(open_source(src), tmp_path / "out", resume=True, **kw)
    assert res.resumed_docs == 4 and res.dataset["documents"].num_rows == 6
