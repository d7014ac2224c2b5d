"""Files: bead files in the ``[0]:[0, 1]`` format of Bleualign, Vecalign and Bertalign gold sets,
and atomic writes (a folder or files replaced only when complete)."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from align.errors import InputError

RawBead = tuple[list[int], list[int]]


def format_beads(beads: Sequence[tuple[Sequence[int], Sequence[int]]]) -> str:
    """One bead per line: ``[src ids]:[tgt ids]``."""
    return "".join(f"{list(s)}:{list(t)}\n" for s, t in beads)


def read_beads(path: str | Path) -> list[RawBead]:
    """Read a bead file; a malformed line is an :class:`InputError` naming file and line."""
    from align._bertalign import import_bertalign

    import_bertalign()  # bertalign without torch (see align/_bertalign.py)
    from bertalign.eval import InvalidAlignmentLineError, read_alignments

    p = Path(path)
    if not p.is_file():
        raise InputError(p, "alignment file does not exist")
    try:
        return [(list(s), list(t)) for s, t in read_alignments(p)]
    except InvalidAlignmentLineError as err:
        raise InputError(p, str(err)) from None
    except UnicodeDecodeError:
        raise InputError(p, "not a UTF-8 text file") from None


@contextmanager
def atomic_dir(out: str | Path) -> Iterator[Path]:
    """Yield a temporary folder that replaces ``out`` only if the block succeeds."""
    target = Path(out).resolve()
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}.tmp-", dir=target.parent))
    try:
        yield tmp
        if target.exists():
            old = Path(tempfile.mkdtemp(prefix=f".{target.name}.old-", dir=target.parent))
            os.replace(target, old / "x")
            os.replace(tmp, target)
            shutil.rmtree(old, ignore_errors=True)
        else:
            os.replace(tmp, target)
    finally:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)


@contextmanager
def atomic_files(*paths: str | Path) -> Iterator[list[Path]]:
    """Yield temporary paths beside ``paths``; they replace them only if the block succeeds.

    A failure leaves the targets as they were (no half-written files, no temporaries).
    """
    targets = [Path(p).resolve() for p in paths]
    tmps: list[Path] = []
    try:
        for t in targets:
            t.parent.mkdir(parents=True, exist_ok=True)
            fd, name = tempfile.mkstemp(prefix=f".{t.name}.", suffix=".tmp", dir=t.parent)
            os.close(fd)
            tmps.append(Path(name))
        yield tmps
        for tmp, t in zip(tmps, targets, strict=True):
            os.replace(tmp, t)
    finally:
        for tmp in tmps:
            tmp.unlink(missing_ok=True)
