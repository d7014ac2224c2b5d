"""The scorer's split of unaligned sentences out of m-n beads (align/refine.py)."""

from __future__ import annotations

import pytest

from align.model import AlignedPair, Bead, DocMeta, DocPair, Document, Span
from align.refine import _flags, _peel
from align.segment import presegmented_pair
from tests.conftest import SHARED

NTREX = SHARED / "data" / "ntrex-enru"


def test_peel_takes_flagged_edges_and_keeps_one_sentence():
    assert _peel((1, 2, 3), [True, False, True]) == ([1], [2], [3])
    assert _peel((1, 2, 3), [False, True, False]) == ([], [1, 2, 3], [])  # not at an edge
    assert _peel((1, 2), [True, True]) == ([1], [2], [])  # a side keeps one sentence
    assert _peel((1, 2, 3), [True, True, False]) == ([1, 2], [3], [])


def test_flags_need_the_whole_sentence_covered():
    pair = DocPair(
        doc_id="d",
        ru=Document(
            DocMeta(lang="ru"), ("Первое предложение.", "Второе, более длинное предложение.")
        ),
        en=Document(DocMeta(lang="en"), ("One sentence.",)),
    )
    aligned = AlignedPair(presegmented_pair(pair), [Bead((0, 1), (0,))])
    text = aligned.text(aligned.beads[0], "ru")
    second = text.index("Второе")
    whole = [Span(text[second:-1], second, len(text) - 1)]  # without the full stop
    half = [Span(text[second : second + 7], second, second + 7)]
    assert _flags(aligned, (0, 1), "ru", whole) == [False, True]
    assert _flags(aligned, (0, 1), "ru", half) == [False, False]


def _beads(
    name: str, k: int, split: bool, encoder, calibrated: bool = True
) -> list[tuple[list[int], list[int]]]:
    """`align run --presegmented [--no-split-unaligned]` on a generated dev document."""
    from align.alignment import AlignConfig
    from align.bench.alignment import _doc_pair, generated_bench
    from align.divergence.scorer import DivergenceConfig
    from align.pipeline import process_pair

    doc = generated_bench(name).docs[k]
    cfg = AlignConfig(paragraphs=False, split_unaligned=split)
    div_cfg = DivergenceConfig(calibrated=calibrated)
    aligned = process_pair(_doc_pair(doc), encoder, cfg, div_cfg, segment=presegmented_pair)
    return [(list(b.ru_ids), list(b.en_ids)) for b in aligned.beads]


@pytest.mark.skipif(not NTREX.is_dir(), reason="../shared/data/ntrex-enru is not available")
def test_split_frees_absorbed_sentences_and_keeps_real_merges(encoder):
    """Dev documents (dev generators), the real encoder and scorer, `align run --presegmented`:
    a Russian sentence whose translation was dropped (072-bbc) and an English one without a
    Russian counterpart (040-guardian) absorbed into their neighbour's bead are split out; a
    real 2-1 merge that the scorer doubts (028-nytimes, score below SPLIT_SCORE) is kept."""
    cases = (
        ("dev-drops", 18, ([17, 18], [14]), [([17], []), ([18], [14])]),
        ("dev-drops", 10, ([13], [11, 12]), [([], [12]), ([13], [11])]),
    )
    before_first = _beads("dev-drops", 18, False, encoder)
    for name, k, merged, parts in cases:
        before, after = _beads(name, k, False, encoder), _beads(name, k, True, encoder)
        assert merged in before and merged not in after
        assert all(p in after for p in parts)
    # an uncalibrated score is not a probability: nothing is split (ablations, the model fit)
    assert _beads("dev-drops", 18, True, encoder, calibrated=False) == before_first
    real = ([14, 15], [13])
    assert real in _beads("dev-restructured", 7, True, encoder)


