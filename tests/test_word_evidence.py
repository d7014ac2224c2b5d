"""Word-level evidence measurement (align/bench/word_evidence.py) and held-out lexicons."""

from __future__ import annotations

import numpy as np

from align.bench.lexicon_train import document_fold, held_out_tables
from align.bench.word_evidence import LEX_FEATURES, USE_FEATURES, bead_rows, recall_at_precision
from align.divergence.coverage import word_vectors
from align.divergence.lexical import Lexicon, lemma
from align.divergence.lexicon import NAME_MATCH

# Seed sentence (corpora/seed) with the deputy minister's surname deleted from the English.
RU = (
    "Согласно информации, заместитель министра иностранных дел России Михаил Галузин провел "
    "встречу с послом Азербайджана Рахманом Мустафаевым."
)
EN = (
    "According to the information, Russian Deputy Foreign Minister Mikhail held a meeting with "
    "Azerbaijan's Ambassador Rahman Mustafayev."
)


def test_bead_rows_features_of_a_deleted_and_a_kept_name(encoder):
    vecs = word_vectors(encoder, [(RU, EN)])
    rows = bead_rows(RU, EN, vecs, cos=0.8, lex=Lexicon.load())
    by_word = {(r.lang, r.span.text): r for r in rows}
    assert all(RU[r.span.start : r.span.end] == r.span.text for r in rows if r.lang == "ru")
    assert set(USE_FEATURES) | set(LEX_FEATURES) == set(rows[0].features)
    kept, deleted = by_word[("ru", "Мустафаевым")], by_word[("ru", "Галузин")]
    assert kept.features["best"] == 1.0 and kept.features["name"] >= NAME_MATCH
    assert deleted.features["name"] < NAME_MATCH and deleted.features["best"] < 0.8
    assert deleted.features["cap"] == 1.0 and deleted.features["name_tag"] == 1.0
    assert ("ru", "Согласно") not in by_word  # a preposition: not a content word
    assert by_word[("en", "According")].features["cap"] == 0.0  # sentence-initial
    # without a lexicon the rows carry only the embedding/name/context features
    plain = bead_rows(RU, EN, vecs, cos=0.8)
    assert set(plain[0].features) == set(USE_FEATURES)


def test_recall_at_precision():
    p = np.array([0.9, 0.8, 0.7, 0.1])
    y = np.array([1.0, 0.0, 1.0, 0.0])
    assert recall_at_precision(p, y, 1.0) == 0.5
    assert recall_at_precision(p, y, 0.6) == 1.0
    assert recall_at_precision(p, np.zeros(4), 0.5) != recall_at_precision(p, np.zeros(4), 0.5)


def test_held_out_tables_never_see_their_documents():
    ids = [f"doc{i}" for i in range(20)]
    a = next(d for d in ids if document_fold(d, 2) == 0)
    b = next(d for d in ids if document_fold(d, 2) == 1)
    assert document_fold(a, 2) == document_fold(a, 2)  # stable
    base = [("Город большой.", "The city is big."), ("Большой дом.", "A big house.")]
    docs = {a: [("Галузин приехал в город.", "Galuzin came to the city.")],
            b: [("Мустафаев приехал в дом.", "Mustafayev came to the house.")]}  # fmt: skip
    t0, t1 = held_out_tables(base, docs, 2, iters=2)
    ga, gb = lemma("Галузин", "ru"), lemma("Мустафаев", "ru")
    assert ga not in t0.ru_count and gb in t0.ru_count  # fold 0 left out document a
    assert gb not in t1.ru_count and ga in t1.ru_count
    assert t0.ru_count[lemma("город", "ru")] >= 1


def test_add_lexical_uses_the_table_it_is_given(encoder):
    from align.divergence.decision import add_lexical
    from align.divergence.scorer import DivergenceConfig, score_texts

    cfg = DivergenceConfig(
        calibrated=False, clause_model=False, word_model=False, use_lexical=False, use_units=False
    )
    pairs = [(RU, EN)]
    shipped = Lexicon.load()
    empty = Lexicon({}, {}, {}, {}, shipped.models)  # a table that has seen nothing
    feats = []
    for lex in (None, empty):
        (res,) = score_texts(pairs, encoder, cfg)
        add_lexical(pairs, [res], encoder, lexicon=lex)
        assert res.lexical is not None
        feats.append(res.features["lex_ru_mass"])
    assert feats[0] != feats[1]


def test_surplus_mention_finds_the_seed_word(encoder):
    from align.bench.word_evidence import surplus_mentions

    ru = (
        "МИД России выразил сожаления по поводу повреждения здания посольства Азербайджана в "
        "Киеве, полученного 14 ноября после российского ракетного удара по украинской столице."
    )
    en = (
        "The Russian Foreign Ministry has expressed regret over the damage caused to the building "
        "of the Azerbaijani embassy in Kyiv following a missile strike on the Ukrainian capital "
        "on November 14."
    )
    vecs = word_vectors(encoder, [(ru, en)])
    assert [s.text for s in surplus_mentions(ru, en, vecs)] == ["российского"]
    faithful = en.replace("a missile strike", "a Russian missile strike")
    vecs = word_vectors(encoder, [(ru, faithful)])
    assert surplus_mentions(ru, faithful, vecs) == []
