"""Parallel documents: worker processes give the same result as one process, and stage times."""

from __future__ import annotations

from itertools import groupby

import pytest

from align.model import DocMeta, DocPair, Document
from align.pipeline import StageTimes, default_jobs, process_pairs
from tests.conftest import NTREX


def _ntrex_pairs(n_docs: int) -> list[DocPair]:
    ids = (NTREX / "DOCUMENT_IDS.tsv").read_text(encoding="utf-8").splitlines()
    en = (NTREX / "newstest2019-src.eng.txt").read_text(encoding="utf-8").splitlines()
    ru = (NTREX / "newstest2019-ref.rus.txt").read_text(encoding="utf-8").splitlines()
    rows = list(zip(ids, ru, en, strict=True))
    pairs = []
    for doc_id, group in groupby(rows, key=lambda r: r[0]):
        g = list(group)
        # drop one English sentence so the documents are not trivially 1-1
        pairs.append(
            DocPair(
                doc_id,
                Document(DocMeta("ru"), tuple(r for _, r, _ in g)),
                Document(DocMeta("en"), tuple(e for i, (_, _, e) in enumerate(g) if i != 2)),
            )
        )
        if len(pairs) == n_docs:
            break
    return pairs


def _summary(aligned):
    return [
        (
            a.doc_id,
            [
                (
                    b.ru_ids,
                    b.en_ids,
                    round(b.similarity, 5),
                    b.divergence_label,
                    [(s.start, s.end) for s in b.omitted_spans],
                    [(s.start, s.end) for s in b.added_spans],
                )
                for b in a.beads
            ],
        )
        for a in aligned
    ]


def test_workers_give_the_same_result(encoder, ntrex_lines):
    pairs = _ntrex_pairs(4)
    t1, t2 = StageTimes(), StageTimes()
    one = process_pairs(pairs, encoder, jobs=1, progress=False, times=t1)
    two = process_pairs(pairs, encoder, jobs=2, progress=False, times=t2)
    assert [a.doc_id for a in two] == [p.doc_id for p in pairs]  # input order kept
    assert _summary(one) == _summary(two)
    # the dropped English sentence shows up as a Russian-only bead in every document
    assert all(
        any(b.alignment_type == "1-0" or len(b.ru_ids) > len(b.en_ids) for b in a.beads)
        for a in one
    )
    for t in (t1, t2):
        assert t.embed > 0 and t.align > 0 and t.segment > 0


def test_one_document_scored_in_parallel_gives_the_same_result(encoder, ntrex_lines, monkeypatch):
    import align.pipeline

    monkeypatch.setattr(align.pipeline, "MIN_BEADS_TO_SPLIT", 2)
    pairs = _ntrex_pairs(1)
    t = StageTimes()
    one = process_pairs(pairs, encoder, jobs=1, progress=False)
    two = process_pairs(pairs, encoder, jobs=2, progress=False, times=t)  # 1 doc < 2 jobs
    assert _summary(one) == _summary(two)
    assert t.embed > 0 and t.score > 0


def test_default_jobs():
    assert default_jobs(0) == 1
    assert 1 <= default_jobs(1) == default_jobs(100)


def test_progress_moves_inside_a_document(encoder, monkeypatch):
    """The bar counts characters: a long document moves it after its alignment and after each
    batch of scored beads, not only when it is finished (it used to sit at 0/1)."""
    import io

    from tqdm import tqdm

    import align.divergence.scorer as scorer
    import align.pipeline as pipeline
    from align.ingest import read_corpus
    from tests.conftest import SEED

    seen: list[float] = []

    class Recorder(tqdm):
        def update(self, n=1):
            super().update(n)
            seen.append(self.n)

    def bar(iterable=None, *, show=True, **kwargs):
        return Recorder(iterable, file=io.StringIO(), **kwargs)

    monkeypatch.setattr(pipeline, "progress_bar", bar)
    monkeypatch.setattr(scorer, "SCORE_BATCH", 5)  # the seed's 13 beads in 3 batches
    (pair,) = read_corpus(SEED).pairs
    size = pipeline.doc_size(pair)
    process_pairs([pair], encoder, jobs=1)
    assert seen[0] == pytest.approx(pipeline.ALIGN_SHARE * size)  # aligned, not yet scored
    assert len(seen) == 1 + 3 + 1  # alignment, three scoring batches, the document done
    assert seen == sorted(seen) and seen[-1] == pytest.approx(size)
    assert seen[-2] == pytest.approx(size)  # the batches add up to the whole document
