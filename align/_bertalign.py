"""How the toolkit imports bertalign: adjustments that leave its results unchanged.

1. Import without loading sentence-transformers, transformers and torch up front.

``bertalign/encoder.py`` imports ``sentence_transformers`` at module level, which pulls in
``transformers`` and costs seconds on every start, even though the toolkit's default encoder
(``use-m3``) never uses it: our encoders replace bertalign's ``Encoder.__init__``. We import
bertalign once with a placeholder module standing in for ``sentence_transformers`` whose
``SentenceTransformer`` imports the real class on first call, and a lazy stand-in for ``torch``
(which ``bertalign.corelib`` needs only for its top-k search, replaced below) that imports the
real torch on first attribute access. The placeholders are removed from ``sys.modules`` straight
after, so any later import (the sentence-transformers encoder, LaBSE) gets the real packages.
This saves seconds per start and ~700 MB of resident memory (torch's CUDA build).
(:func:`presplit` also skips bertalign's language detection on texts that are already split.)

2. Memory linear in document length in the first pass's top-k search. bertalign's
``find_top_k_sents`` scores all source against all target sentences in one n x m matrix (1 GB
for 16k sentences a side); :func:`find_top_k_sents_chunked` computes the same top-k row block
by row block (numpy; torch on the GPU when torch is loaded and a GPU is there) and replaces it
in the aligner module.

3. No crash when the first pass finds no 1-1 bead. bertalign's ``find_second_search_path``
reads the last first-pass bead, which does not exist when the first pass skipped every
sentence (measured: one Russian sentence against 300 English ones, an ``IndexError``).
:func:`find_second_search_path_safe` then searches the whole table in the second pass (the
first pass gave no band to narrow it to); otherwise it calls bertalign's function unchanged.

4. Time and memory linear in document length in the first pass (:func:`first_pass`). bertalign
searches 1-1 anchors in a band around the length-scaled diagonal of ``max(250, 6% of the
longer side)`` sentences each way, after a top-k search over *all* target sentences: both
grow quadratically beyond ~4,000 sentences (align-stage CPU, long-8k -> long-16k, encoder
excluded: 5.4 -> 13.8 s before, 4.6 -> 9.6 s with this; the rest is linear work around the
encoder). Here the band starts at bertalign's width capped at 250 sentences
(``FIRST_PASS_WIN``) and doubles, up to bertalign's own width, while the path found comes
within a quarter of the band of its edge (so an alignment that strays far from the diagonal
still gets bertalign's search); the top-k search looks only inside the band, where the first
pass can use a hit at all (a global hit outside it is wasted). Where the band covers every
target sentence (documents up to ~500 sentences a side) this is bertalign's first pass.
"""

from __future__ import annotations

import importlib
import sys
import types
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import numpy as np
from numpy.typing import NDArray

TOPK_ROWS = 1024  # source rows scored per block
FIRST_PASS_WIN = 250  # bertalign's min_win_size: the first band, widened only when needed


def _lazy_sentence_transformer(*args: Any, **kwargs: Any) -> Any:
    from sentence_transformers import SentenceTransformer

    return SentenceTransformer(*args, **kwargs)


class _LazyModule(types.ModuleType):
    """Stands in for a module during bertalign's import; the real one loads on first use."""

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):
            raise AttributeError(name)
        return getattr(importlib.import_module(self.__name__), name)


def _torch_gpu() -> Any:
    """torch, when it is already loaded (a sentence-transformers encoder) and has a GPU."""
    torch = sys.modules.get("torch")
    if torch is None or isinstance(torch, _LazyModule) or not torch.cuda.is_available():
        return None
    return torch


