"""The toolkit's second alignment pass: bertalign's search, a Vecalign-style bead cost.

bertalign's first pass (1-1 anchors from the top-k search) and its search path are kept; the
second pass is re-implemented here (numba, same loops as ``bertalign.corelib``) with a
different objective. bertalign maximises the summed ``cos * length_penalty`` of the beads and
pays a constant ``skip`` per 1-0 / 0-1 bead, so a sentence with no counterpart is often
cheaper to absorb into a neighbouring bead (the window's cosine drops a little) than to skip
— the runs of 1-0 / 0-1 swallowed by large m-n beads that dominated its errors on the dev sets.

Here a bead of ``m`` source and ``n`` target sentences costs, as in Vecalign (Thompson &
Koehn 2019),

    cost = (1 - cos(x, y)) * m * n / ((norm(x) + norm(y)) / 2)

where ``norm(x)`` is the mean ``1 - cos`` of the window ``x`` against sentences of the other
side (so a window close to everything is not cheap), and a 1-0 / 0-1 bead costs ``skip``. A
sentence therefore has to *earn* its place in a merged bead: merging doubles the cost unless
the cosine rises enough. ``len_weight`` adds ``len_weight * (1 - length_penalty)`` to an
aligned bead (bertalign's character-length agreement, as a cost). The DP minimises the sum.
"""

from __future__ import annotations

import re
import zlib
from collections import Counter

import numba as nb
import numpy as np
from numpy.typing import NDArray

NORM_SAMPLE = 256  # other-side sentences used for norm(x); evenly spaced, deterministic


