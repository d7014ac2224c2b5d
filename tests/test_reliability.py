"""Reliability and data safety (issue 18; docs/reliability.md): the tool never destroys what it
did not write, refuses what it cannot read with one line (exit 1), survives faults, and gives
the same bytes whatever --jobs. Tiny corpora in tmp_path; the real encoder (session fixture)."""

from __future__ import annotations

import hashlib
import os
import shutil
import signal
import subprocess
import sys
import time
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from align.cli import main
from align.errors import InputError
from tests.conftest import NTREX, ROOT, write_pair

RU = (
    "Министр иностранных дел провёл переговоры в Москве. Стороны обсудили торговлю и "
    "энергетику. Следующая встреча пройдёт весной."
)
EN = (
    "The foreign minister held talks in Moscow. The two sides discussed trade and energy. "
    "The next meeting will take place in spring."
)


def _tree(folder: Path) -> dict[str, str]:
    """Every file under ``folder`` with the hash of its bytes (links not followed)."""
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and not p.is_symlink()
    }


def _err_line(capsys) -> str:
    err = capsys.readouterr().err
    assert err.startswith("align: error: ") and err.count("\n") == 1, err
    assert "Traceback" not in err
    return err


@pytest.fixture
def corpus(tmp_path) -> Path:
    return write_pair(tmp_path / "corpus", RU, EN)


@pytest.fixture(scope="module")
def exported(tmp_path_factory, encoder) -> Path:
    """One small export, copied by the tests that damage it."""
    from align.pipeline import run_corpus

    base = tmp_path_factory.mktemp("exported")
    run_corpus(write_pair(base / "c", RU, EN), base / "ds", encoder=encoder, progress=False)
    return base / "ds"


def _copy(exported: Path, tmp_path: Path) -> Path:
    out = tmp_path / "ds"
    shutil.copytree(exported, out, symlinks=True)
    return out


# ---- 1. outputs: only what the tool wrote is replaced; never the input ----


@pytest.mark.parametrize("where", ["itself", "inside", "document", "parent"])
@pytest.mark.parametrize("command", ["run", "align"])
def test_the_input_and_folders_around_it_are_never_replaced(
    tmp_path, corpus, capsys, where, command
):
    (tmp_path / "notes.txt").write_text("the user's other file", encoding="utf-8")
    out = {
        "itself": corpus,
        "inside": corpus / "new-out",
        "document": corpus / "doc",
        "parent": tmp_path,
    }[where]
    before = _tree(tmp_path)
    assert main([command, str(corpus), "--out", str(out), "--force"]) == 1
    assert "input" in _err_line(capsys)
    assert _tree(tmp_path) == before


def test_a_folder_or_file_the_tool_did_not_write_is_refused(tmp_path, corpus, capsys):
    user = tmp_path / "results"
    user.mkdir()
    (user / "thesis.tex").write_text("years of work", encoding="utf-8")
    assert main(["run", str(corpus), "--out", str(user)]) == 1
    assert "not an earlier align output" in _err_line(capsys)
    assert (user / "thesis.tex").read_text(encoding="utf-8") == "years of work"
    afile = tmp_path / "data.csv"
    afile.write_text("a,b\n", encoding="utf-8")
    assert main(["align", str(corpus), "--out", str(afile)]) == 1
    _err_line(capsys)
    assert afile.read_text(encoding="utf-8") == "a,b\n"
    # sentence files of the user's own (no marker) are not an `align align` output either
    beads = tmp_path / "beads"
    beads.mkdir()
    (beads / "mine.ru").write_text("моё\n", encoding="utf-8")
    assert main(["align", str(corpus), "--out", str(beads)]) == 1
    _err_line(capsys)
    assert (beads / "mine.ru").is_file()


def test_an_earlier_output_is_replaced_and_force_replaces_the_rest(tmp_path, corpus, capsys):
    beads = tmp_path / "beads"
    assert main(["align", str(corpus), "--out", str(beads)]) == 0
    assert (beads / ".align-output").is_file()
    assert main(["align", str(corpus), "--out", str(beads)]) == 0  # its own output: replaced
    other = tmp_path / "other"
    other.mkdir()
    (other / "old.txt").write_text("x", encoding="utf-8")
    assert main(["align", str(corpus), "--out", str(other), "--force"]) == 0
    assert sorted(p.suffix for p in other.iterdir()) == ["", ".align", ".en", ".ru"]


