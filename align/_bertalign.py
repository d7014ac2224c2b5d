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
