"""The decision step: span evidence, the label point and the clause rows' lexicon features."""

from __future__ import annotations

import math

import numpy as np
import pytest

from align.bench.fit_model import MAX_FALSE_ALARM, span_budget
from align.divergence import DivergenceConfig
from align.divergence.decision import (
    CLAUSE_FEATURES,
    N_SCORER_CLAUSE_FEATURES,
    SPAN_PARTS,
    document_clause_rows,
    evidence,
)
from align.divergence.scorer import TextScore, score_texts

THR = {k: 0.5 for k in SPAN_PARTS}


def test_evidence_is_positive_exactly_when_a_span_model_fires():
    rng = np.random.default_rng(0)
    for _ in range(200):
        feats = {k: float(rng.uniform(0, 1)) for k in SPAN_PARTS}
        thr = {k: float(rng.uniform(0.3, 0.9)) for k in SPAN_PARTS}
        z = float(rng.normal(0, 5))
        fired = any(feats[k] > thr[k] for k in SPAN_PARTS)
        assert (evidence(feats, z, thr) > 0) == fired


def test_bead_value_orders_beads_but_never_labels_one():
    quiet = {k: 1e-7 for k in SPAN_PARTS}  # no span model sees anything
    values = [evidence(quiet, z, THR) for z in (-10.0, -5.0, 0.0, 5.0, 30.0)]
    assert all(v < 0 for v in values)
    assert values == sorted(values) and len(set(values)) == len(values)


def _score(clause: float, unit: float) -> TextScore:
    r = TextScore(0.5, 0.0, "equivalent")
    r.features.update(clause_omit=clause, unit_omit=unit)
    return r


def test_span_budget_keeps_false_alarms_within_the_budget():
    rng = np.random.default_rng(1)
    y = (rng.uniform(size=400) < 0.2).astype(float)
    res = [
        _score(
            float(rng.beta(5, 2) if t else rng.beta(1, 6)),
            float(rng.beta(4, 2) if t else rng.beta(1, 8)),
        )
        for t in y
    ]
    levels = np.where(y == 1, rng.choice([2, 3], size=len(y)), 0)  # clause / sentence edits
    tc, tu = span_budget(res, levels, word_thr=0.99)
    clause = np.array([r.features["clause_omit"] > tc for r in res])
    unit = np.array([r.features["unit_omit"] > tu for r in res])
    assert (clause | unit)[levels == 0].mean() <= MAX_FALSE_ALARM
    # the budget is spent, and each level is caught by its own model
    assert clause[levels == 2].mean() > 0.2 and unit[levels == 3].mean() > 0.2


def test_clause_rows_carry_the_lexicon_evidence(encoder):
    ru = "Президент провёл встречу с министром в Москве."
    en = "The president met the minister in Moscow, and the weather in Brazil was very hot."
    (res,) = score_texts(
        [(ru, en)], encoder, DivergenceConfig(calibrated=False, clause_model=False)
    )
    rows = res.clause_rows["en"]
    assert all(len(f) == len(CLAUSE_FEATURES) for _, f in rows)
    lex = {span.text: f[N_SCORER_CLAUSE_FEATURES] for span, f in rows}
    added = next(v for t, v in lex.items() if "Brazil" in t)
    kept = next(v for t, v in lex.items() if "president" in t)
    assert added > kept
    before = dict(res.clause_rows)
    document_clause_rows(res, (ru, en))  # idempotent
    assert res.clause_rows == before


def test_english_clause_anchors_are_numbers_and_names():
    """An English clause's anchors are its numbers and capitalised names, not every Latin word."""
    from align.divergence.clauses import words
    from align.divergence.scorer import _anchors_found, anchors

    cfg = DivergenceConfig()
    ru = "Путин встретился с Шойгу 25 июля."
    exact, _ = anchors(ru, "ru")
    ws = [w.text for w in words(ru)]
    assert _anchors_found("Putin met Shoigu", "en", ru, exact, ws, cfg) is True
    assert _anchors_found("on July 25", "en", ru, exact, ws, cfg) is True
    assert _anchors_found("writes BetaNews on July 26", "en", ru, exact, ws, cfg) is False
    assert _anchors_found("and the weather was fine", "en", ru, exact, ws, cfg) is None


