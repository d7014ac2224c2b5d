"""Alignment refined by the divergence scorer: whole sentences without a counterpart are split
out of the m-n beads that absorbed them, as 1-0 / 0-1 beads (issues 12 and 16).

The drop-aware second pass (:mod:`align.second_pass`) still absorbs some dropped sentences into
a neighbouring bead: the window cosines of a merged bead barely move when a sentence without a
counterpart joins it (docs/alignment.md). The divergence scorer sees such a sentence from its
words and its own fit to the other side (:mod:`align.divergence.units`), evidence the aligner's
window cosines do not have, and reports it as an omitted / added span. So once the beads are
scored, in every bead with text on both sides and more than one sentence on a side whose
calibrated score is at least :data:`SPLIT_SCORE` (the scorer is confident the bead diverges),
each sentence at the bead's edge that its omitted (Russian) or added (English) spans cover for
at least :data:`COVER` of its characters becomes a bead of its own; the rest keeps at least one
sentence a side. Only those beads need a score before the split
(:func:`split_candidates`), so the pipeline scores them first, splits, and then scores the
rest and the beads the split created (:func:`align.pipeline.score_and_split`); an alignment
alone (`align align`, `align eval`) stops after the split. With the split, an orphan of the
run of orphans next to a 1-1 bead takes that bead's sentence on its side when the pair it
makes is clearly closer (:data:`SWAP_MARGIN`).

Chosen on the dev sets (``python scripts/experiments/split_unaligned.py``; docs/alignment.md,
"Eighth session"; strict F1 of ``align eval``'s default without / with the split): dev-drops
0.965 -> 0.986, no dev set worse at ``SPLIT_SCORE = 0.75``; at 0.7 dev-restructured loses
(sentences of real merges and fragments of a cut sentence that the scorer flags), at 0.8
dev-drops gains less.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from align.alignment import pair_similarity
from align.encoders import TextEncoder
from align.model import AlignedPair, Bead, Lang, Span
from align.segment import continues

if TYPE_CHECKING:
    from align.divergence.scorer import DivergenceConfig

# the bead's calibrated P(divergent) from which its covered edge sentences are split out
SPLIT_SCORE = 0.75
# the share of a sentence's characters its side's divergence spans must cover: the whole
# sentence, up to punctuation (dev: 0.8, 0.95 and 1.0 split the same beads; 0.5 also splits
# real fragments of a cut sentence whose half a clause span covers: dev-dense 0.996 -> 0.983)
COVER = 0.9


def split_candidates(aligned: AlignedPair) -> list[int]:
    """The beads the split may change, whatever their score: text on both sides and more than
    one sentence on at least one. Only these need a score before the split."""
    return [
        i
        for i, b in enumerate(aligned.beads)
        if b.ru_ids and b.en_ids and len(b.ru_ids) + len(b.en_ids) > 2
    ]


def split_unaligned(
    aligned: AlignedPair,
    encoder: TextEncoder,
    cfg: DivergenceConfig | None = None,
) -> AlignedPair:
    """A pair whose :func:`split_candidates` are scored, with the sentences the scorer found
    without a counterpart at the edges of those beads split out as 1-0 / 0-1 beads (see the
    module docstring). The beads this creates are new :class:`Bead` objects, not scored; the
    others are the same objects. The pair is returned as it is when nothing is split or the
    scorer is not calibrated (its score is then no probability: ablations)."""
    from align.divergence.scorer import DivergenceConfig

    if not (cfg or DivergenceConfig()).calibrated:
        return aligned
    encoder.clear_cache()  # the kept parts' similarities: from the same state in every process
    beads: list[Bead] = []
    candidates = set(split_candidates(aligned))
    for i, bead in enumerate(aligned.beads):
        splittable = i in candidates and bead.divergence_score >= SPLIT_SCORE
        beads += _peeled(aligned, bead, encoder) if splittable else [bead]
    if SWAP_MARGIN is not None:
        beads = _swapped(aligned, beads, encoder, (cfg or DivergenceConfig()).use_paragraphs)
    encoder.clear_cache()
    if [id(b) for b in beads] == [id(b) for b in aligned.beads]:
        return aligned
    return AlignedPair(seg=aligned.seg, beads=beads, encoder=aligned.encoder)


# An orphan (1-0 / 0-1) in the run of orphans next to a 1-1 bead takes that bead's sentence on
# its own side when the pair it would make is closer by more than this cosine: the drop-aware
# objective sometimes pairs a sentence with an orphan near its translation (dev-runs
# 088-nytimes: the orphan next to it, cosine 0.26 against 0.62; 072-bbc: four orphans away) and
# the translation ends up in the next bead or alone. Dev sets (docs/alignment.md, "Eleventh
# session", "Twelfth session"): with the neighbour only, 0.1 and 0.2 dev-runs 0.956 -> 0.960,
# every other dev set unchanged; 0.0 swaps near-ties too and gains nothing; along the whole run
# (twelfth session) dev-runs 0.964 at 0.1, 0.2 and 0.3, every other dev set unchanged.
SWAP_MARGIN: float | None = 0.2


def _swapped(
    aligned: AlignedPair, beads: list[Bead], encoder: TextEncoder, paragraphs: bool
) -> list[Bead]:
    """``beads`` with every 1-1 bead re-paired with an orphan of the run next to it when that
    pair is closer than the bead's own (by :data:`SWAP_MARGIN`); left to right, each bead
    changed at most once. The orphan must be one of the orphans on one side that stand next
    to the bead, so the order of sentences is kept on both sides; with ``paragraphs`` (text
    aligned paragraph by paragraph) the exchanged sentences must share a paragraph, so no
    bead crosses the paragraph pass's cuts."""
    out = list(beads)
    k = 0
    while k < len(out):
        swap = _swap(aligned, out, k, encoder, paragraphs)
        if swap is None:
            k += 1
            continue
        lo, hi, repl = swap
        out[lo : hi + 1] = repl
        k = hi + 1
    return out


