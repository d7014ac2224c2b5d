"""The one data model passed between pipeline stages.

ingest -> :class:`DocPair` (paragraphs + metadata per side)
segment -> :class:`SegmentedPair` (sentences with paragraph ids and character offsets)
align -> :class:`AlignedPair` (beads over sentence ids)
score -> the same :class:`AlignedPair`, each :class:`Bead` carrying its divergence fields
export -> a ``datasets`` folder
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

import numpy as np

Lang = Literal["ru", "en"]
LANGS: tuple[Lang, Lang] = ("ru", "en")

Direction = Literal["ru-en", "en-ru", "unknown"]
DIRECTIONS: tuple[Direction, ...] = ("ru-en", "en-ru", "unknown")

DivergenceLabel = Literal["equivalent", "omission", "addition", "omission+addition"]
DIVERGENCE_LABELS: tuple[DivergenceLabel, ...] = (
    "equivalent",
    "omission",
    "addition",
    "omission+addition",
)


@dataclass(frozen=True)
class DocMeta:
    """Metadata of one side of a document pair."""

    lang: Lang
    source: str = ""
    date: str = ""
    url: str = ""
    title: str = ""
    published: str = ""  # a dateline found in the text, e.g. "21 November 2025 16:29 (UTC+04:00)"
    path: str = ""
    encoding: str = "utf-8"


@dataclass(frozen=True)
class Document:
    """One side of a document pair: paragraphs of running text plus metadata."""

    meta: DocMeta
    paragraphs: tuple[str, ...]

    @property
    def lang(self) -> Lang:
        return self.meta.lang


@dataclass(frozen=True)
class DocPair:
    """A Russian document and its English version.

    ``direction``: which side is the original, as the corpus declares it ("ru-en": Russian
    original, English translation; "en-ru": the reverse; "unknown": not declared)."""

    doc_id: str
    ru: Document
    en: Document
    direction: Direction = "unknown"

    def side(self, lang: Lang) -> Document:
        return self.ru if lang == "ru" else self.en


@dataclass(frozen=True)
class Sentence:
    """A sentence with its place in the document.

    ``start``/``end`` are character offsets into its paragraph's text.
    """

    idx: int
    text: str
    para: int
    start: int
    end: int


@dataclass(frozen=True)
class SegmentedPair:
    """A document pair split into sentences on both sides."""

    pair: DocPair
    ru: tuple[Sentence, ...]
    en: tuple[Sentence, ...]

    @property
    def doc_id(self) -> str:
        return self.pair.doc_id

    def sents(self, lang: Lang) -> tuple[Sentence, ...]:
        return self.ru if lang == "ru" else self.en


@dataclass(frozen=True)
class Span:
    """A piece of one side of a bead: ``text == bead_text[start:end]``."""

    text: str
    start: int
    end: int


@dataclass
class Bead:
    """An alignment bead: Russian sentence ids <-> English sentence ids.

    Either side may be empty (1-0 omission / 0-1 addition beads). Divergence fields are
    filled by :mod:`align.divergence.scorer`.
    """

    ru_ids: tuple[int, ...]
    en_ids: tuple[int, ...]
    similarity: float = 0.0
    divergence_score: float = 0.0
    divergence_label: DivergenceLabel = "equivalent"
    omitted_spans: list[Span] = field(default_factory=list)
    added_spans: list[Span] = field(default_factory=list)

    @property
    def alignment_type(self) -> str:
        return f"{len(self.ru_ids)}-{len(self.en_ids)}"


@dataclass
class AlignedPair:
    """A segmented pair with its sentence alignment (and, after scoring, divergences)."""

    seg: SegmentedPair
    beads: list[Bead]
    encoder: str = ""

    @property
    def doc_id(self) -> str:
        return self.seg.doc_id

    def text(self, bead: Bead, lang: Lang) -> str:
        """The text of one side of a bead: its sentences joined by a space."""
        sents = self.seg.sents(lang)
        ids = bead.ru_ids if lang == "ru" else bead.en_ids
        return " ".join(sents[i].text for i in ids)

    def summary(self) -> DocSummary:
        """Document-level divergence summary (shares of text without a counterpart)."""
        ru_chars = sum(len(s.text) for s in self.seg.ru)
        en_chars = sum(len(s.text) for s in self.seg.en)
        om = sum(s.end - s.start for b in self.beads for s in b.omitted_spans)
        ad = sum(s.end - s.start for b in self.beads for s in b.added_spans)
        scores = [b.divergence_score for b in self.beads]
        return DocSummary(
            ru_chars=ru_chars,
            en_chars=en_chars,
            omitted_chars=om,
            added_chars=ad,
            omitted_share=round(om / max(1, ru_chars), 4),
            added_share=round(ad / max(1, en_chars), 4),
            mean_divergence=round(float(np.mean(scores)) if scores else 0.0, 4),
        )


@dataclass(frozen=True)
class DocSummary:
    """Document-level divergence summary."""

    ru_chars: int
    en_chars: int
    omitted_chars: int
    added_chars: int
    omitted_share: float  # share of the Russian text with no English counterpart
    added_share: float  # share of the English text with no Russian counterpart
    mean_divergence: float


@dataclass(frozen=True)
class Wording:
    """How to name the two kinds of one-sided text, given the translation direction.

    ``omitted`` describes Russian text with no English counterpart (``omitted_spans``),
    ``added`` English text with no Russian counterpart (``added_spans``); the column names stay
    the same whatever the direction, the words follow it."""

    omitted: str  # long form, e.g. "Russian source text missing from the English translation"
    added: str
    omitted_short: str  # e.g. "missing from the translation"
    added_short: str


def wording(direction: str) -> Wording:
    """The words for ``omitted_spans`` / ``added_spans`` under a translation direction."""
    if direction == "ru-en":
        return Wording(
            "Russian source text missing from the English translation",
            "English text added in the translation",
            "missing from the translation",
            "added in the translation",
        )
    if direction == "en-ru":
        return Wording(
            "Russian text added in the translation",
            "English source text missing from the Russian translation",
            "added in the translation",
            "missing from the translation",
        )
    return Wording(
        "Russian text with no English counterpart",
        "English text with no Russian counterpart",
        "Russian text with no English counterpart",
        "English text with no Russian counterpart",
    )
