"""The real ru-en alignment benchmarks from the WMT documents: exact gold, split by document."""

from __future__ import annotations

from collections import Counter

import pytest

from align.bench.alignment import load_bench
from align.bench.data import shared_data
from align.bench.generators import phenomenon
from align.bench.realdoc import load_wmt

pytestmark = pytest.mark.skipif(
    not (shared_data() / "wmt-ruen").is_dir(), reason="shared WMT data not found"
)


def _segments(split: str) -> dict[str, list[tuple[str, str]]]:
    return {d.doc_id: d.segments for d in load_wmt(shared_data(), split)}


def test_every_gold_bead_is_one_translated_segment():
    bench = load_bench("wmt-ruen", "dev")
    segs = _segments("dev")
    for doc in bench.docs:
        pairs = [
            (" ".join(doc.src[i] for i in r), " ".join(doc.tgt[j] for j in e)) for r, e in doc.gold
        ]
        # the splitter only cuts a segment into sentences: joined again they are the segment
        assert [(r.split(), e.split()) for r, e in pairs] == [
            (r.split(), e.split()) for r, e in segs[doc.doc_id]
        ]
    shapes = Counter(phenomenon(g) for d in bench.docs for g in d.gold)
    assert shapes["1-1"] > 0.9 * sum(shapes.values()) and shapes["1-2/2-1"] > 0


def test_drops_delete_english_segments_and_insert_foreign_sentences():
    clean = {d.doc_id: d for d in load_bench("wmt-ruen", "test").docs}
    drops = load_bench("wmt-ruen-drops", "test")
    assert [d.doc_id for d in drops.docs] == list(clean)
    assert drops.docs == load_bench("wmt-ruen-drops", "test").docs  # same draw every time
    deleted = inserted = 0
    for doc in drops.docs:
        assert doc.src == clean[doc.doc_id].src  # the Russian side is untouched
        own = set(clean[doc.doc_id].tgt)
        for r, e in doc.gold:
            if not e:
                deleted += 1
            elif not r:
                inserted += 1
                assert doc.tgt[e[0]] not in own  # from another document
        assert [s for s in doc.tgt if s in own] == [
            s for s in clean[doc.doc_id].tgt if s in set(doc.tgt)
        ]
    assert deleted > 50 and inserted > 30


def test_dev_and_test_are_different_documents():
    dev = {d.doc_id for d in load_bench("wmt-ruen", "dev").docs}
    test = {d.doc_id for d in load_bench("wmt-ruen", "test").docs}
    assert dev and test and not dev & test
