"""The toolkit's second alignment pass: bertalign's search, a Vecalign-style bead cost.

bertalign's first pass (1-1 anchors from the top-k search) and its search path are kept; the
second pass is re-implemented here (numba, same loops as ``bertalign.corelib``) with a
different objective. bertalign maximises the summed ``cos * length_penalty`` of the beads and
pays a constant ``skip`` per 1-0 / 0-1 bead, so a sentence with no counterpart is often
cheaper to absorb into a neighbouring bead (the window's cosine drops a little) than to skip
— the runs of 1-0 / 0-1 swallowed by large m-n beads that dominated its errors on the dev sets.

Here a bead of ``m`` source and ``n`` target sentences costs

    blend * [ (1 - cos(x, y)) * m * n / ((norm(x) + norm(y)) / 2)
              + len_weight * (1 - length_penalty) ]
    - (1 - blend) * (cos(x, y) - margin) * length_penalty

minus ``support`` x the bead's *sentence support*

    length_penalty * sum over the bead's sentences p of [ cos(p, other side's window)
                                                         - mean cos(p, the other side) ]

and a 1-0 / 0-1 bead ``blend * skip + (1 - blend) * bert_skip``; the DP minimises the sum. The
first term is Vecalign's cost (Thompson & Koehn 2019): ``norm(x)`` is the mean ``1 - cos`` of
the window ``x`` against sentences of the other side (a window close to everything is not
cheap), and the factor ``m * n`` makes every sentence of a merged bead pay for itself. The
second is bertalign's own reward (``margin``: its neighbour margin, optional), which keeps the
merges bertalign finds well. The third asks every sentence of a bead, on its own, to be closer
to the bead's other side than to the other side's average sentence (``1 - norm`` of the single
sentence): a dropped sentence next to a bead is not (its cosine to the neighbouring bead's other
side: median 0.23 on the dev generators, 0.00 on Text+Berg dev, against 0.56 / 0.50 for a part
of a real merge), while the window cosines of the first two terms barely move when it is
absorbed; a crossing's four sentences each support the 2-2 window. ``blend=1, support=0`` is
the Vecalign-style cost alone; ``blend=0, support=0`` without the margin gives bertalign's
``margin=False`` second pass. docs/alignment.md has what each part gave on the dev sets.
"""

from __future__ import annotations

import numba as nb
import numpy as np
from bertalign.corelib import calculate_neighbor_similarity
from numpy.typing import NDArray

NORM_SAMPLE = 256  # other-side sentences used for norm(x); evenly spaced, deterministic


