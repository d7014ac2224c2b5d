"""The command examples of the docs, re-run for real: ```console blocks of Markdown files.

A block is a sequence of ``$ python -m align ...`` lines (optionally ``| head -n N``, which
keeps the first N lines of stdout), each followed by what it printed: stdout, then stderr, then
a non-zero exit code as ``[exit code N]``. :func:`run_blocks`
runs every command with :func:`align.cli.main` in a working folder where ``out/seed`` is the
seed dataset, and returns the file with each block's output replaced by the real one;
``scripts/make_docs_images.py --examples`` writes it back, and ``tests/test_docs.py`` fails
when the file on disk differs (the docs have drifted from what the tool prints).

Parquet names carry a content hash; it is printed as ``<content hash>``.
"""

from __future__ import annotations

import contextlib
import io
import os
import re
import shlex
import shutil
from collections.abc import Iterator
from pathlib import Path

from align.cli import main

BLOCK = re.compile(r"```console\n(.*?)```", re.S)
PROMPT = "$ "
HASH = re.compile(r"train-[0-9a-f]{16}\.parquet")


@contextlib.contextmanager
def _cwd(path: Path) -> Iterator[None]:
    old = Path.cwd()
    os.chdir(path)
    try:
        yield
    finally:
        os.chdir(old)


def run_command(line: str) -> str:
    """Run one ``python -m align ...`` line in the current folder; what it printed."""
    command, _, pipe = line.partition(" | ")
    args = shlex.split(command)
    if args[:3] != ["python", "-m", "align"]:
        raise ValueError(f"not an align command: {line!r}")
    head = re.fullmatch(r"head -n (\d+)", pipe.strip()) if pipe else None
    if pipe and head is None:
        raise ValueError(f"only `| head -n N` is understood: {line!r}")
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = main(args[3:])
        except SystemExit as exc:  # argparse: usage errors, --help, --version
            code = int(exc.code or 0)
    text = out.getvalue()
    if head:
        text = "".join(text.splitlines(keepends=True)[: int(head.group(1))])
    text = HASH.sub("train-<content hash>.parquet", text + err.getvalue())
    return text + (f"[exit code {code}]\n" if code else "")


def _run_block(block: str) -> str:
    out = []
    for line in block.splitlines():
        if line.startswith(PROMPT):
            out.append(line + "\n" + run_command(line[len(PROMPT) :]))
    return "".join(out)


def run_blocks(markdown: str, workdir: Path) -> str:
    """``markdown`` with every console block's output replaced by a real run in ``workdir``."""
    with _cwd(workdir):
        return BLOCK.sub(lambda m: f"```console\n{_run_block(m.group(1))}```", markdown)


def prepare_workdir(workdir: Path, dataset: Path, root: Path) -> Path:
    """A copy of the seed dataset as ``workdir/out/seed``, and of ``docs/examples`` and
    ``corpora/seed`` (the examples read them by relative paths, as from the repository)."""
    shutil.copytree(dataset, workdir / "out" / "seed")
    for name in ("docs/examples", "corpora/seed"):
        shutil.copytree(root / name, workdir / name)
    return workdir