def window_norms(vecs: NDArray[np.float32], other: NDArray[np.float32]) -> NDArray[np.float32]:
    """``norm`` of every window: mean ``1 - cos`` against (up to 256) single sentences of the
    other side. ``vecs``: (windows, sentences, dim); ``other``: (sentences, dim)."""
    step = max(1, len(other) // NORM_SAMPLE)
    sample = other[::step][:NORM_SAMPLE]
    sims = vecs.reshape(-1, vecs.shape[-1]) @ sample.T
    norms = (1.0 - sims).mean(axis=1).reshape(vecs.shape[:2])
    return np.maximum(norms, 1e-3).astype(np.float32)


_TOKEN = re.compile(r"\d+(?:[.,]\d+)*|[A-Za-z][A-Za-z'-]{2,}")
BAG_DIM = 128


def _anchor_tokens(text: str) -> set[str]:
    """Numbers (separators removed) and Latin-script words (lower-cased) of a sentence."""
    return {re.sub(r"[.,]", "", t) if t[0].isdigit() else t.lower() for t in _TOKEN.findall(text)}


def anchor_bags(
    src: list[str], tgt: list[str], windows: int, max_df: int = 3
) -> tuple[NDArray[np.float32], NDArray[np.float32]]:
    """Lexical anchors of every window, as L2-normalised hashed bags (zero when none).

    An anchor is a number or a Latin-script word that occurs on *both* sides of the document
    and in at most ``max_df`` sentences of each (names, figures, codes: rare and shared).
    """
    toks = [[_anchor_tokens(t) for t in side] for side in (src, tgt)]
    df = [Counter(w for ts in side for w in ts) for side in toks]
    anchors = {w for w in df[0] if w in df[1] and df[0][w] <= max_df and df[1][w] <= max_df}
    out = []
    for side in toks:
        n = len(side)
        sent = np.zeros((n, BAG_DIM), dtype=np.float32)
        for i, ts in enumerate(side):
            for w in ts & anchors:
                sent[i, zlib.crc32(w.encode()) % BAG_DIM] = 1.0
        bags = np.zeros((windows, n, BAG_DIM), dtype=np.float32)
        for k in range(windows):
            for i in range(n):
                bags[k, i] = sent[max(0, i - k) : i + 1].max(axis=0)
        norms = np.linalg.norm(bags, axis=2, keepdims=True)
        out.append(np.ascontiguousarray(bags / np.maximum(norms, 1e-12)))
    return out[0], out[1]


def eff_counts(sents: list[str], windows: int) -> NDArray[np.float64]:
    """Per window: its characters over its longest sentence's (1 for one sentence, up to n)."""
    lens = np.array([max(1, len(s)) for s in sents], dtype=np.float64)
    out = np.ones((windows, len(sents)), dtype=np.float64)
    for k in range(windows):
        for i in range(len(sents)):
            part = lens[max(0, i - k) : i + 1]
            out[k, i] = part.sum() / part.max()
    return out


@nb.njit(cache=True)
def second_pass_cost(
    src_vecs: NDArray[np.float32],
    tgt_vecs: NDArray[np.float32],
    src_lens: NDArray[np.int64],
    tgt_lens: NDArray[np.int64],
    src_norm: NDArray[np.float32],
    tgt_norm: NDArray[np.float32],
    src_bags: NDArray[np.float32],
    tgt_bags: NDArray[np.float32],
    lex_weight: float,
    src_eff: NDArray[np.float64],
    tgt_eff: NDArray[np.float64],
    w: int,
    search_path: NDArray[np.int64],
    align_types: NDArray[np.int64],
    char_ratio: float,
    skip: float,
    len_weight: float,
    size_exp: float,
) -> NDArray[np.uint8]:  # pragma: no cover - compiled
    """Back-pointers of the minimum-cost path (bertalign's pointer layout)."""
    src_len = src_vecs.shape[1]
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
                    c += skip
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
                    if len_weight < 0:  # bertalign's penalty on the similarity
                        cos *= lp
                    if size_exp == 0.0:  # sentences counted by their length share
                        size = src_eff[a_1 - 1, i - 1] * tgt_eff[a_2 - 1, j - 1]
                    elif size_exp < 0:
                        size = a_1 + a_2 - 1.0
                    else:
                        size = (a_1 * a_2) ** size_exp
                    c += (1.0 - cos) * size / norm
                    if len_weight > 0:
                        c += len_weight * (1.0 - lp)
                    if lex_weight != 0.0:
                        bx = src_bags[a_1 - 1, i - 1, :]
                        by = tgt_bags[a_2 - 1, j - 1, :]
                        lex = 0.0
                        has = 0.0
                        for d in range(bx.shape[0]):
                            lex += bx[d] * by[d]
                            has += bx[d] + by[d]
                        if lex_weight > 0:
                            c -= lex_weight * lex
                        elif has > 0:  # anchors on either side that the other lacks
                            c -= lex_weight * (1.0 - lex)
                if c < best:
                    best = c
                    best_a = a
            cost[i][j - i_start] = best
            pointers[i][j - i_start] = best_a
    return pointers


def band_quantile(
    src_vecs: NDArray[np.float32],
    tgt_vecs: NDArray[np.float32],
    src_norm: NDArray[np.float32],
    tgt_norm: NDArray[np.float32],
    search_path: NDArray[np.int64],
    q: float,
) -> float:
    """The ``q`` quantile of the 1-1 bead costs over the search band (Vecalign's deletion
    penalty: most cells of the band pair sentences that are not translations)."""
    costs = []
    for i in range(1, len(search_path)):
        lo, hi = max(1, search_path[i][0]), search_path[i][1]
        if hi < lo:
            continue
        cos = tgt_vecs[0, lo - 1 : hi] @ src_vecs[0, i - 1]
        norm = 0.5 * (src_norm[0, i - 1] + tgt_norm[0, lo - 1 : hi])
        costs.append((1.0 - cos) / norm)
    return float(np.quantile(np.concatenate(costs), q)) if costs else 1.0


def align_cost(
    aligner,  # bertalign.Bertalign, embedded, not yet aligned
    skip: float,
    len_weight: float,
    del_quantile: float = 0.0,
    size_exp: float = 1.0,
    lex_weight: float = 0.0,
    normalise: bool = True,
) -> list[tuple[list[int], list[int]]]:
    """bertalign's first pass and search path, then the Vecalign-style second pass."""
    from bertalign.corelib import (
        find_first_search_path,
        find_second_search_path,
        first_back_track,
        first_pass_align,
        get_alignment_types,
        second_back_track,
    )

    from align._bertalign import find_top_k_sents_chunked

    a = aligner
    scores, indices = find_top_k_sents_chunked(a.src_vecs[0], a.tgt_vecs[0], k=a.top_k)
    types1 = get_alignment_types(2)
    w1, path1 = find_first_search_path(a.src_num, a.tgt_num)
    ptr1 = first_pass_align(a.src_num, a.tgt_num, w1, path1, types1, scores, indices)
    first = first_back_track(a.src_num, a.tgt_num, ptr1, path1, types1)
    types2 = get_alignment_types(a.max_align)
    w2, path2 = find_second_search_path(first, a.win, a.src_num, a.tgt_num)
    src_norm = window_norms(a.src_vecs, a.tgt_vecs[0])
    tgt_norm = window_norms(a.tgt_vecs, a.src_vecs[0])
    if not normalise:
        src_norm, tgt_norm = np.ones_like(src_norm), np.ones_like(tgt_norm)
    if del_quantile > 0:
        skip = skip * band_quantile(a.src_vecs, a.tgt_vecs, src_norm, tgt_norm, path2, del_quantile)
    k = a.src_vecs.shape[0]
    if lex_weight:
        src_bags, tgt_bags = anchor_bags(a.src_sents, a.tgt_sents, k)
    else:
        src_bags = tgt_bags = np.zeros((k, 1, 1), dtype=np.float32)
    ptr2 = second_pass_cost(
        np.ascontiguousarray(a.src_vecs, dtype=np.float32),
        np.ascontiguousarray(a.tgt_vecs, dtype=np.float32),
        a.src_lens,
        a.tgt_lens,
        src_norm,
        tgt_norm,
        src_bags,
        tgt_bags,
        lex_weight,
        eff_counts(a.src_sents, k),
        eff_counts(a.tgt_sents, k),
        w2,
        path2,
        types2,
        a.char_ratio,
        skip,
        len_weight,
        size_exp,
    )
    return second_back_track(a.src_num, a.tgt_num, ptr2, path2, types2)


def _bead_score(aligner, s: list[int], t: list[int], len_penalty: bool) -> float:
    """bertalign's score of one bead (cosine of the windows, times its length penalty)."""
    a = aligner
    x = a.src_vecs[len(s) - 1, s[-1]]
    y = a.tgt_vecs[len(t) - 1, t[-1]]
    sim = float(np.dot(x[: a.src_vecs.shape[2]], y[: a.tgt_vecs.shape[2]]))
    if not len_penalty:
        return sim
    sl = float(a.src_lens[len(s) - 1, s[-1]])
    tl = float(a.tgt_lens[len(t) - 1, t[-1]]) * a.char_ratio
    return sim * float(np.log2(1.0 + min(sl, tl) / max(sl, tl)))


def peel_beads(
    beads: list[tuple[list[int], list[int]]], aligner, earn: float, len_penalty: bool = True
) -> list[tuple[list[int], list[int]]]:
    """Second pass over merged beads: split off edge sentences that do not earn their place.

    In a bead of 3 or more sentences, the first or last sentence of a side with 2 or more is
    removed when the bead's score without it is at most ``earn`` lower than with it; it
    becomes a 1-0 / 0-1 bead next to the rest. Repeated (weakest sentence first) until every
    edge sentence earns ``earn``.
    """
    out: list[tuple[list[int], list[int]]] = []
    for s, t in beads:
        s, t = list(s), list(t)
        before: list[tuple[list[int], list[int]]] = []
        after: list[tuple[list[int], list[int]]] = []
        while s and t and len(s) + len(t) >= 3:
            full = _bead_score(aligner, s, t, len_penalty)
            options = []
            if len(s) >= 2:
                options += [(full - _bead_score(aligner, s[1:], t, len_penalty), "s0")]
                options += [(full - _bead_score(aligner, s[:-1], t, len_penalty), "s1")]
            if len(t) >= 2:
                options += [(full - _bead_score(aligner, s, t[1:], len_penalty), "t0")]
                options += [(full - _bead_score(aligner, s, t[:-1], len_penalty), "t1")]
            gain, which = min(options)
            if gain >= earn:
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