@pytest.mark.skipif(not NTREX.is_dir(), reason="../shared/data/ntrex-enru is not available")
def test_split_beads_are_scored_and_jobs_agree(encoder, monkeypatch, tmp_path):
    """Through the pipeline (`align run --presegmented`) the absorbed sentence is a 1-0 bead
    labelled an omission, the rest of its bead is scored again, and a document scored in two
    worker processes gives the same beads and scores as one process; `align align` writes the
    same beads."""
    import align.pipeline
    from align.alignment import AlignConfig
    from align.bench.alignment import _doc_pair, generated_bench
    from align.pipeline import process_long_pair, process_pair

    pair = _doc_pair(generated_bench("dev-drops").docs[18])
    cfg = AlignConfig(paragraphs=False)
    one = process_pair(pair, encoder, cfg, segment=presegmented_pair)
    monkeypatch.setattr(align.pipeline, "MIN_BEADS_TO_SPLIT", 2)
    two = process_long_pair(pair, encoder, cfg, jobs=2, segment=presegmented_pair)

    def rows(a: AlignedPair) -> list:
        return [
            (b.ru_ids, b.en_ids, b.similarity, b.divergence_score, b.omitted_spans, b.added_spans)
            for b in a.beads
        ]

    assert rows(one) == rows(two)
    # an alignment alone (`align eval`, `align align`) scores only the beads the split reads
    # (m-n beads; here the 2-1 bead it splits), and gives the same beads
    lean = process_pair(pair, encoder, cfg, segment=presegmented_pair, score_all=False)
    assert [(b.ru_ids, b.en_ids) for b in lean.beads] == [(b.ru_ids, b.en_ids) for b in one.beads]
    one_one = [b for b in lean.beads if len(b.ru_ids) == len(b.en_ids) == 1]
    assert one_one and all(b.divergence_score == 0 for b in one_one)
    assert all(b.divergence_score > 0 for b in one.beads if len(b.ru_ids) == len(b.en_ids) == 1)
    # `align align --presegmented` writes these beads too (one default for every command)
    from align.cli import main
    from align.io import read_beads
    from tests.conftest import write_pair

    corpus = write_pair(
        tmp_path / "c", "\n".join(pair.ru.paragraphs) + "\n", "\n".join(pair.en.paragraphs) + "\n"
    )
    assert main(["align", str(corpus), "--out", str(tmp_path / "o"), "--presegmented", "-q"]) == 0
    written = read_beads(tmp_path / "o" / "doc.align")
    assert written == [(list(b.ru_ids), list(b.en_ids)) for b in one.beads]
    by_ids = {(b.ru_ids, b.en_ids): b for b in one.beads}
    alone, rest = by_ids[(17,), ()], by_ids[(18,), (14,)]
    assert alone.divergence_label == "omission" and alone.omitted_spans
    assert rest.similarity > 0.5 and rest.divergence_score < alone.divergence_score


@pytest.mark.skipif(not NTREX.is_dir(), reason="../shared/data/ntrex-enru is not available")
def test_an_orphan_takes_its_translation_from_the_next_bead(encoder, monkeypatch):
    """dev-runs 088-nytimes (a dev document): the aligner paired «Те, кто считается не имеющим
    права на помощь, будут быстро депортированы.» with the orphan before its translation
    (cosine 0.26) and put the translation (0.62) into the next bead, which the split peeled off;
    the swap pairs it with its translation and leaves the orphan alone."""
    import align.refine
    from align.bench.alignment import generated_bench

    k = next(
        i for i, d in enumerate(generated_bench("dev-runs").docs) if d.doc_id.startswith("088")
    )
    doc = generated_bench("dev-runs").docs[k]
    assert ([4], [7]) in doc.gold and ([], [6]) in doc.gold
    with_swap = _beads("dev-runs", k, True, encoder)
    assert ([4], [7]) in with_swap and ([], [6]) in with_swap
    monkeypatch.setattr(align.refine, "SWAP_MARGIN", None)
    assert ([4], [6]) in _beads("dev-runs", k, True, encoder)


@pytest.mark.skipif(not NTREX.is_dir(), reason="../shared/data/ntrex-enru is not available")
def test_a_pair_moves_along_a_run_of_orphans(encoder, monkeypatch):
    """dev-runs 072-bbc (a dev document): Russian sentences 13-17 lost their English (a run of
    drops); the aligner paired «Пара стала родителями в июне …» (14) with "His son has the same
    name as his father Robert …", whose translation (18) stands four orphans further on. The
    swap looks along the whole run of orphans next to a 1-1 bead, not only at its neighbour."""
    import align.refine
    from align.bench.alignment import generated_bench

    k = next(
        i for i, d in enumerate(generated_bench("dev-runs").docs) if d.doc_id.startswith("072")
    )
    doc = generated_bench("dev-runs").docs[k]
    assert ([18], [2]) in doc.gold and all(([i], []) in doc.gold for i in range(13, 18))
    beads = _beads("dev-runs", k, True, encoder)
    assert ([18], [2]) in beads and all(([i], []) in beads for i in range(13, 18))
    monkeypatch.setattr(align.refine, "SWAP_MARGIN", None)
    assert ([14], [2]) in _beads("dev-runs", k, True, encoder)
