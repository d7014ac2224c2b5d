"""Word- and phrase-level lexical matching (align/divergence/lexical.py) and its build."""

from __future__ import annotations

import pytest

from align.divergence.coverage import word_vectors
from align.divergence.lexical import (
    MODEL_NAMES,
    Lexicon,
    WordMatch,
    lemma,
    merge_spans,
    model_key,
    read_table,
    word_alignment,
    write_table,
)
from align.model import Span

# A DEMETR-ru dev row (id 501): the Russian source and its good machine translation.
RU = (
    "В Московском регионе в воскресенье, 26 июля, ожидаются небольшие дожди и переменная "
    "облачность, сообщает Гидрометцентр России."
)
EN = (
    "In the Moscow region on Sunday, July 26, light rains and partly cloudy weather are "
    "expected, the Hydrometeorological Center of Russia reports."
)
# Seed sentence (corpora/seed): the deputy minister's name and the ambassador's.
RU_SEED = (
    "Согласно информации, заместитель министра иностранных дел России Михаил Галузин провел "
    "встречу с послом Азербайджана в Москве Рахманом Мустафаевым."
)
EN_SEED = (
    "According to the information, Russian Deputy Foreign Minister Mikhail Galuzin met with "
    "Azerbaijani Ambassador to Moscow Rahman Mustafayev."
)


def _match(ru: str, en: str, encoder, lex: Lexicon | None = None):
    return word_alignment(ru, en, lex or Lexicon.load(), word_vectors(encoder, [(ru, en)]))


def test_the_shipped_table_loads_offline_with_its_models():
    lex = Lexicon.load()
    assert lex is Lexicon.load()  # loaded once
    for name in MODEL_NAMES:
        for with_sim in (True, False):
            assert model_key(name, with_sim) in lex.models
    # a frequent pair is learned in both directions
    key = (lemma("дожди", "ru"), lemma("rains", "en"))
    assert key == ("дождь", "rain")
    assert lex.t_en[key] > 0.2 and lex.t_ru[key] > 0.2


def test_lemmas_keep_inflections_together_and_words_apart():
    assert lemma("Мустафаевым", "ru") == "мустафаев"
    assert lemma("reports", "en") == lemma("reported", "en") == lemma("report", "en")
    assert lemma("several", "en") != lemma("severe", "en")  # Snowball stems both to "sever"


def test_a_dropped_name_is_found_across_scripts(encoder):
    m = _match(RU_SEED, EN_SEED.replace(" Mikhail Galuzin", ""), encoder)
    texts = [s.text for s in m.omitted_spans()]
    assert "Михаил Галузин" in texts
    full = _match(RU_SEED, EN_SEED, encoder)
    assert "Михаил Галузин" not in [s.text for s in full.omitted_spans()]


def test_an_empty_side_leaves_every_word_of_the_other_unmatched():
    m = word_alignment("", "Two words.")
    assert [w.p_unmatched for w in m.en] == [1.0, 1.0]
    assert m.added_spans() == [Span("Two words", 0, 9)]


def _w(text: str, start: int, p: float, content: bool = True) -> WordMatch:
    return WordMatch(Span(text, start, start + len(text)), text.lower(), content, p, -1)


def test_adjacent_uncovered_words_merge_into_one_phrase_across_a_function_word():
    text = "The Ministry of Defence said, again, it was fine."
    ws = [
        _w("Ministry", 4, 0.9),
        _w("of", 13, 0.1, content=False),
        _w("Defence", 16, 0.8),
        _w("said", 24, 0.1),
        _w("again", 30, 0.9),
        _w("it", 37, 0.2, content=False),
        _w("fine", 44, 0.95),
    ]
    spans = merge_spans(text, ws, 0.5)
    # the comma ends a phrase; a covered word or a function word without a following
    # uncovered content word is not part of one
    assert [s.text for s in spans] == ["Ministry of Defence", "again", "fine"]


def test_the_build_is_deterministic_on_a_tiny_input(tmp_path, ntrex_lines):
    from align.bench.lexicon_train import build_from_pairs

    ru, en = ntrex_lines
    srcs = {"tiny": list(zip(ru[:40], en[:40], strict=True))}
    a = build_from_pairs(srcs, None, folds=2, iters=2, log=False)
    b = build_from_pairs(srcs, None, folds=2, iters=2, log=False)
    write_table(tmp_path / "a.tsv.gz", a)
    write_table(tmp_path / "b.tsv.gz", b)
    assert (tmp_path / "a.tsv.gz").read_bytes() == (tmp_path / "b.tsv.gz").read_bytes()
    back = read_table(tmp_path / "a.tsv.gz")
    assert set(back.models) == {model_key(n, False) for n in MODEL_NAMES}
    assert back.ru_count == a.ru_count and set(back.t_en) == set(a.t_en)
    m = word_alignment(ru[0], en[0], back)
    assert len(m.ru) > 3 and all(0.0 <= w.p_unmatched <= 1.0 for w in m.ru + m.en)


@pytest.mark.parametrize("split", ["dev"])
def test_the_ntrex_word_benchmark_has_exact_gold_spans(split):
    from align.bench.data import shared_data
    from align.bench.lexical import KINDS, build_word_items

    folder = shared_data() / "ntrex-enru"
    if not folder.is_dir():
        pytest.skip("shared NTREX data not available")
    items = build_word_items(folder, split, per_kind=5)
    assert items == build_word_items(folder, split, per_kind=5)
    assert {it.kind for it in items} == set(KINDS)
    for it in items:
        text = it.ru if it.side == "ru" else it.en
        assert text[it.gold.start : it.gold.end] == it.gold.text
        assert (it.ru, it.en) != (it.clean_ru, it.clean_en)
