"""Fragments of a sentence cut across lines, joined to the bead of the rest of their sentence.

Text extracted from PDFs or OCR, and files with one line per printed line, cut sentences at
page and line breaks («… ( wir würden sagen :» / «braunen ) Bären herausgestellt hätten .»).
The aligner's cost prices such a fragment on its own: its cosine to the other side is low,
so it is often cheaper to leave it unaligned (a 1-0 / 0-1 bead) than to join it to the bead
of its sentence, and Vecalign's metric counts every wrong 1-0 / 0-1 bead against precision.
Typography says what the cosines cannot: a line that continues the previous one
(:func:`align.segment.continues`) is joined to the previous bead; a line that ends in a
continuation mark (:func:`align.segment.ends_open`) is joined to the next bead. Only a lone
unaligned line is moved, only into a bead with text on both sides that holds its neighbouring
line on the same side, and only within one paragraph where paragraphs are known.

Measured on the alignment dev sets (docs/alignment.md, "Ninth session"): Text+Berg dev strict
F1 0.879 -> 0.889 for the aligner alone, 0.883 -> 0.891 with the scorer's split; no other dev
set changes (their 1-0 / 0-1 beads are whole sentences, which end with a stop).
"""

from __future__ import annotations

from collections.abc import Sequence

from align.io import RawBead
from align.segment import continues, ends_open


def join_fragments(
    beads: Sequence[RawBead],
    src: Sequence[str],
    tgt: Sequence[str],
    src_para: Sequence[int] | None = None,
    tgt_para: Sequence[int] | None = None,
) -> list[RawBead]:
    """``beads`` (ids into ``src`` / ``tgt``, in order) with every lone unaligned line that
    continues its neighbour's sentence moved into the neighbour's bead (see the module
    docstring). ``*_para``: each line's paragraph; ``None``: the lines are one paragraph."""
    out = [(list(r), list(t)) for r, t in beads]
    k = 0
    while k < len(out):
        move = _target(out, k, (src, tgt), (src_para, tgt_para))
        if move is None:
            k += 1
            continue
        to, side = move
        i = out[k][side][0]
        if to < k:
            out[to][side].append(i)
        else:
            out[to][side].insert(0, i)
        del out[k]
        k = max(0, k - 1)  # the grown bead may now continue into another lone line
    return out


def _target(
    out: list[RawBead],
    k: int,
    lines: tuple[Sequence[str], Sequence[str]],
    paras: tuple[Sequence[int] | None, Sequence[int] | None],
) -> tuple[int, int] | None:
    """(the neighbouring bead, k - 1 or k + 1, that the lone line of bead ``k`` belongs to; the
    line's side), or None."""
    side = _lone_side(out[k])
    if side is None:
        return None
    text, para = lines[side], paras[side]
    i = out[k][side][0]

    def joinable(j: int, n: int) -> bool:  # bead n holds line j next to i, in i's paragraph
        inside = 0 <= n < len(out) and _holds(out[n], side, j, last=n < k)
        return inside and (para is None or para[j] == para[i])

    if joinable(i - 1, k - 1) and continues(text[i - 1], text[i]):
        return k - 1, side
    if joinable(i + 1, k + 1) and ends_open(text[i]):
        return k + 1, side
    return None


def _lone_side(bead: RawBead) -> int | None:
    """0 / 1 for a bead of one line on the source / target side only, else None."""
    r, t = bead
    if len(r) == 1 and not t:
        return 0
    if len(t) == 1 and not r:
        return 1
    return None


def _holds(bead: RawBead, side: int, j: int, *, last: bool) -> bool:
    """Text on both sides, and line ``j`` of ``side`` as its last (or first) line there."""
    if not (bead[0] and bead[1]):
        return False
    ids = bead[side]
    return ids[-1 if last else 0] == j
