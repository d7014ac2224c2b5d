"""CLI conventions: --version, -q, progress bars only on a terminal, `-` for stdout/stdin,
defaults in help, exit codes (0 done, 1 runtime error, 2 usage error)."""

from __future__ import annotations

import io
import json
import subprocess
import sys

import pytest

from align import __version__
from align.cli import build_parser, main
from align.progress import progress_wanted
from tests.conftest import ROOT, SEED


def _run(*args: str, stdin: str | None = None, env: dict | None = None):
    import os

    return subprocess.run(
        [sys.executable, "-m", "align", *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        input=stdin,
        env={**os.environ, **(env or {})},
        check=False,
    )


def test_version(capsys):
    with pytest.raises(SystemExit) as exc:
        main(["--version"])
    assert exc.value.code == 0
    assert capsys.readouterr().out.strip() == f"align {__version__}"


def test_help_shows_defaults_and_no_doubled_percent(capsys):
    for cmd, needle in (("run", "(default: 5)"), ("eval-divergence", "(default: 300)")):
        with pytest.raises(SystemExit):
            main([cmd, "--help"])
        out = capsys.readouterr().out
        assert needle in " ".join(out.split()), cmd
        assert "%%" not in out and "(default: None)" not in out and "(default: False)" not in out
    with pytest.raises(SystemExit):
        main(["eval-divergence", "--help"])
    assert "first 40% of NTREX" in " ".join(capsys.readouterr().out.split())


def test_usage_error_is_2_runtime_error_is_1(tmp_path, capsys):
    usage = _run("export-text", str(tmp_path), "--out", str(tmp_path / "x"), "--types", "x")
    assert usage.returncode == 2 and "usage:" in usage.stderr
    assert main(["export-text", str(tmp_path / "nope"), "--out", str(tmp_path / "x")]) == 1
    err = capsys.readouterr().err
    assert err.startswith("align: error: ") and err.count("\n") == 1


def test_progress_only_on_a_terminal_and_never_with_tqdm_disable(monkeypatch):
    class Tty(io.StringIO):
        def isatty(self) -> bool:
            return True

    monkeypatch.delenv("TQDM_DISABLE", raising=False)
    monkeypatch.setattr(sys, "stderr", io.StringIO())
    assert not progress_wanted()  # not a terminal
    monkeypatch.setattr(sys, "stderr", Tty())
    assert progress_wanted() and not progress_wanted(False)  # -q
    monkeypatch.setenv("TQDM_DISABLE", "1")
    assert not progress_wanted()
    monkeypatch.setenv("TQDM_DISABLE", "0")
    assert progress_wanted()


def test_quiet_and_no_bar_without_a_terminal(seed_run, encoder, tmp_path, capsys, monkeypatch):
    # stderr is captured here, not a terminal: no bar even without -q
    assert main(["report", str(seed_run.out), "--out", str(tmp_path / "r.html")]) == 0
    out = capsys.readouterr()
    assert "report written to" in out.out and out.err == ""
    assert main(["run", str(SEED), "--out", str(tmp_path / "q"), "--jobs", "1", "-q"]) == 0
    out = capsys.readouterr()
    assert out.out == "" and out.err == ""
    assert main(["-q", "export-text", str(tmp_path / "q"), "--out", str(tmp_path / "t")]) == 0
    assert capsys.readouterr().out == ""
    # stderr taken for a terminal: a bar, and none with -q
    monkeypatch.setattr(sys.stderr, "isatty", lambda: True)
    monkeypatch.delenv("TQDM_DISABLE", raising=False)
    report = ["report", str(seed_run.out), "--out", str(tmp_path / "r.html")]
    assert main(report) == 0 and "report: 100%" in capsys.readouterr().err
    assert main([*report, "-q"]) == 0 and capsys.readouterr().err == ""


def test_out_dash_streams_and_never_creates_a_file(seed_run, tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert main(["report", str(seed_run.out), "--out", "-"]) == 0
    out = capsys.readouterr()
    assert out.out.startswith("<!DOCTYPE html>") and out.out.rstrip().endswith("</html>")
    assert main(["export-tmx", str(seed_run.out), "--out", "-"]) == 0
    out = capsys.readouterr()
    assert out.out.startswith('<?xml version="1.0" encoding="UTF-8"?>')
    assert "translation units written to stdout" in out.err  # the message moves to stderr
    for cmd in (["export-text", str(seed_run.out)], ["run", str(SEED)], ["align", str(SEED)]):
        with pytest.raises(SystemExit) as exc:
            main([*cmd, "--out", "-"])
        assert exc.value.code == 2
        assert "'-' (stdout) is not possible here" in capsys.readouterr().err
    assert not (tmp_path / "-").exists() and list(tmp_path.iterdir()) == []


def test_mt_eval_reads_stdin_and_writes_json_to_stdout(seed_run, tmp_path, capsys, monkeypatch):
    ru = tmp_path / "t"
    assert main(["export-text", str(seed_run.out), "--out", str(ru), "-q"]) == 0
    sources = ru.with_suffix(".ru").read_bytes()  # the Russian as the "MT": any text will do

    def stdin(data: bytes) -> None:
        monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data), encoding="utf-8"))

    stdin(sources)
    assert main(["mt-eval", str(seed_run.out), "--hyp", "-", "--out", "-"]) == 0
    out = capsys.readouterr()
    scores = json.loads(out.out)  # stdout is the JSON only
    assert scores["groups"][0]["group"] == "all"
    assert scores["groups"][0]["n"] == len(sources.splitlines())
    assert "BLEU signature" in out.err  # the table went to stderr
    stdin(b"one line\n")
    assert main(["mt-eval", str(seed_run.out), "--hyp", "-"]) == 1
    assert capsys.readouterr().err.startswith("align: error: <stdin>: has 1 lines")


def test_quiet_is_accepted_by_every_command():
    parser = build_parser()
    sub = next(a for a in parser._actions if a.dest == "command")
    for name, p in sub.choices.items():
        assert any("-q" in a.option_strings for a in p._actions), name


def _stderr_on_a_terminal(args: list[str], env: dict[str, str]) -> str:
    """Run `python ARGS` with stderr on a pseudo-terminal (120 columns); its stderr."""
    import fcntl
    import os
    import struct
    import termios

    master, slave = os.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 120, 0, 0))
    proc = subprocess.Popen(
        [sys.executable, *args],
        stdout=subprocess.DEVNULL,
        stderr=slave,
        cwd=ROOT,
        env={**os.environ, **env},
    )
    os.close(slave)
    chunks = []
    while True:
        try:
            chunk = os.read(master, 65536)
        except OSError:  # EIO: the child closed the terminal
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(master)
    assert proc.wait(timeout=120) == 0
    return b"".join(chunks).decode("utf-8", "replace")


def test_a_terminal_gets_a_bar_unless_tqdm_disable():
    """The toolkit's bar on a real (pseudo-)terminal; every command makes its bars with
    progress_bar(show=not args.quiet) (the in-process tests above check the wiring)."""
    code = "from align.progress import progress_bar\nfor _ in progress_bar(range(3), desc='demo'): pass"
    assert "demo: 100%" in _stderr_on_a_terminal(["-c", code], {"TQDM_DISABLE": ""})
    assert "demo" not in _stderr_on_a_terminal(["-c", code], {"TQDM_DISABLE": "1"})
