"""Character spans of a bead side: normalised (sorted, clipped, merged) and cut into pieces."""

from __future__ import annotations

from collections.abc import Iterable, Mapping


def merged_spans(spans: Iterable[Mapping[str, object]], length: int) -> list[tuple[int, int]]:
    """``(start, end)`` pairs clipped to ``[0, length]``, sorted, overlaps merged, empties dropped."""
    raw = sorted(
        (max(0, int(s["start"])), min(length, int(s["end"])))  # type: ignore[call-overload]
        for s in spans
    )
    out: list[tuple[int, int]] = []
    for start, end in raw:
        if end <= start:
            continue
        if out and start <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], end))
        else:
            out.append((start, end))
    return out


def pieces(text: str, spans: Iterable[Mapping[str, object]]) -> list[tuple[str, bool]]:
    """``text`` cut into ``(piece, inside_a_span)`` parts, in order; they join back to ``text``."""
    out: list[tuple[str, bool]] = []
    pos = 0
    for start, end in merged_spans(spans, len(text)):
        if start > pos:
            out.append((text[pos:start], False))
        out.append((text[start:end], True))
        pos = end
    if pos < len(text):
        out.append((text[pos:], False))
    return out