def find_top_k_sents_chunked(
    src_vecs: NDArray[np.float32], tgt_vecs: NDArray[np.float32], k: int = 3
) -> tuple[NDArray[np.float32], NDArray[np.int64]]:
    """bertalign's ``find_top_k_sents`` (exact inner-product top-k, best first) computed over
    blocks of source rows."""
    kk = min(k, len(tgt_vecs))
    scores = np.empty((len(src_vecs), kk), dtype=np.float32)
    indices = np.empty((len(src_vecs), kk), dtype=np.int64)
    torch = _torch_gpu()
    tgt = np.ascontiguousarray(tgt_vecs, dtype=np.float32)
    tgt_t = torch.from_numpy(tgt).to("cuda") if torch is not None else None
    for a in range(0, len(src_vecs), TOPK_ROWS):
        src = np.ascontiguousarray(src_vecs[a : a + TOPK_ROWS], dtype=np.float32)
        if torch is not None:
            s, i = torch.topk(torch.from_numpy(src).to("cuda") @ tgt_t.T, kk, dim=1)
            scores[a : a + len(src)] = s.cpu().numpy()
            indices[a : a + len(src)] = i.cpu().numpy()
            continue
        sim = src @ tgt.T
        top = np.argpartition(-sim, kk - 1, axis=1)[:, :kk] if kk < sim.shape[1] else None
        if top is None:
            top = np.broadcast_to(np.arange(sim.shape[1]), sim.shape)
        top_s = np.take_along_axis(sim, top, axis=1)
        order = np.argsort(-top_s, axis=1, kind="stable")
        indices[a : a + len(src)] = np.take_along_axis(top, order, axis=1)
        scores[a : a + len(src)] = np.take_along_axis(top_s, order, axis=1)
    return scores, indices


def find_second_search_path_safe(
    align: list[tuple[int, int]], w: int, src_len: int, tgt_len: int
) -> tuple[int, NDArray[np.int64]]:
    """bertalign's ``find_second_search_path``, also for an empty first-pass alignment."""
    from bertalign.corelib import find_second_search_path

    return find_second_search_path(align or [(src_len, tgt_len)], w, src_len, tgt_len)


def find_top_k_in_band(
    src_vecs: NDArray[np.float32],
    tgt_vecs: NDArray[np.float32],
    path: NDArray[np.int64],
    k: int = 3,
) -> tuple[NDArray[np.float32], NDArray[np.int64]]:
    """Top-k target sentences of each source sentence among those the first pass can pair
    it with: source ``i`` (DP row ``i + 1``) with targets ``path[i + 1, 0] - 1 ..
    path[i + 1, 1] - 1``. Scores and order as :func:`find_top_k_sents_chunked`, which this is
    when every band holds all targets; entries beyond a band's size score ``-inf``."""
    n, m = len(src_vecs), len(tgt_vecs)
    lo_all = np.maximum(path[1 : n + 1, 0] - 1, 0)
    hi_all = np.minimum(path[1 : n + 1, 1], m)  # exclusive
    if lo_all.min(initial=0) == 0 and hi_all.min(initial=m) == m:
        return find_top_k_sents_chunked(src_vecs, tgt_vecs, k)
    kk = min(k, m)
    scores = np.empty((n, kk), dtype=np.float32)
    indices = np.empty((n, kk), dtype=np.int64)
    tgt = np.ascontiguousarray(tgt_vecs, dtype=np.float32)
    rows = max(1, min(TOPK_ROWS, int(hi_all[0] - lo_all[0])))  # ~ square blocks
    for a in range(0, n, rows):
        lo, hi = lo_all[a : a + rows], hi_all[a : a + rows]
        c0, c1 = int(lo.min()), int(hi.max())
        src = np.ascontiguousarray(src_vecs[a : a + rows], dtype=np.float32)
        sim = src @ tgt[c0:c1].T
        cols = np.arange(c0, c1)
        sim[(cols < lo[:, None]) | (cols >= hi[:, None])] = -np.inf
        kb = min(kk, c1 - c0)
        top = np.argpartition(-sim, kb - 1, axis=1)[:, :kb] if kb < c1 - c0 else None
        if top is None:
            top = np.broadcast_to(np.arange(c1 - c0), sim.shape)
        top_s = np.take_along_axis(sim, top, axis=1)
        order = np.argsort(-top_s, axis=1, kind="stable")
        indices[a : a + len(src), :kb] = np.take_along_axis(top, order, axis=1) + c0
        scores[a : a + len(src), :kb] = np.take_along_axis(top_s, order, axis=1)
        indices[a : a + len(src), kb:] = -1
        scores[a : a + len(src), kb:] = -np.inf
    return scores, indices


