"""Bead files in the ``[0]:[0, 1]`` format of Bleualign, Vecalign and Bertalign gold sets."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from align.errors import InputError

RawBead = tuple[list[int], list[int]]


def format_beads(beads: Sequence[tuple[Sequence[int], Sequence[int]]]) -> str:
    """One bead per line: ``[src ids]:[tgt ids]``."""
    return "".join(f"{list(s)}:{list(t)}\n" for s, t in beads)


def read_beads(path: str | Path) -> list[RawBead]:
    """Read a bead file; a malformed line is an :class:`InputError` naming file and line."""
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
