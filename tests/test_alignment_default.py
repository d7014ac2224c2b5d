"""The default aligner's second pass, the peel pass, and the NTREX-derived generators."""

from __future__ import annotations

import random
from types import SimpleNamespace

import numpy as np
import pytest

from align.alignment import AlignConfig
from align.bench.generators import (
    GENERATORS,
    Generator,
    derive_doc,
    generate,
    phenomenon,
    phenomenon_f1,
    split_at_comma,
)
from align.second_pass import align_cost, peel_beads
from tests.conftest import SHARED

NTREX = SHARED / "data" / "ntrex-enru"


def _windows(sents: np.ndarray, k: int) -> np.ndarray:
    """bertalign's window layout: [w - 1, i] = the w sentences ending at i, normalised."""
    out = np.zeros((k, len(sents), sents.shape[1]), dtype=np.float32)
    for w in range(k):
        for i in range(len(sents)):
            v = sents[max(0, i - w) : i + 1].sum(axis=0)
            out[w, i] = v / np.linalg.norm(v)
    return out


def _aligner(
    src: np.ndarray, tgt: np.ndarray, tgt_chars: list[int] | None = None, max_align: int = 5
) -> SimpleNamespace:
    """What :func:`align_cost` reads from a ``bertalign.Bertalign``; source sentences have 10
    characters, target ones ``tgt_chars`` (default 10)."""
    k = max_align - 1

    def lens(chars: list[int]) -> np.ndarray:
        c = np.array(chars)
        return np.array([[c[max(0, i - w) : i + 1].sum() for i in range(len(c))] for w in range(k)])

    return SimpleNamespace(
        src_vecs=_windows(src, k),
        tgt_vecs=_windows(tgt, k),
        src_lens=lens([10] * len(src)),
        tgt_lens=lens(tgt_chars or [10] * len(tgt)),
        src_num=len(src),
        tgt_num=len(tgt),
        top_k=3,
        max_align=max_align,
        win=5,
        char_ratio=1.0,
    )


def _unit(v: np.ndarray) -> np.ndarray:
    return (v / np.linalg.norm(v, axis=-1, keepdims=True)).astype(np.float32)


def _unit_vectors(n: int, seed: int = 0) -> np.ndarray:
    return _unit(np.random.default_rng(seed).normal(size=(n, 64)))


def _translate(v: np.ndarray, seed: int = 1) -> np.ndarray:
    """A "translation": the vector plus noise (cosine about 0.9, as for real translations)."""
    return _unit(v + 0.45 * _unit_vectors(len(v), seed))


@pytest.mark.parametrize("blend", [1.0, AlignConfig().blend])
def test_cost_pass_separates_a_dropped_sentence_from_a_merge(blend):
    s = _unit_vectors(6)
    # target: s0, s1+s2 (a merge), s4, s5 -- s3 has no translation
    tgt = _translate(np.stack([s[0], s[1] + s[2], s[4], s[5]]))
    cfg = AlignConfig()
    aligner = _aligner(s, tgt, [10, 20, 10, 10])
    beads = align_cost(aligner, cfg.del_cost, cfg.len_weight, blend, -cfg.skip)
    assert beads == [([0], [0]), ([1, 2], [1]), ([3], []), ([4], [2]), ([5], [3])]


def test_peel_splits_an_absorbed_sentence_and_keeps_a_real_merge():
    s = _unit_vectors(6, seed=2)
    cfg = AlignConfig()
    rest = [([k], [k - 1]) for k in range(2, 6)]
    # target: s0, s2..s5 -- s1 has no counterpart but was merged into the first bead
    absorbed = _aligner(s, _translate(np.stack([s[0], *s[2:]])))
    peeled = peel_beads([([0, 1], [0]), *rest], absorbed, cfg.del_cost, cfg.len_weight)
    assert peeled == [([0], [0]), ([1], []), *rest]
    # target: s0+s1 (one sentence translating both), s2..s5 -- a real 2-1 merge
    real = _aligner(s, _translate(np.stack([s[0] + s[1], *s[2:]])), [20, 10, 10, 10, 10])
    kept = peel_beads([([0, 1], [0]), *rest], real, cfg.del_cost, cfg.len_weight)
    assert kept == [([0, 1], [0]), *rest]


def test_split_at_comma_cuts_near_the_middle_and_keeps_the_text():
    text = "One two three, four five six seven, eight nine ten eleven twelve."
    left, right = split_at_comma(text)
    assert f"{left} {right}" == text and left.endswith(",")
    assert split_at_comma("No comma here at all.") is None


