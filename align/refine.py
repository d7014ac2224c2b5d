"""Alignment refined by the divergence scorer: whole sentences without a counterpart are split
out of the m-n beads that absorbed them, as 1-0 / 0-1 beads (issues 12 and 16).

The drop-aware second pass (:mod:`align.second_pass`) still absorbs some dropped sentences into
a neighbouring bead: the window cosines of a merged bead barely move when a sentence without a
counterpart joins it (docs/alignment.md). The divergence scorer sees such a sentence from its
words and its own fit to the other side (:mod:`align.divergence.units`), evidence the aligner's
window cosines do not have. So after alignment every bead with more than one sentence on a side
and text on both is scored, and when the scorer is confident that the bead diverges (its
calibrated score at least :data:`SPLIT_SCORE`), every sentence at the bead's edge that its
omitted (Russian) or added (English) spans cover for at least :data:`COVER` of its characters
becomes a bead of its own; the rest of the bead keeps at least one sentence a side.

Measured on the dev sets (``python scripts/experiments/split_unaligned.py``, strict F1 of
``align eval``'s default without / with the split): dev-drops 0.966 -> 0.986, and no dev set
worse at ``SPLIT_SCORE = 0.75``; at 0.7 dev-restructured loses (real fragments of a split
sentence the scorer calls added), at 0.8 dev-drops gains less.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, NamedTuple

from align.alignment import AlignConfig, align_pair, pair_similarity
from align.encoders import TextEncoder
from align.model import AlignedPair, Bead, Lang, SegmentedPair, Span

if TYPE_CHECKING:
    from align.divergence.scorer import DivergenceConfig, TextScore

# the bead's calibrated P(divergent) from which its covered edge sentences are split out
SPLIT_SCORE = 0.75
# the share of a sentence's characters its side's divergence spans must cover: the whole
# sentence, up to punctuation (dev: 0.8, 0.95 and 1.0 split the same beads; 0.5 also splits
# real fragments of a split sentence whose half a clause span covers: dev-dense 0.996 -> 0.983)
COVER = 0.9


class Refined(NamedTuple):
    """An aligned pair and what the split already scored: the divergence results of the beads
    it scored and kept whole (by index in ``aligned.beads``; the scoring stage reuses them, so
    no bead is scored twice and a kept bead's score is the one the split read), and the
    document similarity they were scored with (the scoring stage uses it for every bead)."""

    aligned: AlignedPair
    scores: dict[int, TextScore]
    doc_cos: float | None


def aligned_and_refined(
    seg: SegmentedPair,
    encoder: TextEncoder,
    align_cfg: AlignConfig | None = None,
    div_cfg: DivergenceConfig | None = None,
) -> Refined:
    """:func:`align.alignment.align_pair`, then :func:`split_unaligned` when the config asks
    for it (``AlignConfig.split_unaligned``, on by default). ``div_cfg``: the
    :class:`align.divergence.scorer.DivergenceConfig` the beads will be scored with."""
    from align.divergence.scorer import document_similarity

    cfg = align_cfg or AlignConfig()
    aligned = align_pair(seg, encoder, cfg)
    if not cfg.split_unaligned:
        return Refined(aligned, {}, document_similarity(aligned))
    return split_unaligned(aligned, encoder, div_cfg)


def _candidates(aligned: AlignedPair) -> list[int]:
    """Beads with text on both sides and more than one sentence on at least one."""
    return [
        i
        for i, b in enumerate(aligned.beads)
        if b.ru_ids and b.en_ids and len(b.ru_ids) + len(b.en_ids) > 2
    ]


def split_unaligned(
    aligned: AlignedPair,
    encoder: TextEncoder,
    cfg: DivergenceConfig | None = None,
) -> Refined:
    """A new aligned pair in which the sentences the scorer finds without a counterpart at the
    edges of m-n beads are 1-0 / 0-1 beads (see the module docstring). The candidate beads are
    scored in batches of their own, from a cleared encoder cache, so the result depends only
    on the document (the same whatever ``--jobs`` or engine)."""
    from align.divergence.scorer import SCORE_BATCH, bead_texts, document_similarity, score_texts
    from align.divergence.units import bead_layouts

    cand = _candidates(aligned)
    doc_cos = document_similarity(aligned)
    # SPLIT_SCORE is a probability: with an uncalibrated scorer (ablations, and the model fit,
    # which therefore sees the aligner's own beads) nothing is split
    if not cand or (cfg is not None and not cfg.calibrated):
        return Refined(aligned, {}, doc_cos)
    texts, layouts = bead_texts(aligned), bead_layouts(aligned)
    scores: list[TextScore] = []
    for a in range(0, len(cand), SCORE_BATCH):
        part = cand[a : a + SCORE_BATCH]
        encoder.clear_cache()
        scores += score_texts(
            [texts[i] for i in part], encoder, cfg, [layouts[i] for i in part], doc_cos
        )
    encoder.clear_cache()
    scored = dict(zip(cand, scores, strict=True))
    beads: list[Bead] = []
    kept: dict[int, TextScore] = {}  # by index in the new bead list
    for i, bead in enumerate(aligned.beads):
        res = scored.get(i)
        parts = [bead]
        if res is not None and res.score >= SPLIT_SCORE:
            parts = _peeled(aligned, bead, res.omitted, res.added, encoder)
        if res is not None and parts == [bead]:
            kept[len(beads)] = res
        beads += parts
    refined = AlignedPair(seg=aligned.seg, beads=beads, encoder=aligned.encoder)
    return Refined(refined, kept, doc_cos)


def _covered(spans: Sequence[Span], start: int, end: int) -> bool:
    cov = sum(max(0, min(s.end, end) - max(s.start, start)) for s in spans)
    return cov >= COVER * (end - start)


def _flags(
    aligned: AlignedPair, ids: tuple[int, ...], lang: Lang, spans: Sequence[Span]
) -> list[bool]:
    """For each sentence of one side of a bead: do the spans cover it (offsets in the bead's
    side text, whose sentences are joined by one space: :meth:`AlignedPair.text`)."""
    sents = aligned.seg.sents(lang)
    flags, pos = [], 0
    for i in ids:
        n = len(sents[i].text)
        flags.append(_covered(spans, pos, pos + n))
        pos += n + 1
    return flags


def _peel(ids: tuple[int, ...], flags: list[bool]) -> tuple[list[int], list[int], list[int]]:
    """(split off before, kept, split off after): flagged sentences at either edge, while at
    least one sentence is kept."""
    lo, hi = 0, len(ids)
    while hi - lo > 1 and flags[lo]:
        lo += 1
    while hi - lo > 1 and flags[hi - 1]:
        hi -= 1
    return list(ids[:lo]), list(ids[lo:hi]), list(ids[hi:])


def _peeled(
    aligned: AlignedPair,
    bead: Bead,
    omitted: Sequence[Span],
    added: Sequence[Span],
    encoder: TextEncoder,
) -> list[Bead]:
    ru_pre, ru, ru_post = _peel(bead.ru_ids, _flags(aligned, bead.ru_ids, "ru", omitted))
    en_pre, en, en_post = _peel(bead.en_ids, _flags(aligned, bead.en_ids, "en", added))
    if not (ru_pre or ru_post or en_pre or en_post):
        return [bead]
    kept = Bead(ru_ids=tuple(ru), en_ids=tuple(en))
    kept.similarity = pair_similarity(encoder, aligned.text(kept, "ru"), aligned.text(kept, "en"))
    return [
        *(Bead(ru_ids=(i,), en_ids=()) for i in ru_pre),
        *(Bead(ru_ids=(), en_ids=(j,)) for j in en_pre),
        kept,
        *(Bead(ru_ids=(i,), en_ids=()) for i in ru_post),
        *(Bead(ru_ids=(), en_ids=(j,)) for j in en_post),
    ]
