"""Stage 4 — divergence scoring: what the English left out of a bead, and what it added.

Each side of a bead is split into clauses (:func:`clauses`); every clause is embedded and
compared with the clauses of the other side (single clauses and runs of up to three). A clause
whose best match stays below ``DivergenceConfig.clause_threshold`` and whose cross-script
anchors (numbers, Latin-script tokens) are not found on the other side is reported as an
omitted (Russian) or added (English) span, with character offsets into the bead's text.

1-0 beads are omissions of the whole Russian text, 0-1 beads additions of the whole English.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from align.encoders import TextEncoder
from align.model import AlignedPair, Bead, DivergenceLabel, Span

# Clause boundaries: punctuation (not inside numbers such as 1,000 or 1:00) and spaced dashes.
_CLAUSE_BREAK = re.compile(r"\s*(?:[;()\[\]«»\"“”„]|[,:](?!\d)|\s[-–—]\s)\s*")
_WORD = re.compile(r"\w+")
_NUMBER = re.compile(r"\d+(?:[.,:]\d+)*")
_LATIN_TOKEN = re.compile(r"\b[A-Za-z][A-Za-z0-9+\-]*\b")


@dataclass(frozen=True)
class DivergenceConfig:
    """Thresholds of the clause matcher."""

    clause_threshold: float = 0.40
    min_clause_words: int = 3
    max_window: int = 3


def clauses(text: str, min_words: int = 3) -> list[Span]:
    """Split text into clause-like spans at punctuation and dashes.

    Fragments shorter than ``min_words`` words are merged into their neighbour so that
    every span carries enough content to be matched.
    """
    pieces: list[Span] = []
    pos = 0
    for m in _CLAUSE_BREAK.finditer(text):
        if m.start() > pos:
            pieces.append(Span(text[pos : m.start()], pos, m.start()))
        pos = m.end()
    if pos < len(text):
        pieces.append(Span(text[pos:], pos, len(text)))
    pieces = [p for p in pieces if _WORD.search(p.text)]
    merged: list[Span] = []
    for p in pieces:
        if merged and (
            len(_WORD.findall(p.text)) < min_words
            or len(_WORD.findall(merged[-1].text)) < min_words
        ):
            last = merged[-1]
            merged[-1] = Span(text[last.start : p.end], last.start, p.end)
        else:
            merged.append(p)
    return merged


def _anchors(text: str) -> set[str]:
    return set(_NUMBER.findall(text)) | {t.lower() for t in _LATIN_TOKEN.findall(text)}


def _windows(spans: list[Span], text: str, size: int) -> list[str]:
    out = []
    for n in range(1, size + 1):
        for i in range(len(spans) - n + 1):
            out.append(text[spans[i].start : spans[i + n - 1].end])
    return out


def unmatched_clauses(
    src_text: str, tgt_text: str, encoder: TextEncoder, cfg: DivergenceConfig
) -> list[Span]:
    """Clauses of ``src_text`` with no counterpart in ``tgt_text``."""
    src = clauses(src_text, cfg.min_clause_words)
    tgt = clauses(tgt_text, cfg.min_clause_words)
    if not src:
        return []
    if not tgt:
        return src
    tgt_windows = [*_windows(tgt, tgt_text, cfg.max_window), tgt_text]
    sims = encoder.embed([s.text for s in src]) @ encoder.embed(tgt_windows).T
    tgt_anchors = _anchors(tgt_text)
    out = []
    for span, row in zip(src, sims, strict=True):
        anchors = _anchors(span.text)
        if float(row.max()) < cfg.clause_threshold and not (anchors and anchors <= tgt_anchors):
            out.append(span)
    return out


def label_for(omitted: list[Span], added: list[Span]) -> DivergenceLabel:
    if omitted and added:
        return "omission+addition"
    if omitted:
        return "omission"
    if added:
        return "addition"
    return "equivalent"


def score_bead(bead: Bead, ru: str, en: str, encoder: TextEncoder, cfg: DivergenceConfig) -> None:
    """Fill the divergence fields of one bead in place."""
    if not en:
        bead.omitted_spans, bead.added_spans = [Span(ru, 0, len(ru))], []
    elif not ru:
        bead.omitted_spans, bead.added_spans = [], [Span(en, 0, len(en))]
    else:
        bead.omitted_spans = unmatched_clauses(ru, en, encoder, cfg)
        bead.added_spans = unmatched_clauses(en, ru, encoder, cfg)
    om_share = sum(s.end - s.start for s in bead.omitted_spans) / max(1, len(ru)) if ru else 0.0
    add_share = sum(s.end - s.start for s in bead.added_spans) / max(1, len(en)) if en else 0.0
    sim_part = float(np.clip((0.75 - bead.similarity) / 0.75, 0.0, 1.0)) if ru and en else 1.0
    bead.divergence_score = round(max(om_share, add_share, sim_part), 4)
    bead.divergence_label = label_for(bead.omitted_spans, bead.added_spans)


def score_pair(
    aligned: AlignedPair, encoder: TextEncoder, cfg: DivergenceConfig | None = None
) -> AlignedPair:
    """Score every bead of an aligned pair (in place; returns it for chaining)."""
    cfg = cfg or DivergenceConfig()
    for bead in aligned.beads:
        score_bead(bead, aligned.text(bead, "ru"), aligned.text(bead, "en"), encoder, cfg)
    return aligned


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


def summarize(aligned: AlignedPair) -> DocSummary:
    ru_chars = sum(len(s.text) for s in aligned.seg.ru)
    en_chars = sum(len(s.text) for s in aligned.seg.en)
    om = sum(s.end - s.start for b in aligned.beads for s in b.omitted_spans)
    ad = sum(s.end - s.start for b in aligned.beads for s in b.added_spans)
    scores = [b.divergence_score for b in aligned.beads]
    return DocSummary(
        ru_chars=ru_chars,
        en_chars=en_chars,
        omitted_chars=om,
        added_chars=ad,
        omitted_share=round(om / max(1, ru_chars), 4),
        added_share=round(ad / max(1, en_chars), 4),
        mean_divergence=round(float(np.mean(scores)) if scores else 0.0, 4),
    )
