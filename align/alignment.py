"""Stage 3 — alignment: paragraphs, then sentences, with bertalign's two-pass algorithm.

bertalign (Liu & Zhu 2022) is used through its package: :class:`bertalign.Bertalign` with our
encoder plugged in (:mod:`align.encoders`) on pre-split units. We run it twice:

1. on paragraphs, to find where the two sides agree on paragraph structure. A boundary
   between two consecutive paragraph beads becomes a hard cut only when both beads are
   confident (text on both sides, similarity at least ``AlignConfig.cut_similarity``); merged,
   split, dropped or added paragraphs are therefore never cut on, so the sentence pass
   sees them together with their neighbours and can still align across them;
2. on the sentences of each block between cuts, yielding 1-1, m-n, 1-0 and 0-1 beads.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from align._bertalign import import_bertalign
from align.encoders import TextEncoder
from align.io import RawBead
from align.model import AlignedPair, Bead, Lang, SegmentedPair, Sentence


@dataclass(frozen=True)
class AlignConfig:
    """Parameters of the aligner (``AlignConfig()`` is what ``align run`` ships; bertalign's
    own parameters keep bertalign's defaults)."""

    max_align: int = 5
    top_k: int = 3
    win: int = 5
    skip: float = -0.1
    margin: bool = True
    len_penalty: bool = True
    paragraphs: bool = True
    cut_similarity: float = 0.5
    # The second pass's objective (docs/alignment.md). "cost" (the default): the drop-aware
    # bead cost of :mod:`align.second_pass` -- ``blend`` x a Vecalign-style cost (every merged
    # sentence must pay for itself; ``del_cost`` per 1-0 / 0-1; ``len_weight`` x length
    # disagreement) minus (1 - blend) x bertalign's ``(cos - neighbour margin) *
    # length_penalty`` (``-skip`` per 1-0 / 0-1; ``cost_margin=False``: plain cos), plus the
    # sentence support. Chosen on the dev sets; ahead of bertalign's own pass on every
    # Russian-English set, real WMT documents included (+0.009 to +0.026 strict F1), behind on
    # Text+Berg test (German-French, -0.010). "bertalign": bertalign's own second pass
    # (``skip``, ``margin``, ``len_penalty``), which absorbs dropped sentences into merged beads.
    objective: str = "cost"
    del_cost: float = 0.55
    len_weight: float = 0.5
    blend: float = 0.5
    cost_margin: bool = True
    # weight of the sentence support term (align/second_pass.py): every sentence of a bead must
    # be closer to the bead's other side than to that side's average sentence
    support: float = 0.4
    peel: bool = False  # after the second pass: split off sentences that do not pay their cost
    # once the beads are scored: sentences the divergence scorer confidently found without a
    # counterpart at the edge of an m-n bead become 1-0 / 0-1 beads (align/refine.py, applied
    # by align.pipeline; dev-drops strict F1 0.965 -> 0.986, no dev set worse)
    split_unaligned: bool = True
    # with the cost objective: a lone 1-0 / 0-1 line that typography shows to be part of its
    # neighbour's sentence (cut at a line or page break) joins that neighbour's bead
    # (align/fragments.py; Text+Berg dev strict F1 0.879 -> 0.889, no other dev set changes)
    join_fragments: bool = True

    @classmethod
    def bertalign(cls, **changes: object) -> AlignConfig:
        """bertalign's own second pass and parameters (its defaults unless changed)."""
        return cls(objective="bertalign", **changes)  # type: ignore[arg-type]

    @classmethod
    def cost(cls, **changes: object) -> AlignConfig:
        """The drop-aware cost objective (see the field comments)."""
        return cls(objective="cost", **changes)  # type: ignore[arg-type]


def bertalign_beads(
    src: Sequence[str], tgt: Sequence[str], encoder: TextEncoder, cfg: AlignConfig
) -> list[RawBead]:
    """Align two lists of units (sentences or paragraphs) with bertalign."""
    if not src or not tgt:
        return [([i], []) for i in range(len(src))] + [([], [j]) for j in range(len(tgt))]
    if len(src) == 1 and len(tgt) == 1:
        return [([0], [0])]
    import_bertalign()  # bertalign without torch (see align/_bertalign.py)
    from bertalign import Bertalign, Encoder

    model: Encoder = encoder
    from align._bertalign import presplit

    with presplit():
        aligner = Bertalign(
            "\n".join(src),
            "\n".join(tgt),
            is_split=True,
            model=model,
            max_align=cfg.max_align,
            top_k=cfg.top_k,
            win=cfg.win,
            skip=cfg.skip,
            margin=cfg.margin,
            len_penalty=cfg.len_penalty,
        )
    if aligner.src_num != len(src) or aligner.tgt_num != len(tgt):  # pragma: no cover
        raise RuntimeError("bertalign changed the number of units")
    if cfg.objective == "cost":
        from align.second_pass import align_cost

        beads = align_cost(
            aligner,
            cfg.del_cost,
            cfg.len_weight,
            cfg.blend,
            -cfg.skip,
            cfg.cost_margin,
            cfg.support,
        )
    else:
        from align._bertalign import align_sents

        beads = [(list(s), list(t)) for s, t in align_sents(aligner)]
    if cfg.peel:
        from align.second_pass import peel_beads

        beads = peel_beads(beads, aligner, cfg.del_cost, cfg.len_weight)
    return beads


def pair_similarity(encoder: TextEncoder, ru: str, en: str) -> float:
    """Cosine similarity of the two sides' embeddings (0 when a side is empty)."""
    if not ru or not en:
        return 0.0
    v = encoder.embed([ru, en])
    return float(np.dot(v[0], v[1]))


def _by_paragraph(seg: SegmentedPair, side: Lang) -> list[list[Sentence]]:
    """The sentences of each paragraph of one side."""
    out: list[list[Sentence]] = [[] for _ in seg.pair.side(side).paragraphs]
    for s in seg.sents(side):
        out[s.para].append(s)
    return out


def paragraph_blocks(
    seg: SegmentedPair, encoder: TextEncoder, cfg: AlignConfig
) -> list[tuple[list[int], list[int]]]:
    """Group paragraphs into blocks (ru paragraph ids, en paragraph ids) separated by hard cuts."""
    ru_paras = list(seg.pair.ru.paragraphs)
    en_paras = list(seg.pair.en.paragraphs)
    whole = [(list(range(len(ru_paras))), list(range(len(en_paras))))]
    if not cfg.paragraphs or len(ru_paras) < 2 or len(en_paras) < 2:
        return whole
    if len(seg.ru) == len(ru_paras) and len(seg.en) == len(en_paras):
        return whole  # one sentence per paragraph: the paragraph pass would be the sentence pass
    # a paragraph's embedding is built from its sentences' (one encoder pass per sentence)
    joined = {
        para.strip(): [s.text.strip() for s in sents]
        for side in ("ru", "en")
        for para, sents in zip(
            seg.pair.side(side).paragraphs, _by_paragraph(seg, side), strict=True
        )
    }
    encoder.register_joined(joined)
    # paragraphs keep bertalign's objective (the cost objective was tuned on sentences)
    pcfg = AlignConfig.bertalign(
        max_align=4, skip=cfg.skip, margin=cfg.margin, len_penalty=cfg.len_penalty
    )
    pbeads = bertalign_beads(ru_paras, en_paras, encoder, pcfg)
    confident = [
        bool(r and e)
        and pair_similarity(
            encoder, " ".join(ru_paras[i] for i in r), " ".join(en_paras[j] for j in e)
        )
        >= cfg.cut_similarity
        for r, e in pbeads
    ]
    encoder.forget([t for t, parts in joined.items() if parts != [t]])  # only needed above
    blocks: list[tuple[list[int], list[int]]] = [([], [])]
    for k, (r, e) in enumerate(pbeads):
        if k > 0 and confident[k - 1] and confident[k]:
            blocks.append(([], []))
        blocks[-1][0].extend(r)
        blocks[-1][1].extend(e)
    return blocks


def align_beads(
    seg: SegmentedPair, encoder: TextEncoder, cfg: AlignConfig | None = None
) -> list[Bead]:
    """The beads of a segmented pair: paragraph blocks first, then sentences (no scores)."""
    cfg = cfg or AlignConfig()
    beads: list[Bead] = []
    # each block's sentences from its paragraphs' lists: scanning every sentence of the
    # document per block was quadratic (long-32k align only: most of the align stage)
    ru_by_para, en_by_para = _by_paragraph(seg, "ru"), _by_paragraph(seg, "en")
    for ru_paras, en_paras in paragraph_blocks(seg, encoder, cfg):
        ru_ids = [s.idx for p in sorted(set(ru_paras)) for s in ru_by_para[p]]
        en_ids = [s.idx for p in sorted(set(en_paras)) for s in en_by_para[p]]
        ru_texts, en_texts = [seg.ru[i].text for i in ru_ids], [seg.en[j].text for j in en_ids]
        raw = bertalign_beads(ru_texts, en_texts, encoder, cfg)
        if cfg.objective == "cost" and cfg.join_fragments:
            from align.fragments import join_fragments

            raw = join_fragments(
                raw, ru_texts, en_texts, _paras(seg, "ru", ru_ids), _paras(seg, "en", en_ids)
            )
        for r, e in raw:
            beads.append(
                Bead(ru_ids=tuple(ru_ids[i] for i in r), en_ids=tuple(en_ids[j] for j in e))
            )
    return beads


def _paras(seg: SegmentedPair, side: Lang, ids: Sequence[int]) -> list[int] | None:
    """The paragraph of each sentence ``ids`` of one side; ``None`` when every paragraph is one
    sentence (one-sentence-per-line text: its line breaks are not paragraph breaks)."""
    sents = seg.sents(side)
    if len(sents) == len(seg.pair.side(side).paragraphs):
        return None
    return [sents[i].para for i in ids]


def align_pair(
    seg: SegmentedPair, encoder: TextEncoder, cfg: AlignConfig | None = None
) -> AlignedPair:
    """Align the sentences of a segmented pair and give every bead its similarity."""
    beads = align_beads(seg, encoder, cfg)
    aligned = AlignedPair(seg=seg, beads=beads, encoder=encoder.model_name)
    for bead in beads:
        bead.similarity = pair_similarity(
            encoder, aligned.text(bead, "ru"), aligned.text(bead, "en")
        )
    return aligned