# ---- 2. decoding: no mojibake, no control bytes ----


def test_damaged_utf8_is_refused_not_read_as_cp1251(tmp_path):
    from align.ingest import decode_text

    text = "Министр провёл переговоры в Москве; стороны обсудили торговлю.\n" * 20
    assert "И" not in text
    data = text.encode("utf-8")
    cut = data[: len(data) // 2] + data[len(data) // 2 : len(data) // 2 + 1] + b"\n" + data[-40:]
    with pytest.raises(InputError, match=r"not valid UTF-8.*cut off or damaged"):
        decode_text(cut, tmp_path / "ru.txt")
    # real cp1251 Russian is still read, and recorded as such
    assert decode_text(text.encode("cp1251"), tmp_path / "ru.txt") == (text, "cp1251")


@pytest.mark.parametrize(
    ("data", "needle"),
    [
        ("Текст на русском языке. ".encode() * 5000 + b"\x00", "NUL byte"),
        ("Текст на русском языке. ".encode() * 5000 + b"\x1b[2J", "control character 0x1b"),
    ],
)
def test_nul_and_control_bytes_anywhere_are_refused(tmp_path, data, needle):
    from align.ingest import decode_text

    assert len(data) > 65536  # beyond the first 64 KiB
    with pytest.raises(InputError, match=needle):
        decode_text(data, tmp_path / "ru.txt")


# ---- 3. text without sentence boundaries: bounded pieces, linear time ----


def test_text_without_sentence_punctuation_is_cut_into_bounded_pieces(monkeypatch, caplog):
    import align.segment as seg

    words = ("министр", "заявил", "правительство", "переговоры", "город", "страна")
    text = " ".join(words[i % 6] for i in range(30_000))  # ~200,000 characters, no punctuation
    seen: list[int] = []
    real = seg._split_chunk
    monkeypatch.setattr(seg, "_split_chunk", lambda p, lang: seen.append(len(p)) or real(p, lang))
    with caplog.at_level("WARNING", logger="align"):
        spans = seg.split_sentences(text, "ru")
    assert len(text) > 190_000 and max(seen) <= seg.SPLIT_CHUNK_CHARS
    assert all(0 < b - a <= seg.MAX_SENTENCE_CHARS for a, b in spans)
    assert " ".join(text[a:b] for a, b in spans) == text  # cut at spaces, nothing lost
    assert "cut into pieces" in caplog.text


def test_a_long_unpunctuated_pair_runs_and_says_so(tmp_path, capsys):
    ru = " ".join(["министр заявил что переговоры продолжатся в городе"] * 50)
    en = " ".join(["the minister said that talks will continue in the city"] * 50)
    corpus = write_pair(tmp_path / "c", ru, en)
    assert main(["run", str(corpus), "--out", str(tmp_path / "o"), "--jobs", "1"]) == 0
    assert "cut into pieces" in capsys.readouterr().err


# ---- 4. symbolic links: never written through, never uploaded ----


def test_report_does_not_write_through_a_symlink(exported, tmp_path, capsys):
    out = _copy(exported, tmp_path)
    victim = tmp_path / "victim.txt"
    victim.write_text("keep me", encoding="utf-8")
    (out / "report.html").symlink_to(victim)
    assert main(["report", str(out)]) == 1
    assert "symbolic link" in _err_line(capsys)
    assert victim.read_text(encoding="utf-8") == "keep me"


def test_push_refuses_symlinks_and_damaged_parquet(exported, tmp_path, capsys):
    out = _copy(exported, tmp_path)
    parquet = next((out / "data" / "sentences").glob("*.parquet"))
    secret = tmp_path / "secret.parquet"
    shutil.copy(parquet, secret)
    parquet.unlink()
    parquet.symlink_to(secret)
    assert main(["push", str(out), "--repo-id", "a/b", "--dry-run"]) == 1
    assert "symbolic link" in _err_line(capsys)
    parquet.unlink()
    parquet.write_bytes(secret.read_bytes()[: secret.stat().st_size // 2])  # truncated
    assert main(["push", str(out), "--repo-id", "a/b", "--dry-run"]) == 1
    assert "not a readable parquet" in _err_line(capsys)


@pytest.mark.parametrize(
    "license_", ["license:\n- mit\n- cc-by-4.0\n", "license: 'mit\n\n  extra'\n"]
)
def test_push_refuses_a_list_or_multi_line_licence(exported, tmp_path, capsys, license_):
    out = _copy(exported, tmp_path)
    card = (out / "README.md").read_text(encoding="utf-8")
    (out / "README.md").write_text(card.replace("license: other\n", license_, 1), encoding="utf-8")
    assert main(["push", str(out), "--repo-id", "a/b", "--dry-run"]) == 1
    assert "one licence identifier" in _err_line(capsys)


# ---- 5. Russian's Cyrillic neighbours are not Russian; short texts are fine ----


@pytest.mark.parametrize(
    ("text", "needle"),
    [
        (
            "Україна та Росія провели переговори щодо обміну полоненими. Міністр закордонних "
            "справ заявив, що уряд готовий до діалогу.",
            "Ukrainian",
        ),
        (
            "България и Гърция подписаха споразумение за сътрудничество в областта на "
            "енергетиката. Министърът заяви, че това е важна стъпка.",
            "Bulgarian",
        ),
        (
            "Беларусь і Расія падпісалі пагадненне аб супрацоўніцтве ў галіне энергетыкі. "
            "Міністр заявіў, што гэта важны крок.",
            "Belarusian",
        ),
        (
            "Србија и Хрватска потписале су споразум о сарадњи у области енергетике. "
            "Министар је рекао да је то важан корак.",
            "Serbian",
        ),
        (
            "Македонија и Грција потпишаа договор за соработка во областа на енергетиката. "
            "Министерот изјави дека тоа е важен чекор.",
            "Macedonian",
        ),
    ],
)
def test_cyrillic_neighbours_are_refused_as_russian(tmp_path, text, needle):
    from align.ingest import check_language

    with pytest.raises(InputError, match=needle):
        check_language(text, "ru", tmp_path / "ru.txt")


def test_short_texts_and_quoted_names_are_accepted(tmp_path):
    from align.ingest import read_corpus

    assert read_corpus(write_pair(tmp_path / "a", "Да.", "Yes.")).pairs[0].ru.paragraphs == ("Да.",)
    from align.ingest import check_language

    check_language(RU + " Делегация прибыла из Київа.", "ru", tmp_path / "ru.txt")


# ---- 6. one line instead of a traceback ----


def test_one_russian_sentence_against_300_english_aligns(encoder, ntrex_lines):
    from align.alignment import AlignConfig, bertalign_beads

    ru, en = ntrex_lines
    beads = bertalign_beads([ru[0]], en[:300], encoder, AlignConfig())  # IndexError before
    assert [b for b in beads if b[0]] and sum(len(r) for r, _ in beads) == 1
    assert sorted(j for _, e in beads for j in e) == list(range(300))


@pytest.mark.parametrize("command", ["report", "export-tmx", "mt-eval", "export-text"])
def test_an_output_that_is_a_folder_or_cannot_be_created(exported, tmp_path, capsys, command):
    folder = tmp_path / "folder"
    folder.mkdir()
    blocker = tmp_path / "a-file"
    blocker.write_text("x", encoding="utf-8")
    hyp = tmp_path / "hyp.txt"
    hyp.write_text("x\n" * 3, encoding="utf-8")
    extra = ["--hyp", str(hyp)] if command == "mt-eval" else []
    targets = [blocker / "sub" / "out"] if command == "export-text" else [folder, blocker / "x"]
    for target in targets:
        assert main([command, str(exported), "--out", str(target), *extra]) == 1
        _err_line(capsys)
    assert list(folder.iterdir()) == []


@pytest.mark.parametrize(
    ("meta", "needle"),
    [
        ('ru = "Reuters"\n', "`ru` must be a table"),
        ("[ru]\ntitle = 5\n", "`ru.title` must be a string, not int"),
        ('[en]\nsource = ["a", "b"]\n', "`en.source` must be a string, not a list"),
        ('[ru]\ndate = "2025-13-45"\n', "not a valid date"),
    ],
)
def test_bad_meta_toml_is_one_line(tmp_path, capsys, meta, needle):
    corpus = write_pair(tmp_path / "c", RU, EN)
    (corpus / "doc" / "meta.toml").write_text(meta, encoding="utf-8")
    assert main(["ingest", str(corpus)]) == 1
    assert needle in _err_line(capsys)


def test_a_folder_name_that_is_not_utf8_is_one_line(tmp_path, capsys):
    corpus = tmp_path / "c"
    write_pair(corpus, RU, EN)
    os.rename(corpus / "doc", os.fsencode(corpus) + b"/doc-\xff")
    assert main(["ingest", str(corpus)]) == 1
    assert "not valid UTF-8" in _err_line(capsys)


def _mount_test(script: str) -> subprocess.CompletedProcess:
    probe = subprocess.run(["unshare", "-m", "true"], capture_output=True, check=False)
    if probe.returncode != 0:
        pytest.skip("needs a private mount namespace (unshare -m) to mount a small filesystem")
    return subprocess.run(
        ["unshare", "-m", "sh", "-c", script],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
        env={**os.environ, "HF_HUB_OFFLINE": "1", "HF_DATASETS_OFFLINE": "1"},
    )


def test_read_only_and_full_filesystems_are_one_line(tmp_path, corpus):
    mnt = tmp_path / "mnt"
    mnt.mkdir()
    py = f"{sys.executable} -m align"
    script = (
        f"mount -t tmpfs -o size=16k tmpfs {mnt} && "
        f"{py} run {corpus} --out {mnt}/full --jobs 1 --top 0; echo rc=$?; "
        f"ls -A {mnt}; mount -o remount,ro {mnt} && "
        f"{py} run {corpus} --out {mnt}/ro --jobs 1 --top 0; echo rc=$?"
    )
    proc = _mount_test(script)
    errors = [line for line in proc.stderr.splitlines() if line.startswith("align: error")]
    assert "Traceback" not in proc.stderr, proc.stderr
    assert proc.stdout.count("rc=1") == 2, proc.stdout + proc.stderr
    assert len(errors) == 2 and "No space left" in errors[0] and "Read-only" in errors[1]
    # the full disk left nothing behind; the read-only one failed before any computation
    assert proc.stdout.split("rc=1")[1].strip() == ""
    assert "align+score" not in proc.stderr.split(errors[0])[1]


# ---- 7. outputs stay well-formed whatever the doc ids and metadata ----


@pytest.fixture(scope="module")
def odd_run(tmp_path_factory, encoder):
    base = tmp_path_factory.mktemp("odd")
    corpus = base / "c"
    doc_id = "doc\x01one\nline two\x1b[31m|<b>"
    write_pair(corpus, RU, EN)
    os.rename(corpus / "doc", corpus / doc_id)
    (corpus / doc_id / "meta.toml").write_text(
        '[ru]\nsource = "<script>alert(1)</script>\\n---\\nlicense: mit"\n'
        '[en]\nsource = "a | b"\nurl = "https://example.org/a_b"\n',
        encoding="utf-8",
    )
    return corpus, base / "ds", doc_id


def test_odd_doc_ids_and_metadata_stay_well_formed(odd_run, tmp_path, capsys):
    corpus, out, doc_id = odd_run
    assert main(["run", str(corpus), "--out", str(out), "--jobs", "1"]) == 0
    printed = capsys.readouterr().out
    assert "\x1b" not in printed and "\x01" not in printed  # shown as \x1b, \x01
    assert "\\x1b[31m" in printed
    card = (out / "README.md").read_text(encoding="utf-8")
    assert "<script>" not in card and "&lt;script&gt;" in card
    assert card.splitlines().count("---") == 2  # only the YAML header's delimiters
    assert "- English sources: a \\| b (1 document)" in card
    rows = [line for line in card.splitlines() if line.startswith("| doc one")]
    assert len(rows) == 1 and rows[0].startswith("| doc one line two \\[31m\\|&lt;b&gt; | 3 |")
    assert main(["export-tmx", str(out), "--out", str(tmp_path / "x.tmx")]) == 0
    root = ET.parse(tmp_path / "x.tmx").getroot()  # well-formed
    assert len(root.findall("body/tu")) == 3
    assert main(["export-text", str(out), "--out", str(tmp_path / "t")]) == 0
    ids = (tmp_path / "t.ids").read_text(encoding="utf-8").splitlines()
    assert ids == [f"{doc_id.replace(chr(10), chr(92) + 'n')}\t{k}" for k in range(3)]


# ---- 8. bit-identical results whatever --jobs ----


def _ntrex_corpus(folder: Path, n_docs: int) -> Path:
    ids = (NTREX / "DOCUMENT_IDS.tsv").read_text(encoding="utf-8").splitlines()
    en = (NTREX / "newstest2019-src.eng.txt").read_text(encoding="utf-8").splitlines()
    ru = (NTREX / "newstest2019-ref.rus.txt").read_text(encoding="utf-8").splitlines()
    docs: dict[str, list[tuple[str, str]]] = {}
    for d, r, e in zip(ids, ru, en, strict=True):
        if d not in docs and len(docs) == n_docs:
            break
        docs.setdefault(d, []).append((r, e))
    for k, rows in enumerate(docs.values()):
        doc = folder / f"doc{k}"
        doc.mkdir(parents=True)
        (doc / "ru.txt").write_text("\n".join(r for r, _ in rows) + "\n", encoding="utf-8")
        en_rows = [e for i, (_, e) in enumerate(rows) if i != 2]  # not trivially 1-1
        (doc / "en.txt").write_text("\n".join(en_rows) + "\n", encoding="utf-8")
    return folder


def test_exports_are_byte_identical_whatever_jobs(tmp_path, encoder, ntrex_lines, monkeypatch):
    import align.pipeline

    corpus = _ntrex_corpus(tmp_path / "c", 4)
    trees = []
    for k, jobs in enumerate((1, 2)):
        out = tmp_path / f"out{k}"
        align.pipeline.run_corpus(corpus, out, encoder=encoder, progress=False, jobs=jobs)
        trees.append(_tree(out))
    assert trees[0] == trees[1]
    # one document scored in parallel batches (as a long document is) gives the same bytes
    monkeypatch.setattr(align.pipeline, "MIN_BEADS_TO_SPLIT", 2)
    monkeypatch.setattr("align.divergence.scorer.SCORE_BATCH", 4)  # the pipeline reads it there
    one = _ntrex_corpus(tmp_path / "one", 1)
    for k, jobs in enumerate((1, 2)):
        align.pipeline.run_corpus(one, tmp_path / f"one{k}", encoder=encoder, jobs=jobs)
    assert _tree(tmp_path / "one0") == _tree(tmp_path / "one1")


# ---- 9. leftovers and races ----


def test_stale_temporaries_are_removed_and_live_ones_kept(tmp_path, corpus):
    sleeper = subprocess.Popen(["sleep", "30"])
    try:
        dead = tmp_path / ".beads.tmp-999999999-abc"
        old = tmp_path / ".beads.old-xyz"
        live = tmp_path / f".beads.tmp-{sleeper.pid}-def"
        legacy = tmp_path / ".beads.tmp-k2j3"  # an older version's name, no pid
        for d in (dead, old / "x", live, legacy):
            d.mkdir(parents=True)
        other = tmp_path / ".notes.tmp-999999999-abc"  # not ours: another name
        other.mkdir()
        assert main(["align", str(corpus), "--out", str(tmp_path / "beads")]) == 0
        left = sorted(p.name for p in tmp_path.iterdir() if p.name.startswith("."))
        assert left == sorted([live.name, other.name])
    finally:
        sleeper.kill()
        sleeper.wait()


def test_a_second_process_on_the_same_output_is_refused(tmp_path, corpus, capsys):
    out = tmp_path / "beads"
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys, time\nfrom align.io import output_lock\n"
            f"with output_lock({str(out)!r}):\n    print('held', flush=True)\n    time.sleep(30)",
        ],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        assert main(["align", str(corpus), "--out", str(out)]) == 1
        assert "another align process" in _err_line(capsys)
    finally:
        holder.kill()
        holder.wait()
    assert main(["align", str(corpus), "--out", str(out)]) == 0  # the lock died with it
    assert not list(tmp_path.glob(".beads.lock"))


def _workers(pid: int) -> list[int]:
    """Forked worker processes of ``pid`` (same command line; not helpers such as ldconfig)."""
    try:
        cmd = Path(f"/proc/{pid}/cmdline").read_bytes()
        kids = [
            int(x)
            for t in Path(f"/proc/{pid}/task").glob("*/children")
            for x in t.read_text().split()
        ]
        return [k for k in kids if Path(f"/proc/{k}/cmdline").read_bytes() == cmd]
    except (FileNotFoundError, ProcessLookupError):
        return []


def _running(pid: int) -> bool:
    """Alive and not a zombie (an orphan's zombie stays until init reaps it)."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except FileNotFoundError:
        return False


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGKILL])
def test_killed_runs_leave_no_workers_tracebacks_or_temporaries(tmp_path, ntrex_lines, sig):
    corpus = _ntrex_corpus(tmp_path / "c", 6)
    out = tmp_path / "out"
    proc = subprocess.Popen(
        [sys.executable, "-m", "align", "run", str(corpus), "--out", str(out), "--jobs", "2"],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "HF_HUB_OFFLINE": "1", "HF_DATASETS_OFFLINE": "1"},
    )
    deadline = time.monotonic() + 120
    workers: list[int] = []
    while len(workers) < 2 and time.monotonic() < deadline and proc.poll() is None:
        time.sleep(0.1)
        workers = _workers(proc.pid)
    assert len(workers) >= 2, "the workers did not start"
    proc.send_signal(sig)
    _, err = proc.communicate(timeout=60)  # returns once the workers closed stderr too
    assert proc.returncode == (143 if sig == signal.SIGTERM else -9)
    assert "Traceback" not in err and "BrokenPipe" not in err, err
    end = time.monotonic() + 10  # stderr closes a moment before a dying worker is a zombie
    while any(_running(w) for w in workers) and time.monotonic() < end:
        time.sleep(0.05)
    assert not any(_running(w) for w in workers)
    if sig == signal.SIGTERM:
        assert "align: terminated" in err
        assert not [p for p in tmp_path.iterdir() if p.name.startswith(".out.")]
    assert not out.exists()


# ---- 10. permissions, metadata values, clearer messages ----


def test_outputs_follow_the_umask(tmp_path, corpus, exported):
    old = os.umask(0o027)
    try:
        assert main(["align", str(corpus), "--out", str(tmp_path / "beads")]) == 0
        assert main(["export-tmx", str(exported), "--out", str(tmp_path / "x.tmx")]) == 0
    finally:
        os.umask(old)
    assert (tmp_path / "beads").stat().st_mode & 0o777 == 0o750
    assert all(p.stat().st_mode & 0o777 == 0o640 for p in (tmp_path / "beads").iterdir())
    assert (tmp_path / "x.tmx").stat().st_mode & 0o777 == 0o640
    assert exported.stat().st_mode & 0o777 == 0o777 & ~old


@pytest.mark.parametrize(
    ("toml", "needle"),
    [
        ('license = ["mit", "cc-by-4.0"]\n', "`license` must be a string, not a list"),
        ('license = """mit\nextra: line"""\n', "`license` must be one line"),
        ('name = "a"\nlicense = "mit; rm -rf"\n', "one licence identifier"),
        ("name = 3\n", "`name` must be a string"),
    ],
)
def test_bad_corpus_toml_is_one_line(tmp_path, capsys, toml, needle):
    corpus = write_pair(tmp_path / "c", RU, EN)
    (corpus / "corpus.toml").write_text(toml, encoding="utf-8")
    assert main(["ingest", str(corpus)]) == 1
    assert needle in _err_line(capsys)


def test_an_invalid_leading_date_is_refused(tmp_path, capsys):
    corpus = write_pair(tmp_path / "c", "date 2025-13-45\n\n" + RU, EN)
    assert main(["ingest", str(corpus)]) == 1
    assert "'2025-13-45' is not a valid date" in _err_line(capsys)


@pytest.mark.parametrize(
    ("make", "needle"),
    [
        (
            lambda d: (d / "ru.txt").write_text("😀😀 \u200b\u200b 🎉", encoding="utf-8"),
            "no Cyrillic or Latin letters",
        ),
        (lambda d: ((d / "ru.txt").unlink(), (d / "ru.txt").mkdir()), "is a folder"),
        (lambda d: ((d / "ru.txt").unlink(), os.mkfifo(d / "ru.txt")), "not a regular file"),
        (lambda d: ((d / "ru.txt").unlink(), (d / "ru.txt").symlink_to(d / "ru.txt")), "loop"),
    ],
)
def test_clear_messages_for_odd_files(tmp_path, capsys, make, needle):
    corpus = write_pair(tmp_path / "c", RU, EN)
    make(corpus / "doc")
    assert main(["ingest", str(corpus)]) == 1
    assert needle in _err_line(capsys)


def test_a_symlink_loop_in_the_corpus_is_reported(tmp_path, capsys):
    corpus = write_pair(tmp_path / "c", RU, EN)
    (corpus / "zz").symlink_to(corpus / "zz")
    assert main(["ingest", str(corpus)]) == 1
    assert "loop" in _err_line(capsys)