def first_pass(aligner: Any) -> list[tuple[int, int]]:
    """bertalign's first pass (1-1 anchors) in a band that widens only where the path needs
    it (module docstring, point 4). ``aligner``: a ``bertalign.Bertalign``, embedded."""
    from bertalign.corelib import (
        find_first_search_path,
        first_back_track,
        first_pass_align,
        get_alignment_types,
    )

    a = aligner
    n, m = a.src_num, a.tgt_num
    full_w, _ = find_first_search_path(n, m)
    w = min(full_w, FIRST_PASS_WIN)
    types = get_alignment_types(2)  # 0-1, 1-0, 1-1
    while True:
        _, path = find_first_search_path(n, m, min_win_size=w, percent=0.0)
        scores, indices = find_top_k_in_band(a.src_vecs[0], a.tgt_vecs[0], path, k=a.top_k)
        pointers = first_pass_align(n, m, w, path, types, scores, indices)
        anchors = first_back_track(n, m, pointers, path, types)
        if w >= full_w or not _near_band_edge(anchors, path, m, w // 4):
            return anchors
        w = min(2 * w, full_w)


def _near_band_edge(
    anchors: list[tuple[int, int]], path: NDArray[np.int64], m: int, margin: int
) -> bool:
    """Whether an anchor lies within ``margin`` of its row's band edge (a clipped edge at 0
    or ``m`` does not count): the path may have been held back by the band."""
    if not anchors:
        return False
    i, j = np.array(anchors, dtype=np.int64).T
    lo, hi = path[i, 0], path[i, 1]
    return bool(np.any(((j - lo < margin) & (lo > 0)) | ((hi - j < margin) & (hi < m))))


def align_sents(aligner: Any) -> list[tuple[list[int], list[int]]]:
    """``Bertalign.align_sents`` with :func:`first_pass` as its first pass (its own second
    pass, unchanged)."""
    from bertalign.corelib import get_alignment_types, second_back_track, second_pass_align

    a = aligner
    anchors = first_pass(a)
    types = get_alignment_types(a.max_align)
    w, path = find_second_search_path_safe(anchors, a.win, a.src_num, a.tgt_num)
    pointers = second_pass_align(
        a.src_vecs,
        a.tgt_vecs,
        a.src_lens,
        a.tgt_lens,
        w,
        path,
        types,
        a.char_ratio,
        a.skip,
        margin=a.margin,
        len_penalty=a.len_penalty,
    )
    a.result = second_back_track(a.src_num, a.tgt_num, pointers, path, types)
    return a.result


def import_bertalign() -> types.ModuleType:
    """``import bertalign``, deferring sentence-transformers until it is really used."""
    if "bertalign" in sys.modules or "sentence_transformers" in sys.modules:
        import bertalign

        _patch_top_k()
        return bertalign
    placeholder = types.ModuleType("sentence_transformers")
    placeholder.SentenceTransformer = _lazy_sentence_transformer  # type: ignore[attr-defined]
    stand_ins: dict[str, types.ModuleType] = {"sentence_transformers": placeholder}
    if "torch" not in sys.modules:
        stand_ins["torch"] = _LazyModule("torch")
    sys.modules.update(stand_ins)
    try:
        import bertalign
    finally:
        for name, module in stand_ins.items():
            if sys.modules.get(name) is module:
                del sys.modules[name]
    _patch_top_k()
    return bertalign


@contextmanager
def presplit() -> Iterator[None]:
    """While a ``Bertalign(..., is_split=True)`` is built: skip its language detection, which
    then only names the languages in its log (lingua took 2.9 s of 8.3 s aligning the NTREX
    test split with cached embeddings)."""
    import bertalign.aligner

    real = bertalign.aligner.detect_lang
    bertalign.aligner.detect_lang = lambda text: "xx"
    try:
        yield
    finally:
        bertalign.aligner.detect_lang = real


def _patch_top_k() -> None:
    import bertalign.aligner

    bertalign.aligner.find_top_k_sents = find_top_k_sents_chunked
    bertalign.aligner.find_second_search_path = find_second_search_path_safe


import_bertalign()