def _run(beads: list[Bead], k: int, side: Lang, step: int) -> list[int]:
    """Positions of the orphans with a sentence on ``side`` only that follow (``step`` 1) or
    precede (-1) position ``k`` without a break."""
    out, j = [], k + step
    while 0 <= j < len(beads) and not (beads[j].en_ids if side == "ru" else beads[j].ru_ids):
        if not (beads[j].ru_ids if side == "ru" else beads[j].en_ids):
            break
        out.append(j)
        j += step
    return out


def _only(orphan: Bead) -> int:
    """The one sentence of a 1-0 / 0-1 bead."""
    return (orphan.ru_ids or orphan.en_ids)[0]


def _swap(
    aligned: AlignedPair, beads: list[Bead], k: int, encoder: TextEncoder, paragraphs: bool
) -> tuple[int, int, list[Bead]] | None:
    """(first, last position, the beads that replace them) for the best re-pairing of the
    1-1 bead at ``k`` with an orphan of a run next to it, or None when ``k`` is not a 1-1 bead
    or no orphan gains enough."""
    bead = beads[k]
    if not len(bead.ru_ids) == len(bead.en_ids) == 1:
        return None
    (ru,), (en,) = bead.ru_ids, bead.en_ids
    text = aligned.seg.sents
    candidates = [
        (j, side)
        for side in ("ru", "en")
        for step in (1, -1)
        for j in _run(beads, k, side, step)
        if not paragraphs
        or text(side)[_only(beads[j])].para == text(side)[ru if side == "ru" else en].para
    ]
    if not candidates:  # most 1-1 beads: no similarity computed
        return None
    sims = [
        pair_similarity(
            encoder,
            text("ru")[_only(beads[j]) if side == "ru" else ru].text,
            text("en")[en if side == "ru" else _only(beads[j])].text,
        )
        for j, side in candidates
    ]
    best = max(range(len(sims)), key=sims.__getitem__)  # the first of equals
    old = pair_similarity(encoder, text("ru")[ru].text, text("en")[en].text)
    if sims[best] <= old + (SWAP_MARGIN or 0.0):
        return None
    sim, (j, side) = sims[best], candidates[best]
    lo, hi = min(k, j), max(k, j)
    repl = []
    for i in range(lo, hi + 1):
        if i == j:
            other = _only(beads[j])
            joined = Bead((other,), (en,)) if side == "ru" else Bead((ru,), (other,))
            joined.similarity = sim
            repl.append(joined)
        elif i == k:
            repl.append(Bead((ru,), ()) if side == "ru" else Bead((), (en,)))
        else:
            repl.append(beads[i])
    return lo, hi, repl


def _covered(spans: Sequence[Span], start: int, end: int) -> bool:
    cov = sum(max(0, min(s.end, end) - max(s.start, start)) for s in spans)
    return cov >= COVER * (end - start)


def _flags(
    aligned: AlignedPair, ids: tuple[int, ...], lang: Lang, spans: Sequence[Span]
) -> list[bool]:
    """For each sentence of one side of a bead: do the spans cover it (offsets in the bead's
    side text, whose sentences are joined by one space: :meth:`AlignedPair.text`), and is it
    not a piece of the same sentence as its neighbour in the bead (a line cut at a line or page
    break, :func:`align.segment.continues`: the fragment the aligner joined to the rest of its
    sentence, :mod:`align.fragments`, stays with it)."""
    sents = aligned.seg.sents(lang)
    texts = [sents[i].text for i in ids]
    flags, pos = [], 0
    for k, text in enumerate(texts):
        flags.append(_covered(spans, pos, pos + len(text)) and not _tied(texts, k))
        pos += len(text) + 1
    return flags


def _tied(texts: Sequence[str], k: int) -> bool:
    """Whether line ``k`` continues line ``k - 1`` or is continued by line ``k + 1``."""
    before = k > 0 and continues(texts[k - 1], texts[k])
    return before or (k + 1 < len(texts) and continues(texts[k], texts[k + 1]))


def _peel(ids: tuple[int, ...], flags: list[bool]) -> tuple[list[int], list[int], list[int]]:
    """(split off before, kept, split off after): flagged sentences at either edge, while at
    least one sentence is kept."""
    lo, hi = 0, len(ids)
    while hi - lo > 1 and flags[lo]:
        lo += 1
    while hi - lo > 1 and flags[hi - 1]:
        hi -= 1
    return list(ids[:lo]), list(ids[lo:hi]), list(ids[hi:])


def _peeled(aligned: AlignedPair, bead: Bead, encoder: TextEncoder) -> list[Bead]:
    ru_pre, ru, ru_post = _peel(bead.ru_ids, _flags(aligned, bead.ru_ids, "ru", bead.omitted_spans))
    en_pre, en, en_post = _peel(bead.en_ids, _flags(aligned, bead.en_ids, "en", bead.added_spans))
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
