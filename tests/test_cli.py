"""CLI: bad input gives one line on stderr, exit code 1 (2 is for usage errors), and no output folder."""

from __future__ import annotations

import subprocess
import sys

import pytest

from align.cli import main
from align.export import write as export
from tests.conftest import ROOT, SEED, write_pair


def test_missing_corpus_one_line_error(tmp_path, capsys):
    out = tmp_path / "out"
    assert main(["run", str(tmp_path / "missing"), "--out", str(out)]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "missing" in err and "does not exist" in err
    assert not out.exists()


@pytest.mark.parametrize(
    ("ru", "en", "needle"),
    [
        ("Привет, мир. Это тест.", "", "empty document"),
        ("Hello world. This is a test.", "Hello world. This is a test.", "expected Russian"),
        ("Привет, мир. Это тест.", b"\x00\x01\x02binary\x00", "binary"),
    ],
)
def test_bad_pairs_leave_no_output(tmp_path, capsys, ru, en, needle):
    corpus = write_pair(tmp_path / "c", ru, en)
    out = tmp_path / "out"
    assert main(["run", str(corpus), "--out", str(out)]) == 1
    err = capsys.readouterr().err
    assert err.startswith("align: error: ") and needle in err and err.count("\n") == 1
    assert not out.exists()
    assert not list(tmp_path.glob(".out*"))  # no temporary leftovers


def test_no_traceback_from_the_console_entry_point(tmp_path):
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "align",
            "run",
            str(tmp_path / "nope"),
            "--out",
            str(tmp_path / "o"),
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
    )
    assert proc.returncode == 1
    assert "Traceback" not in proc.stderr and proc.stderr.count("\n") == 1


def test_a_closed_pipe_ends_quietly(tmp_path):
    """`align segment corpus | head -1`: the reader leaves early; no BrokenPipeError traceback.
    The corpus (the seed's text 40 times, ~380 kB of JSON lines) is far larger than a pipe's
    buffer (64 kB), so the command is still writing when the reader leaves, whatever the timing
    (with the seed alone it could finish first: the test was flaky)."""
    doc = next(d for d in SEED.iterdir() if d.is_dir())
    for lang in ("ru", "en"):
        text = (doc / f"{lang}.txt").read_text(encoding="utf-8")
        (tmp_path / "big").mkdir(exist_ok=True)
        (tmp_path / "big" / f"{lang}.txt").write_text("\n\n".join([text] * 40), encoding="utf-8")
    proc = subprocess.Popen(
        [sys.executable, "-m", "align", "segment", str(tmp_path / "big")],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        cwd=ROOT,
    )
    assert proc.stdout is not None and proc.stderr is not None
    proc.stdout.readline()
    proc.stdout.close()  # the reader goes away while the command still writes
    err = proc.stderr.read().decode()
    assert proc.wait(timeout=60) == 141
    assert "Traceback" not in err and "BrokenPipeError" not in err


def test_failed_export_keeps_previous_output(tmp_path, monkeypatch, seed_run):
    out = tmp_path / "out"
    export.write_dataset(seed_run.aligned, out, corpus_name="seed")
    before = sorted(p.name for p in out.iterdir())

    def boom(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr("align.export.card.dataset_card", boom)
    with pytest.raises(RuntimeError):
        export.write_dataset(seed_run.aligned, out, corpus_name="seed")
    assert sorted(p.name for p in out.iterdir()) == before
    assert [p.name for p in tmp_path.iterdir()] == ["out"]


def test_segment_and_align_commands(tmp_path, capsys):
    assert main(["segment", str(SEED)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 13 + 12
    out = tmp_path / "beads"
    assert main(["align", str(SEED), "--out", str(out)]) == 0
    names = sorted(p.name for p in out.iterdir() if p.name != ".align-output")
    assert len(names) == 3 and all(n.endswith((".align", ".ru", ".en")) for n in names)
    assert (out / ".align-output").is_file()  # the marker that lets a later run replace it
    from align.io import read_beads

    beads = read_beads(next(out.glob("*.align")))
    assert sorted(i for r, _ in beads for i in r) == list(range(13))
    assert sorted(j for _, e in beads for j in e) == list(range(12))


def test_conftest_removes_its_temporary_datasets_cache(tmp_path):
    """A pytest session makes its own HF datasets cache folder and removes it at the end."""
    import os

    env = {k: v for k, v in os.environ.items() if k != "HF_DATASETS_CACHE"}
    env["TMPDIR"] = str(tmp_path)
    proc = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests/test_spans.py"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        check=False,
    )
    assert proc.returncode == 0, proc.stdout[-2000:]
    assert not list(tmp_path.glob("align-hf-datasets-*"))
