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
    """Parameters of the aligner; the bertalign ones keep bertalign's defaults."""

    max_align: int = 5
    top_k: int = 3
    win: int = 5
    skip: float = -0.1
    margin: bool = True
    len_penalty: bool = True
    paragraphs: bool = True
    cut_similarity: float = 0.5
    anchor_weight: float = 0.0  # weight of lexical anchors (:mod:`align.anchors`); 0 = off
    anchor_prefix: int = 4
    csls: float = 0.0  # weight of the CSLS-style hubness correction (:func:`csls_vectors`)
    csls_k: int = 4
    size_cost: float = 0.0  # subtracted per sentence beyond the first on each side of a bead


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
    if cfg.anchor_weight > 0:
        from align.anchors import AnchoredEncoder

        model = AnchoredEncoder(encoder, cfg.anchor_weight, prefix=cfg.anchor_prefix)
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
    if cfg.csls > 0 or cfg.size_cost > 0:
        aligner.src_vecs, aligner.tgt_vecs = csls_vectors(
            aligner.src_vecs, aligner.tgt_vecs, cfg.csls, cfg.csls_k, cfg.size_cost
        )
    return [(list(s), list(t)) for s, t in aligner.align_sents()]


def csls_vectors(
    src_vecs: np.ndarray, tgt_vecs: np.ndarray, weight: float, k: int, size_cost: float = 0.0
) -> tuple[np.ndarray, np.ndarray]:
    """Append two columns so that bertalign's dot products become CSLS-style margins.

    For every window vector ``x`` of one side, ``r(x)`` is its mean cosine with its ``k``
    nearest single sentences of the other side (its "hubness"). With ``x' = [x, -w r(x) / 2, 1]``
    and ``y' = [y, 1, -w r(y) / 2]``, ``x' . y' = cos(x, y) - w (r(x) + r(y)) / 2``: windows that
    are close to everything are discounted. ``size_cost`` also subtracts ``size_cost * (n - 1)``
    for a window of ``n`` sentences on either side (a cost on merges). Vectorised.
    """

    def hub(vecs: np.ndarray, other: np.ndarray) -> np.ndarray:
        sims = vecs.reshape(-1, vecs.shape[-1]) @ other[0].T  # (windows, other sentences)
        kk = min(k, sims.shape[1])
        top = -np.partition(-sims, kk - 1, axis=1)[:, :kk]
        return top.mean(axis=1).reshape(vecs.shape[:2]).astype(np.float32)

    r_src = -0.5 * weight * hub(src_vecs, tgt_vecs)
    r_tgt = -0.5 * weight * hub(tgt_vecs, src_vecs)
    r_src -= size_cost * np.arange(src_vecs.shape[0], dtype=np.float32)[:, None]
    r_tgt -= size_cost * np.arange(tgt_vecs.shape[0], dtype=np.float32)[:, None]
    ones_s, ones_t = np.ones_like(r_src), np.ones_like(r_tgt)
    src_out = np.concatenate([src_vecs, r_src[..., None], ones_s[..., None]], axis=2)
    tgt_out = np.concatenate([tgt_vecs, ones_t[..., None], r_tgt[..., None]], axis=2)
    return np.ascontiguousarray(src_out), np.ascontiguousarray(tgt_out)


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
    pcfg = AlignConfig(max_align=4, skip=cfg.skip, margin=cfg.margin, len_penalty=cfg.len_penalty)
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
    for ru_paras, en_paras in paragraph_blocks(seg, encoder, cfg):
        rp, ep = set(ru_paras), set(en_paras)
        ru_ids = [s.idx for s in seg.ru if s.para in rp]
        en_ids = [s.idx for s in seg.en if s.para in ep]
        raw = bertalign_beads(
            [seg.ru[i].text for i in ru_ids], [seg.en[j].text for j in en_ids], encoder, cfg
        )
        for r, e in raw:
            beads.append(
                Bead(ru_ids=tuple(ru_ids[i] for i in r), en_ids=tuple(en_ids[j] for j in e))
            )
    return beads


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
