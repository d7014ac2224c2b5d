"""Sentence units: a side is tested again once the other side's unmatched sentences are set aside."""

from __future__ import annotations

import numpy as np
import pytest

from align.divergence.fitted import unit_model
from align.divergence.scorer import DivergenceConfig, score_texts
from align.divergence.units import (
    Layout,
    UnitResult,
    _para_extra,
    decide,
    one_to_one,
    retest,
    sentence_layout,
    unit_features,
)
from align.model import Span

RU = (
    "Правительство утвердило новый бюджет на следующий год. "
    "Футбольный клуб из Казани купил двух нападающих из Бразилии за рекордную сумму."
)
EN = (
    "The orchestra will tour Japan and South Korea in the spring with a new programme. "
    "The government approved a new budget for next year."
)


def _layout(ru: str, en: str) -> Layout:
    return Layout(sentence_layout(ru, "ru"), sentence_layout(en, "en"))


def test_an_orphan_paired_with_an_unrelated_orphan_is_found_on_both_sides(encoder):
    lay = _layout(RU, EN)
    assert len(lay.ru) == 2 and len(lay.en) == 2
    first = decide(unit_features([(RU, EN)], [lay], encoder, [None]), unit_model())
    assert [s.text for s in first[0].added] == [lay.en[0].text]  # the orchestra sentence
    # as when the first round misses the omission (the inserted sentence dilutes its evidence):
    only_added = UnitResult([], first[0].added, 0.0, first[0].add_p)
    (res,) = retest([(RU, EN)], [lay], encoder, [None], [only_added], unit_model())
    assert [s.text for s in res.omitted] == [lay.ru[1].text]  # the football sentence
    assert res.added == first[0].added
    assert res.omit_p > unit_model().threshold


def test_nothing_left_on_one_side_is_not_retested(encoder):
    ru, en = "Дождь шёл весь день.", "The museum opened a new wing. It shows modern art."
    lay = _layout(ru, en)
    flagged = UnitResult([], list(lay.en), 0.0, 0.9)  # every English sentence unmatched
    assert retest([(ru, en)], [lay], encoder, [None], [flagged], unit_model()) == [flagged]


def test_beads_without_an_unmatched_sentence_are_not_retested(encoder):
    lay = _layout(RU, EN)
    quiet = UnitResult([], [], 0.1, 0.2)
    both = UnitResult([lay.ru[1]], [lay.en[0]], 0.8, 0.8)
    out = retest([(RU, EN)] * 2, [lay] * 2, encoder, [None] * 2, [quiet, both], unit_model())
    assert out == [quiet, both]


# The realdoc dev build (seed 1, wmt21-izvestiya.520891): the English lost the second sentence's
# main clause and bertalign merged the two pairs into one 2-2 bead.
MERGED_RU = (
    "Певица Полина Гагарина назвала помогающие похудеть продукты "
    "Российская певица Полина Гагарина назвала пять продуктов, которые помогли ей "
    "скорректировать фигуру и впоследствии не набирать вес снова."
)
MERGED_EN = (
    "Singer Polina Gagarina names foods that help lose weight "
    "That helped her adjust her figure and then not gain the weight again."
)


def _two(text: str, cut: int) -> list[Span]:
    return [Span(text[:cut], 0, cut), Span(text[cut + 1 :], cut + 1, len(text))]


def test_a_lost_clause_in_a_merged_bead_is_measured_sentence_against_sentence(encoder):
    lay = Layout(
        _two(MERGED_RU, MERGED_RU.index(" Российская")),
        _two(MERGED_EN, MERGED_EN.index(" That")),
    )
    swapped = Layout(lay.ru, lay.en[::-1])  # the English sentences' best matches off the diagonal
    assert one_to_one([(MERGED_RU, MERGED_EN)] * 2, [lay, swapped], encoder) == [True, False]
    pair = [(MERGED_RU, MERGED_EN)]
    (whole,) = score_texts(pair, encoder, DivergenceConfig(sentence_clauses=False), [lay])
    (by_sentence,) = score_texts(pair, encoder, DivergenceConfig(), [lay])
    assert whole.label == "equivalent"  # against both English sentences the clause looks matched
    assert by_sentence.label == "omission"
    assert [s.text for s in by_sentence.omitted] == [
        "Российская певица Полина Гагарина назвала пять продуктов"
    ]


def test_para_extra_marks_lone_sentences_of_a_bead_with_more_paragraphs_on_their_side():
    spans = [Span("a.", 0, 2), Span("b.", 3, 5), Span("c.", 6, 8)]
    # headline (paragraph 0) merged with the lead (paragraph 1) against one English paragraph
    assert _para_extra([0, 1], [4], spans[:2]) == {0, 3}
    # the lead's two sentences share a paragraph: only the headline is alone in its paragraph
    assert _para_extra([0, 1, 1], [4], spans) == {0}
    # as many paragraphs on both sides, one sentence, or an empty other side: nothing
    assert _para_extra([0, 1], [4, 5], spans[:2]) == frozenset()
    assert _para_extra([0], [4], spans[:1]) == frozenset()
    assert _para_extra([0, 1], [], spans[:2]) == frozenset()


def test_paragraph_evidence_follows_the_aligners_paragraph_pass():
    """--no-paragraphs, and --presegmented (its lines are not paragraphs), switch para_extra off."""
    from align.alignment import AlignConfig
    from align.pipeline import scoring_config
    from align.segment import presegmented_pair, segment_pair

    base = DivergenceConfig()
    assert scoring_config(None, None, segment_pair) is None
    assert scoring_config(AlignConfig(), base, segment_pair) is base
    off = scoring_config(AlignConfig(paragraphs=False), None, segment_pair)
    assert off is not None and not off.use_paragraphs
    off = scoring_config(None, base, presegmented_pair)
    assert off is not None and not off.use_paragraphs and base.use_paragraphs
    lay = Layout([Span("a.", 0, 2)], [Span("b.", 0, 2)], (frozenset({0}), frozenset()))
    assert lay.without_paragraphs().extra("ru") == frozenset() and lay.extra("ru") == {0}


def test_one_sentence_a_side_is_decided_once_for_both(encoder):
    """In a 1-1 bead both sides answer one question (are the two sentences each other's
    translation?): the two sentences' probabilities are averaged, and both sentences are
    flagged or neither (realdoc dev: the orphan of a deleted translation paired with an
    inserted sentence was often reported on one side only)."""
    unrelated = (RU.split(". ")[1], EN.split(". ")[0] + ".")  # football club / orchestra
    weak = ("Дождь шёл весь день.", "The government approved a new budget for next year.")
    faithful = ("Правительство утвердило новый бюджет.", "The government approved a new budget.")
    pairs = [unrelated, weak, faithful]
    rows = unit_features(pairs, [_layout(*p) for p in pairs], encoder, [None] * 3)
    model = unit_model()
    probs = [model.prob(np.array([r.features for r in bead])) for bead in rows]
    for res, p in zip(decide(rows, model), probs, strict=True):
        assert res.omit_p == res.add_p == pytest.approx(float(p.mean()))
        assert bool(res.omitted) == bool(res.added) == (p.mean() > model.threshold)
    assert probs[0].mean() > model.threshold  # the unrelated pair: both sentences flagged
    assert probs[2].mean() < model.threshold  # the translation: neither