def test_names_match_agrees_with_name_similarity():
    from align.divergence.translit import name_similarity, names_match

    ru = ["Путин", "Шойгу", "Москве", "Зеленский", "Нугрохо", "правительство", "США"]
    en = ["Putin", "Shoigu", "Moscow", "Zelensky", "Nugroho", "Government", "USA", "Ye"]
    for r in ru:
        for e in en:
            for t in (0.7, 0.8, 0.9):
                assert names_match(r, e, t) == (name_similarity(r, e) >= t)
    assert names_match("Путин", "Putin", 0.8) and not names_match("Москве", "Moscow", 0.8)


def test_clause_rows_carry_the_documents_similarity():
    """doc_cos: the median similarity of the document's 1-1 beads, a clause feature (the dev
    documents' mean for a pair scored without its document)."""
    from align.divergence.decision import CLAUSE_FEATURES, DOC_COS, document_clause_rows
    from align.divergence.scorer import TextScore, document_similarity
    from align.model import AlignedPair, Bead, Span

    beads = [
        Bead((0,), (0,), similarity=0.8),
        Bead((1,), (1,), similarity=0.6),
        Bead((2, 3), (2,), similarity=0.1),  # not 1-1
        Bead((4,), ()),  # one-sided
    ]
    assert document_similarity(AlignedPair(seg=None, beads=beads)) == 0.7  # type: ignore[arg-type]
    assert document_similarity(AlignedPair(seg=None, beads=beads[2:])) is None  # type: ignore[arg-type]
    res = TextScore(0.5, 0.0, "equivalent", clause_rows={"ru": [(Span("a b", 0, 3), (0.1,) * 10)]})
    pair = ("a b c", "x y")
    doc_at = CLAUSE_FEATURES.index("doc_cos")
    document_clause_rows(res, pair)
    assert len(res.clause_rows["ru"][0][1]) == len(CLAUSE_FEATURES)
    assert res.clause_rows["ru"][0][1][doc_at] == DOC_COS
    res.features["doc_cos"] = 0.9
    document_clause_rows(res, pair)  # idempotent: the row is rebuilt, not extended
    assert len(res.clause_rows["ru"][0][1]) == len(CLAUSE_FEATURES)
    assert res.clause_rows["ru"][0][1][doc_at] == 0.9


def test_length_evidence_is_measured_against_the_document():
    """A Russian clause whose translation is missing leaves the English short of its
    document's ratio, and leaving the clause out closes the gap; the same clause in a pair at
    the document's ratio explains nothing."""
    from align.divergence.decision import CLAUSE_FEATURES, document_clause_rows
    from align.divergence.scorer import TextScore, document_length_ratio
    from align.model import AlignedPair, Span

    gap_at, expl_at = CLAUSE_FEATURES.index("len_gap"), CLAUSE_FEATURES.index("len_explained")
    ru = "Министр прибыл в Москву, где его встретили коллеги из соседних стран."
    clause = Span("где его встретили коллеги из соседних стран", 25, 68)
    assert ru[clause.start : clause.end] == clause.text

    def row(en: str, doc_len: float) -> tuple[float, ...]:
        res = TextScore(0.5, 0.0, "equivalent", features={"doc_len": doc_len})
        res.clause_rows = {"ru": [(clause, (0.0,) * 10)]}
        document_clause_rows(res, (ru, en))
        return res.clause_rows["ru"][0][1]

    full = "The minister arrived in Moscow, where colleagues from neighbouring countries met him."
    short = "The minister arrived in Moscow."
    at_norm = row(full, math.log(len(full) / len(ru)))
    assert at_norm[gap_at] == pytest.approx(0.0, abs=1e-9) and at_norm[expl_at] < 0
    cut = row(short, math.log(len(full) / len(ru)))
    assert (
        cut[gap_at] > 0.5 and cut[expl_at] > 0.5
    )  # the English is far shorter; the clause explains it
    # the same short English in a document whose translations always run that short: no gap
    assert row(short, math.log(len(short) / len(ru)))[gap_at] == pytest.approx(0.0, abs=1e-9)
    assert document_length_ratio(AlignedPair(seg=None, beads=[])) is None  # type: ignore[arg-type]