def window_norms(vecs: NDArray[np.float32], other: NDArray[np.float32]) -> NDArray[np.float32]:
    """``norm`` of every window: mean ``1 - cos`` against (up to 256) single sentences of the
    other side, i.e. ``1 - x . mean(sample)``. ``vecs``: (windows, sentences, dim);
    ``other``: (sentences, dim)."""
    step = max(1, len(other) // NORM_SAMPLE)
    centre = other[::step][:NORM_SAMPLE].mean(axis=0)
    norms = 1.0 - vecs @ centre
    return np.maximum(norms, 1e-3).astype(np.float32)


@nb.njit(cache=True, fastmath=True)
def second_pass_cost(
    src_vecs: NDArray[np.float32],
    tgt_vecs: NDArray[np.float32],
    src_lens: NDArray[np.int64],
    tgt_lens: NDArray[np.int64],
    src_norm: NDArray[np.float32],
    tgt_norm: NDArray[np.float32],
    w: int,
    search_path: NDArray[np.int64],
    align_types: NDArray[np.int64],
    char_ratio: float,
    skip: float,
    len_weight: float,
    blend: float,
    bert_skip: float,
    margin: bool,
    support: float,
) -> NDArray[np.uint8]:  # pragma: no cover - compiled
    """Back-pointers of the minimum-cost path (bertalign's pointer layout)."""
    src_len = src_vecs.shape[1]
    tgt_len = tgt_vecs.shape[1]
    cost = np.zeros((src_len + 1, w), dtype=np.float64)
    pointers = np.zeros((src_len + 1, w), dtype=np.uint8)
    for i in range(src_len + 1):
        i_start = search_path[i][0]
        i_end = search_path[i][1]
        for j in range(i_start, i_end + 1):
            if i + j == 0:
                continue
            best = np.inf
            best_a = 0
            for a in range(align_types.shape[0]):
                a_1 = align_types[a][0]
                a_2 = align_types[a][1]
                prev_i = i - a_1
                prev_j = j - a_2
                if prev_i < 0 or prev_j < 0:
                    continue
                if prev_j < search_path[prev_i][0] or prev_j > search_path[prev_i][1]:
                    continue
                c = cost[prev_i][prev_j - search_path[prev_i][0]]
                if a_1 == 0 or a_2 == 0:
                    c += blend * skip + (1.0 - blend) * bert_skip
                else:
                    x = src_vecs[a_1 - 1, i - 1, :]
                    y = tgt_vecs[a_2 - 1, j - 1, :]
                    cos = 0.0
                    for d in range(x.shape[0]):
                        cos += x[d] * y[d]
                    norm = 0.5 * (src_norm[a_1 - 1, i - 1] + tgt_norm[a_2 - 1, j - 1])
                    sl = src_lens[a_1 - 1, i - 1]
                    tl = tgt_lens[a_2 - 1, j - 1] * char_ratio
                    lp = np.log2(1.0 + min(sl, tl) / max(sl, tl))
                    vec = (1.0 - cos) * a_1 * a_2 / norm + len_weight * (1.0 - lp)
                    sim = cos
                    if margin:  # bertalign's margin: minus the mean similarity to neighbours
                        tn = calculate_neighbor_similarity(x, a_2, j, tgt_len, tgt_vecs)
                        sn = calculate_neighbor_similarity(y, a_1, i, src_len, src_vecs)
                        sim = cos - (tn + sn) / 2
                    c += blend * vec - (1.0 - blend) * sim * lp
                    if support > 0.0:
                        sup = 0.0
                        for k in range(a_1):  # each source sentence against the target window
                            p = src_vecs[0, i - 1 - k, :]
                            for d in range(y.shape[0]):
                                sup += p[d] * y[d]
                            sup -= 1.0 - src_norm[0, i - 1 - k]
                        for k in range(a_2):
                            q = tgt_vecs[0, j - 1 - k, :]
                            for d in range(x.shape[0]):
                                sup += q[d] * x[d]
                            sup -= 1.0 - tgt_norm[0, j - 1 - k]
                        c -= support * sup * lp
                if c < best:
                    best = c
                    best_a = a
            cost[i][j - i_start] = best
            pointers[i][j - i_start] = best_a
    return pointers


def align_cost(
    aligner,  # bertalign.Bertalign, embedded, not yet aligned
    skip: float,
    len_weight: float,
    blend: float = 1.0,
    bert_skip: float = 0.1,
    margin: bool = False,
    support: float = 0.0,
) -> list[tuple[list[int], list[int]]]:
    """bertalign's first pass and search path, then the second pass with this module's cost."""
    from bertalign.corelib import get_alignment_types, second_back_track

    from align._bertalign import find_second_search_path_safe, first_pass

    a = aligner
    first = first_pass(a)
    types2 = get_alignment_types(a.max_align)
    w2, path2 = find_second_search_path_safe(first, a.win, a.src_num, a.tgt_num)
    src_norm = window_norms(a.src_vecs, a.tgt_vecs[0])
    tgt_norm = window_norms(a.tgt_vecs, a.src_vecs[0])
    ptr2 = second_pass_cost(
        np.ascontiguousarray(a.src_vecs, dtype=np.float32),
        np.ascontiguousarray(a.tgt_vecs, dtype=np.float32),
        a.src_lens,
        a.tgt_lens,
        src_norm,
        tgt_norm,
        w2,
        path2,
        types2,
        a.char_ratio,
        skip,
        len_weight,
        blend,
        bert_skip,
        margin,
        support,
    )
    beads = second_back_track(a.src_num, a.tgt_num, ptr2, path2, types2)
    return [([int(i) for i in s], [int(j) for j in t]) for s, t in beads]


class BeadCost:
    """The Vecalign-style cost of one bead (the ``blend=1`` cost of :func:`second_pass_cost`),
    for passes over finished beads."""

    def __init__(self, aligner, del_cost: float, len_weight: float) -> None:
        self.a = aligner
        self.del_cost = del_cost
        self.len_weight = len_weight
        self.src, self.tgt = aligner.src_vecs, aligner.tgt_vecs
        self.src_norm = window_norms(self.src, self.tgt[0])
        self.tgt_norm = window_norms(self.tgt, self.src[0])

    def __call__(self, s: list[int], t: list[int]) -> float:
        if not s or not t:
            return self.del_cost * (len(s) + len(t))
        a, m, n = self.a, len(s), len(t)
        cos = float(np.dot(self.src[m - 1, s[-1]], self.tgt[n - 1, t[-1]]))
        norm = 0.5 * float(self.src_norm[m - 1, s[-1]] + self.tgt_norm[n - 1, t[-1]])
        sl = float(a.src_lens[m - 1, s[-1]])
        tl = float(a.tgt_lens[n - 1, t[-1]]) * a.char_ratio
        lp = float(np.log2(1.0 + min(sl, tl) / max(sl, tl)))
        return (1.0 - cos) * m * n / norm + self.len_weight * (1.0 - lp)


def peel_beads(
    beads: list[tuple[list[int], list[int]]], aligner, del_cost: float, len_weight: float
) -> list[tuple[list[int], list[int]]]:
    """Second pass over finished beads: split off sentences that cost more than they explain.

    In a bead of 3 or more sentences, the first or last sentence of a side with 2 or more
    becomes a 1-0 / 0-1 bead next to the rest when that lowers the summed bead cost (the
    Vecalign-style cost of :func:`second_pass_cost`, ``del_cost`` per unaligned sentence).
    Repeated, best split first, until no split lowers the cost. Merges stay as the first
    pass found them unless a sentence in them does not pay for itself.
    """
    cost = BeadCost(aligner, del_cost, len_weight)
    out: list[tuple[list[int], list[int]]] = []
    for s, t in beads:
        s, t = list(s), list(t)
        before: list[tuple[list[int], list[int]]] = []
        after: list[tuple[list[int], list[int]]] = []
        while s and t and len(s) + len(t) >= 3:
            full = cost(s, t)
            options = []
            if len(s) >= 2:
                options += [(cost(s[1:], t), "s0"), (cost(s[:-1], t), "s1")]
            if len(t) >= 2:
                options += [(cost(s, t[1:]), "t0"), (cost(s, t[:-1]), "t1")]
            best, which = min(options)
            if best + del_cost >= full:
                break
            if which == "s0":
                before.append(([s.pop(0)], []))
            elif which == "s1":
                after.insert(0, ([s.pop()], []))
            elif which == "t0":
                before.append(([], [t.pop(0)]))
            else:
                after.insert(0, ([], [t.pop()]))
        out.extend([*before, (s, t), *after])
    return out
