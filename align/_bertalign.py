"""How the toolkit imports bertalign: two adjustments that leave its results unchanged.

1. Import without loading sentence-transformers (and transformers) up front.

``bertalign/encoder.py`` imports ``sentence_transformers`` at module level, which pulls in
``transformers`` and costs seconds on every start, even though the toolkit's default encoder
(``use-m3``) never uses it: our encoders replace bertalign's ``Encoder.__init__``. We import
bertalign once with a placeholder module standing in for ``sentence_transformers`` whose
``SentenceTransformer`` imports the real class on first call; the placeholder is removed from
``sys.modules`` straight after, so any later ``import sentence_transformers`` (the
sentence-transformers encoder, LaBSE) gets the real package.

2. Memory linear in document length in the first pass's top-k search. bertalign's
``find_top_k_sents`` scores all source against all target sentences in one n x m matrix (1 GB
for 16k sentences a side); :func:`find_top_k_sents_chunked` computes the same top-k (the same
torch matmul and ``torch.topk``, row block by row block) and replaces it in the aligner module.
"""

from __future__ import annotations

import sys
import types
from typing import Any

import numpy as np
from numpy.typing import NDArray

TOPK_ROWS = 1024  # source rows scored per block


def _lazy_sentence_transformer(*args: Any, **kwargs: Any) -> Any:
    from sentence_transformers import SentenceTransformer

    return SentenceTransformer(*args, **kwargs)


def find_top_k_sents_chunked(
    src_vecs: NDArray[np.float32], tgt_vecs: NDArray[np.float32], k: int = 3
) -> tuple[NDArray[np.float32], NDArray[np.int64]]:
    """bertalign's ``find_top_k_sents`` computed over blocks of source rows (same output)."""
    import torch

    device = "cuda" if torch.cuda.is_available() else "cpu"
    tgt = torch.from_numpy(np.ascontiguousarray(tgt_vecs)).to(device)
    kk = min(k, tgt.shape[0])
    scores = np.empty((len(src_vecs), kk), dtype=np.float32)
    indices = np.empty((len(src_vecs), kk), dtype=np.int64)
    for a in range(0, len(src_vecs), TOPK_ROWS):
        src = torch.from_numpy(np.ascontiguousarray(src_vecs[a : a + TOPK_ROWS])).to(device)
        s, i = torch.topk(src @ tgt.T, kk, dim=1)
        scores[a : a + TOPK_ROWS] = s.cpu().numpy()
        indices[a : a + TOPK_ROWS] = i.cpu().numpy()
    return scores, indices


def import_bertalign() -> types.ModuleType:
    """``import bertalign``, deferring sentence-transformers until it is really used."""
    if "bertalign" in sys.modules or "sentence_transformers" in sys.modules:
        import bertalign

        _patch_top_k()
        return bertalign
    placeholder = types.ModuleType("sentence_transformers")
    placeholder.SentenceTransformer = _lazy_sentence_transformer  # type: ignore[attr-defined]
    sys.modules["sentence_transformers"] = placeholder
    try:
        import bertalign
    finally:
        if sys.modules.get("sentence_transformers") is placeholder:
            del sys.modules["sentence_transformers"]
    _patch_top_k()
    return bertalign


def _patch_top_k() -> None:
    import bertalign.aligner

    bertalign.aligner.find_top_k_sents = find_top_k_sents_chunked


import_bertalign()