def _check_exact(doc, ru: list[str], en: list[str]) -> None:
    """Every gold bead's text is its source pairs' text (one side for a drop), in order."""
    assert [p for ps in doc.sources for p in ps] == list(range(len(ru)))
    assert [i for s, _ in doc.gold for i in s] == list(range(len(doc.ru)))
    assert [j for _, t in doc.gold for j in t] == list(range(len(doc.en)))
    for (s, t), pairs in zip(doc.gold, doc.sources, strict=True):
        ru_text = " ".join(doc.ru[i] for i in s)
        en_text = " ".join(doc.en[j] for j in t)
        assert s or t
        if s:
            assert ru_text == " ".join(ru[p] for p in pairs)
        if t:
            assert en_text == " ".join(en[p] for p in pairs)


def test_generator_makes_every_phenomenon_with_exact_gold():
    gen = Generator(
        "dev-test",
        seed=5,
        merge={"2-1": 0.08, "1-2": 0.08, "3-1": 0.04, "1-3": 0.04},
        drop=0.08,
        run=0.05,
        edge=1.0,
        split=0.5,
        split_min_chars=30,
        cross=0.06,
    )
    ru = [f"Русское предложение номер {i}, довольно длинное, с запятыми." for i in range(300)]
    en = [f"English sentence number {i}, fairly long, with commas in it." for i in range(300)]
    a = derive_doc(gen, "d", ru, en, random.Random(gen.seed))
    b = derive_doc(gen, "d", ru, en, random.Random(gen.seed))
    assert a == b
    types = {f"{len(s)}-{len(t)}" for s, t in a.gold}
    assert {"1-1", "2-1", "1-2", "3-1", "1-3", "1-0", "0-1", "2-2"} <= types
    assert {phenomenon(g) for g in a.gold} == {"1-1", "1-0/0-1", "1-2/2-1", "n-m"}
    assert a.gold[0][1] == [] or a.gold[0][0] == []  # edge = 1.0: the first pair loses a side
    _check_exact(a, ru, en)


@pytest.mark.skipif(not NTREX.is_dir(), reason="../shared/data/ntrex-enru is not available")
def test_ntrex_generators_are_deterministic_exact_and_split_by_document():
    from align.bench.data import ntrex_documents

    orig = {f"{k:03d}-{d}": (ru, en) for k, (d, ru, en) in enumerate(ntrex_documents(NTREX))}
    for name, gen in GENERATORS.items():
        docs = generate(gen, NTREX)
        assert docs == generate(gen, NTREX)
        assert len(docs) == (31 if name.startswith("dev-") else 92)
        assert all((int(d.doc_id[:3]) % 4 == 0) == name.startswith("dev-") for d in docs)
        for d in docs:
            _check_exact(d, *orig[d.doc_id])


def test_phenomenon_f1_counts_exact_beads_per_group():
    gold = [[([0], [0]), ([1], []), ([2], [1, 2]), ([3, 4], [3, 4])]]
    pred = [[([0], [0]), ([1], [1]), ([2], [2]), ([3, 4], [3, 4])]]
    f1 = phenomenon_f1(gold, pred)
    assert f1["1-1"] == (0.5, 1)  # 1 of 1 gold found, 1 of 3 predicted right: 2 * 1 / (1 + 3)
    assert f1["1-0/0-1"] == (0.0, 1)
    assert f1["1-2/2-1"] == (0.0, 1)
    assert f1["n-m"] == (1.0, 1)


@pytest.mark.skipif(not NTREX.is_dir(), reason="../shared/data/ntrex-enru is not available")
def test_sentence_support_finds_crossings_and_merges_the_cost_alone_misses(encoder):
    """Dev documents (dev generators) where the cost objective without the support term gets
    one region wrong (two 1-1 beads for a crossing 2-2, a 2-1 with a 0-1 for a 2-2) and with
    it gets every bead right: the real encoder, `align run --presegmented --objective cost`."""
    from align.alignment import align_beads
    from align.bench.alignment import as_segmented, generated_bench

    for name, k in (("dev-dense", 4), ("dev-dense", 12), ("dev-mixed", 3)):
        doc = generated_bench(name).docs[k]
        seg = as_segmented(doc)
        found = {}
        for support in (0.0, AlignConfig().support):
            cfg = AlignConfig.cost(paragraphs=False, support=support)
            found[support] = [
                (list(b.ru_ids), list(b.en_ids)) for b in align_beads(seg, encoder, cfg)
            ]
        assert found[AlignConfig().support] == doc.gold
        assert found[0.0] != doc.gold
