"""bertalign's first pass in a band that widens only where needed (align/_bertalign.py, 3)."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
from bertalign.corelib import (
    find_first_search_path,
    first_back_track,
    first_pass_align,
    get_alignment_types,
)

from align._bertalign import (
    FIRST_PASS_WIN,
    find_top_k_in_band,
    find_top_k_sents_chunked,
    first_pass,
)


def _unit(rng: np.random.Generator, n: int, dim: int = 32) -> np.ndarray:
    v = rng.standard_normal((n, dim)).astype(np.float32)
    return v / np.linalg.norm(v, axis=1, keepdims=True)


def _aligner(src: np.ndarray, tgt: np.ndarray) -> SimpleNamespace:
    return SimpleNamespace(
        src_vecs=src[None], tgt_vecs=tgt[None], src_num=len(src), tgt_num=len(tgt), top_k=3
    )


def _bertalign_first_pass(src: np.ndarray, tgt: np.ndarray) -> list[tuple[int, int]]:
    """bertalign's own first pass: global top-k, band of max(250, 6%)."""
    n, m = len(src), len(tgt)
    scores, idx = find_top_k_sents_chunked(src, tgt, 3)
    types = get_alignment_types(2)
    w, path = find_first_search_path(n, m)
    return first_back_track(n, m, first_pass_align(n, m, w, path, types, scores, idx), path, types)


def _noisy_copy(rng: np.random.Generator, v: np.ndarray) -> np.ndarray:
    return _unit(rng, 0) if not len(v) else (v + 0.3 * _unit(rng, len(v), v.shape[1]))


def test_top_k_in_band_is_the_top_k_of_each_rows_band():
    rng = np.random.default_rng(0)
    src, tgt = _unit(rng, 1500), _unit(rng, 1200)
    _, path = find_first_search_path(len(src), len(tgt), min_win_size=100, percent=0.0)
    scores, idx = find_top_k_in_band(src, tgt, path, 3)
    for i in (0, 7, 700, 1499):
        lo, hi = max(path[i + 1, 0] - 1, 0), min(path[i + 1, 1], len(tgt))
        best = np.argsort(-(src[i] @ tgt[lo:hi].T), kind="stable")[:3] + lo
        assert list(idx[i]) == list(best)
        assert np.allclose(scores[i], src[i] @ tgt[best].T)


def test_short_documents_get_bertalign_first_pass_exactly():
    rng = np.random.default_rng(1)
    src = _unit(rng, 400)
    tgt = _noisy_copy(rng, src)[np.r_[0:100, 130:400]]  # 30 target sentences dropped
    assert first_pass(_aligner(src, tgt)) == _bertalign_first_pass(src, tgt)


def test_band_widens_when_the_path_needs_it():
    rng = np.random.default_rng(2)
    # 400 target sentences with no source at the start: the path starts 400 sentences off
    # the length-scaled diagonal (beyond the first band), within bertalign's (6% of 8,400)
    n, extra = 8000, 400
    src = _unit(rng, n)
    tgt = np.vstack([_unit(rng, extra), _noisy_copy(rng, src)])
    assert FIRST_PASS_WIN < extra < 0.06 * (n + extra)
    anchors = first_pass(_aligner(src, tgt))
    hits = sum(1 for i, j in anchors if j == i + extra)
    assert hits >= 0.95 * n
    assert anchors == _bertalign_first_pass(src, tgt)


def test_long_near_diagonal_documents_keep_the_narrow_band():
    rng = np.random.default_rng(3)
    src = _unit(rng, 6000)
    tgt = _noisy_copy(rng, src)
    anchors = first_pass(_aligner(src, tgt))
    assert sum(1 for i, j in anchors if i == j) >= 0.99 * len(src)
