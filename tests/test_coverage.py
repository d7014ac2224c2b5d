"""Word-level coverage (align.divergence.coverage) with the real offline encoder, and the word-level
ranking pairs built from NTREX (align.divbench.build_word_pairs)."""

from __future__ import annotations

import pytest

from align.bench.divergence import build_word_pairs
from align.divergence.coverage import coverage, word_vectors

RU = "Глава Дагестана провёл встречу с чемпионом, сообщает сайт главы республики."
EN = "The head of Dagestan held a meeting with the champion, the website of the head of the republic reports."


def _cov(encoder, ru: str, en: str):
    vecs = word_vectors(encoder, [(ru, en)])
    return coverage(ru, en, vecs, center=0.6, width=0.1)


def test_a_faithful_translation_is_covered(encoder):
    cov = _cov(encoder, RU, EN)
    assert cov.en_words[0].text == "head"  # articles are left out
    by_word = {w.text: c for w, c in zip(cov.ru_words, cov.ru_cov, strict=True)}
    for w in ("Дагестана", "встречу", "чемпионом", "сайт", "республики"):
        assert by_word[w] > 0.5, w
    assert cov.omitted_mass < 0.4 and cov.added_mass < 0.4


def test_removing_one_of_two_occurrences_uncovers_a_russian_word(encoder):
    """One-to-one assignment: «Глава» and «главы» cannot both lean on one remaining "head"."""
    full = _cov(encoder, RU, EN)
    cut = _cov(encoder, RU, EN.replace("The head of Dagestan", "Dagestan", 1))
    assert cut.omitted_mass > full.omitted_mass + 0.02


def test_an_added_word_raises_added_mass_and_nothing_else_changes_much(encoder):
    plus = EN.replace("the champion", "the retired champion")
    full, more = _cov(encoder, RU, EN), _cov(encoder, RU, plus)
    assert more.added_mass > full.added_mass
    assert abs(more.omitted_mass - full.omitted_mass) < 0.02
    retired = [c for w, c in zip(more.en_words, more.en_cov, strict=True) if w.text == "retired"]
    assert retired[0] < 0.5


def test_names_and_numbers_match_across_scripts(encoder):
    cov = _cov(encoder, "Галузин назвал 26 июля.", "Galuzin named July 26.")
    by_word = {w.text: c for w, c in zip(cov.ru_words, cov.ru_cov, strict=True)}
    assert by_word["Галузин"] > 0.95 and by_word["26"] > 0.95


def test_uncovered_in_reports_a_missing_clause(encoder):
    ru = "Министр прибыл в Москву, где он встретился с коллегами из Китая."
    cov = _cov(encoder, ru, "The minister arrived in Moscow.")
    start = ru.index("где")
    from align.model import Span

    tail = Span(ru[start:-1], start, len(ru) - 1)
    head = Span(ru[: ru.index(",")], 0, ru.index(","))
    assert cov.uncovered_in(tail, "ru") > 0.6 > cov.uncovered_in(head, "ru")


@pytest.mark.parametrize("split", ["dev", "test"])
def test_word_pairs_are_deterministic_and_perturbed(split):
    from tests.conftest import NTREX

    if not NTREX.is_dir():
        pytest.skip("shared NTREX data not present")
    a = build_word_pairs(NTREX, split, 60)
    assert a == build_word_pairs(NTREX, split, 60)
    assert {p.kind for p in a} == {"word_added", "pp_dropped", "subject_dropped"}
    for p in a:
        assert p.pert != p.en
        if p.kind == "word_added":
            assert len(p.pert.split()) == len(p.en.split()) + 1
        else:
            assert len(p.pert.split()) < len(p.en.split())


def test_function_words_weigh_less_than_content_words(encoder):
    """A missing preposition costs less of the omitted mass than a missing noun."""
    ru = "Он приехал в город вечером."
    vecs = word_vectors(
        encoder, [(ru, "He arrived the city in the evening."), (ru, "He arrived in the evening.")]
    )
    no_prep = coverage(ru, "He arrived the city in the evening.", vecs, 0.6, 0.1)
    no_noun = coverage(ru, "He arrived in the evening.", vecs, 0.6, 0.1)
    assert {w.text: x for w, x in zip(no_prep.ru_words, no_prep.ru_weight, strict=True)}["в"] < 1.0
    assert no_prep.omitted_mass < no_noun.omitted_mass
    # the weighting is a parameter: 1.0 weighs every word alike
    flat = coverage(ru, "He arrived in the evening.", vecs, 0.6, 0.1, function_weight=1.0)
    assert set(flat.ru_weight) == {1.0}


def test_a_name_used_once_in_the_english_covers_one_russian_word(encoder):
    ru = "Видео драки Симса и Симпсона опубликовано, в ней Симс потерял очки."
    en = "Officials released video of the confrontation between Sims and Simpson."
    cov = _cov(encoder, ru, en)
    by_word = {w.text: c for w, c in zip(cov.ru_words, cov.ru_cov, strict=True)}
    assert max(by_word["Симса"], by_word["Симс"]) > 0.9
    assert min(by_word["Симса"], by_word["Симс"]) < 0.5
