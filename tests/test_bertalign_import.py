"""How bertalign is imported: no sentence-transformers up front; the chunked top-k is exact."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest

from align._bertalign import find_top_k_sents_chunked, import_bertalign


def _vectors() -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(0)
    src = rng.standard_normal((2500, 32)).astype(np.float32)
    tgt = rng.standard_normal((1800, 32)).astype(np.float32)
    return src, tgt


def test_chunked_top_k_is_exact_and_replaces_bertalign_s(monkeypatch):
    src, tgt = _vectors()
    monkeypatch.setattr("align._bertalign.TOPK_ROWS", 700)  # several blocks, a ragged last one
    s2, i2 = find_top_k_sents_chunked(src, tgt, k=3)
    sim = src @ tgt.T
    i1 = np.argsort(-sim, axis=1, kind="stable")[:, :3]
    assert np.array_equal(i1, i2)
    assert np.allclose(np.take_along_axis(sim, i1, axis=1), s2, atol=1e-5)
    import_bertalign()
    import bertalign.aligner

    assert bertalign.aligner.find_top_k_sents is find_top_k_sents_chunked


def test_chunked_top_k_equals_bertalign_s_own(monkeypatch):
    """Against bertalign's torch implementation, where torch is installed (`.[st]` extra)."""
    pytest.importorskip("torch")
    from bertalign import corelib

    src, tgt = _vectors()
    monkeypatch.setattr("align._bertalign.TOPK_ROWS", 700)
    s1, i1 = corelib.find_top_k_sents(src, tgt, k=3)
    s2, i2 = find_top_k_sents_chunked(src, tgt, k=3)
    assert np.array_equal(i1, i2)
    assert np.allclose(s1, s2, atol=1e-5)


def test_importing_the_toolkit_does_not_load_sentence_transformers():
    code = (
        "import sys, align.alignment, align.encoders; print('sentence_transformers' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
