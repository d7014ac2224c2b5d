"""A refinement pass over bertalign's beads: re-examine merges and skips with a calibrated score.

bertalign's second pass sums one similarity per bead, so its choice between, say, a 2-1 bead
and a 1-1 bead plus a 1-0 skip compares a single similarity against a similarity plus a skip
cost. This pass re-scores small neighbourhoods with a score that is additive per *sentence*:

    value(m-n bead) = (m + n) * (cos(src text, tgt text) - tau) - merge_cost * (m + n - 2)
    value(1-0 / 0-1) = 0

where the cosine is that of the window embeddings of each side (the encoder's ``transform``,
as bertalign uses them). A sentence
is aligned only if it raises the similarity of its bead above ``tau``; a merge must beat the
split by ``merge_cost`` per extra sentence. Sliding over the beads, every window of ``span``
consecutive beads (at most ``max_sents`` sentences) is re-segmented optimally under this
score (an exhaustive search over the window's monotone segmentations) and replaced by the
best segmentation. ``tau`` and ``merge_cost`` are tuned on the dev splits (docs/alignment.md).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache

import numpy as np

from align.encoders import TextEncoder
from align.io import RawBead


@dataclass(frozen=True)
class RefineConfig:
    tau: float = 0.3
    merge_cost: float = 0.0
    span: int = 2
    max_sents: int = 8
    max_align: int = 6


def refine_beads(
    src: Sequence[str],
    tgt: Sequence[str],
    beads: Sequence[RawBead],
    encoder: TextEncoder,
    cfg: RefineConfig,
) -> list[RawBead]:
    """Re-segment windows of consecutive beads under the per-sentence score (see module doc)."""
    k_max = max(1, cfg.max_align - 1)
    src_vecs = encoder.transform(list(src), k_max)[0] if src else None
    tgt_vecs = encoder.transform(list(tgt), k_max)[0] if tgt else None

    @cache
    def value(a: int, m: int, b: int, n: int) -> float:
        if m == 0 or n == 0:
            return 0.0
        if m > k_max or n > k_max:
            return -np.inf
        assert src_vecs is not None and tgt_vecs is not None
        # window of m sentences ending at a + m - 1 is stored at [m - 1, a + m - 1]
        cos = float(np.dot(src_vecs[m - 1, a + m - 1], tgt_vecs[n - 1, b + n - 1]))
        return (m + n) * (cos - cfg.tau) - cfg.merge_cost * (m + n - 2)

    def best(a: int, ns: int, b: int, nt: int) -> list[RawBead]:
        # exhaustive optimal segmentation of src[a:a+ns] x tgt[b:b+nt] (tiny: <= max_sents)
        score = np.full((ns + 1, nt + 1), -np.inf)
        back: dict[tuple[int, int], tuple[int, int]] = {}
        score[0, 0] = 0.0
        for i in range(ns + 1):
            for j in range(nt + 1):
                if i == j == 0:
                    continue
                for m in range(0, i + 1):
                    for n in range(0, j + 1):
                        if m + n == 0 or m + n > cfg.max_align:
                            continue
                        if (m == 0 and n != 1) or (n == 0 and m != 1):
                            continue
                        s = score[i - m, j - n] + value(a + i - m, m, b + j - n, n)
                        if s > score[i, j] + 1e-9:
                            score[i, j] = s
                            back[(i, j)] = (m, n)
        out: list[RawBead] = []
        i, j = ns, nt
        while i or j:
            m, n = back[(i, j)]
            out.append((list(range(a + i - m, a + i)), list(range(b + j - n, b + j))))
            i, j = i - m, j - n
        return out[::-1]

    result = [(list(s), list(t)) for s, t in beads]
    p = 0
    while p < len(result):
        window = result[p : p + cfg.span]
        src_ids = [i for s, _ in window for i in s]
        tgt_ids = [j for _, t in window for j in t]
        if len(src_ids) + len(tgt_ids) <= cfg.max_sents and len(window) > 0:
            a = min(src_ids) if src_ids else _next_index([s for s, _ in result[:p]])
            b = min(tgt_ids) if tgt_ids else _next_index([t for _, t in result[:p]])
            result[p : p + cfg.span] = best(a, len(src_ids), b, len(tgt_ids))
        p += 1
    return result


def _next_index(sides: list[list[int]]) -> int:
    return max((i for side in sides for i in side), default=-1) + 1
