"""Lines of one sentence cut at a line or page break (align/fragments.py, align.segment's
typography, and the scorer's split keeping them together: align/refine.py)."""

from __future__ import annotations

import pytest

from align.fragments import join_fragments
from align.segment import continues, ends_open
from tests.conftest import SHARED

TEXTBERG = SHARED / "data" / "textberg"


def test_typography_of_a_cut_sentence():
    assert ends_open("Fährten eines roten ( wir würden sagen : ")
    assert ends_open("Литература:") and ends_open("as the Arctic gets cooler,")
    assert not ends_open("Он ушёл домой.") and not ends_open("Breaking news")
    assert continues("Fährten eines roten ( wir würden sagen :", "braunen ) Bären .")
    assert continues("the cat sat on", "the mat.")  # lower case after a line without a stop
    assert not continues("Он ушёл домой.", "затем вернулся.")  # a new sentence, lower case
    assert not continues("Breaking news", "The minister said ...")  # a headline and its lead
    assert not continues("Он ушёл домой.", "Потом вернулся.")


def test_join_moves_lone_lines_into_the_bead_of_their_sentence():
    src = ["Er ging nach Hause,", "und zwar schnell.", "Dann schlief er.", "Ende."]
    tgt = ["He went home quickly.", "Then he slept.", "Literature:", "The end."]
    beads = [([0], [0]), ([1], []), ([2], [1]), ([], [2]), ([3], [3])]
    # the lone German line continues line 0 (its predecessor ends with a comma); the lone
    # English "Literature:" is continued by the next line, so it joins the next bead
    assert join_fragments(beads, src, tgt) == [([0, 1], [0]), ([2], [1]), ([3], [2, 3])]
    # a whole sentence after a full stop stays unaligned
    whole = [([0], [0]), ([1], [1]), ([2], []), ([3], [2, 3])]
    src2 = ["A.", "B.", "C is a sentence of its own.", "D."]
    assert join_fragments(whole, src2, tgt) == whole
    # never into a bead without text on both sides, never across paragraphs
    assert join_fragments([([], [0]), ([1], [])], ["x", "y"], ["a,"]) == [([], [0]), ([1], [])]
    across = [([0], [0]), ([1], [])]
    assert join_fragments(across, ["Er ging,", "und kam."], ["He"], [0, 1], [0]) == across
    assert join_fragments(across, ["Er ging,", "und kam."], ["He"], [0, 0], [0]) == [([0, 1], [0])]


@pytest.mark.skipif(not TEXTBERG.is_dir(), reason="../shared/data/textberg is not available")
def test_text_berg_fragments_join_their_sentence(encoder):
    """Text+Berg's dev document (the real encoder, `align run --presegmented`'s aligner): a line
    cut at a bracket («… ( wir würden sagen :» / «braunen ) Bären herausgestellt hätten .») is
    one gold bead with its French sentence; without the join the aligner leaves the fragment
    unaligned."""
    from align.alignment import AlignConfig, align_beads
    from align.model import DocMeta, DocPair, Document
    from align.segment import presegmented_pair

    de = (TEXTBERG / "dev" / "dev.de").read_text(encoding="utf-8").splitlines()
    fr = (TEXTBERG / "dev" / "dev.fr").read_text(encoding="utf-8").splitlines()
    assert de[141].startswith("braunen )")
    seg = presegmented_pair(
        DocPair(
            "dev", Document(DocMeta(lang="ru"), tuple(de)), Document(DocMeta(lang="en"), tuple(fr))
        )
    )

    def beads(join: bool) -> list[tuple[tuple[int, ...], tuple[int, ...]]]:
        cfg = AlignConfig(paragraphs=False, split_unaligned=False, join_fragments=join)
        return [(b.ru_ids, b.en_ids) for b in align_beads(seg, encoder, cfg)]

    without, joined = beads(False), beads(True)
    assert ((141,), ()) in without
    assert ((140, 141), (182, 183)) in joined  # Text+Berg's gold bead
    assert len(joined) < len(without)


def test_the_split_keeps_a_flagged_fragment_with_its_sentence():
    """The scorer's split (align/refine.py) does not take a covered line out of its bead when
    it is a piece of the same sentence as its neighbour there."""
    from align.model import AlignedPair, Bead, DocMeta, DocPair, Document, Span
    from align.refine import _flags
    from align.segment import presegmented_pair

    def flags(ru: tuple[str, ...]) -> list[bool]:
        pair = DocPair("d", Document(DocMeta(lang="ru"), ru), Document(DocMeta(lang="en"), ("x",)))
        aligned = AlignedPair(presegmented_pair(pair), [Bead((0, 1), (0,))])
        text = aligned.text(aligned.beads[0], "ru")
        second = len(ru[0]) + 1
        return _flags(aligned, (0, 1), "ru", [Span(text[second:], second, len(text))])

    assert flags(("Он сказал, что", "вернётся завтра.")) == [False, False]  # one sentence
    assert flags(("Он сказал это.", "Вернётся завтра.")) == [False, True]  # two sentences
