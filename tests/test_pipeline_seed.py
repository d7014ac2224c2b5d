"""End to end on the seed pair with the real offline encoder: alignment and divergence."""

from __future__ import annotations

from align.model import AlignedPair


def _aligned(seed_run) -> AlignedPair:
    (aligned,) = seed_run.aligned
    return aligned


def test_every_sentence_in_exactly_one_bead_in_order(seed_run):
    a = _aligned(seed_run)
    ru = [i for b in a.beads for i in b.ru_ids]
    en = [j for b in a.beads for j in b.en_ids]
    assert ru == list(range(len(a.seg.ru)))
    assert en == list(range(len(a.seg.en)))


def test_patriot_paragraph_is_a_whole_omission(seed_run):
    a = _aligned(seed_run)
    (bead,) = [b for b in a.beads if any("Патриот" in a.seg.ru[i].text for i in b.ru_ids)]
    assert bead.alignment_type == "1-0"
    assert bead.divergence_label == "omission"
    assert bead.divergence_score == 1.0
    text = a.text(bead, "ru")
    assert [(s.start, s.end) for s in bead.omitted_spans] == [(0, len(text))]
    # nothing in the English mentions it
    assert not any("Patriot" in s.text for s in a.seg.en)


def test_russian_sentences_aligned_to_their_counterparts(seed_run):
    a = _aligned(seed_run)
    for b in a.beads:
        if b.ru_ids and b.en_ids:
            # aligned pairs are translations of each other: high cross-lingual similarity
            assert b.similarity > 0.6, (a.text(b, "ru"), a.text(b, "en"))
            assert b.divergence_score < 1.0
    # the first sentence (the lead) is aligned 1-1 with the English lead
    first = a.beads[0]
    assert (first.ru_ids, first.en_ids) == ((0,), (0,))
    # the Galuzin sentence is aligned with the Galuzin sentence
    (g,) = [b for b in a.beads if any("Галузин" in a.seg.ru[i].text for i in b.ru_ids)]
    assert "Galuzin" in a.text(g, "en")


def test_spans_are_offsets_into_bead_text(seed_run):
    a = _aligned(seed_run)
    for b in a.beads:
        for lang, spans in (("ru", b.omitted_spans), ("en", b.added_spans)):
            text = a.text(b, lang)
            for s in spans:
                assert text[s.start : s.end] == s.text
        assert 0.0 <= b.divergence_score <= 1.0
        assert (b.divergence_label in ("omission", "omission+addition")) == bool(b.omitted_spans)
        assert (b.divergence_label in ("addition", "omission+addition")) == bool(b.added_spans)
