"""Stage 2 — sentence segmentation for Russian and English, offline.

Uses the rule-based ``sentence-splitter`` package (Koehn's Moses splitter with per-language
non-breaking-prefix lists; a bertalign dependency), which needs no downloaded data, unlike
NLTK's punkt models. Every sentence keeps its paragraph id and character offsets.
"""

from __future__ import annotations

from functools import cache

from sentence_splitter import SentenceSplitter

from align.model import DocPair, Lang, SegmentedPair, Sentence


@cache
def _splitter(lang: Lang) -> SentenceSplitter:
    return SentenceSplitter(language=lang)


def split_sentences(paragraph: str, lang: Lang) -> list[tuple[int, int]]:
    """Split one paragraph; return the (start, end) character offsets of its sentences."""
    spans: list[tuple[int, int]] = []
    pos = 0
    for raw in _splitter(lang).split(text=paragraph):
        sent = raw.strip()
        if not sent:
            continue
        start = paragraph.find(sent, pos)
        if start < 0:  # the splitter altered whitespace: fall back to the running position
            start = pos
            while start < len(paragraph) and paragraph[start].isspace():
                start += 1
            end = min(len(paragraph), start + len(sent))
        else:
            end = start + len(sent)
        spans.append((start, end))
        pos = end
    return spans


def segment_paragraphs(paragraphs: tuple[str, ...] | list[str], lang: Lang) -> tuple[Sentence, ...]:
    """Sentences of a document, numbered from 0 across paragraphs."""
    out: list[Sentence] = []
    for p, para in enumerate(paragraphs):
        for start, end in split_sentences(para, lang):
            out.append(Sentence(idx=len(out), text=para[start:end], para=p, start=start, end=end))
    return tuple(out)


def segment_pair(pair: DocPair) -> SegmentedPair:
    """Split both sides of a pair into sentences."""
    return SegmentedPair(
        pair=pair,
        ru=segment_paragraphs(pair.ru.paragraphs, "ru"),
        en=segment_paragraphs(pair.en.paragraphs, "en"),
    )


def presegmented_pair(pair: DocPair) -> SegmentedPair:
    """Treat each line (paragraph) as one sentence, for one-sentence-per-line data.

    Align such pairs with ``AlignConfig(paragraphs=False)``: lines are not paragraphs.
    """

    def sents(paras: tuple[str, ...]) -> tuple[Sentence, ...]:
        return tuple(Sentence(i, t, para=i, start=0, end=len(t)) for i, t in enumerate(paras))

    return SegmentedPair(pair=pair, ru=sents(pair.ru.paragraphs), en=sents(pair.en.paragraphs))
