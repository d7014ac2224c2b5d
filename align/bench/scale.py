"""Synthetic corpora for the scale benchmark and tests: NTREX en-ru documents as JSON Lines rows.

NTREX has 123 documents (1,997 line-aligned sentences). ``ntrex_rows(n)`` cycles through them:
copy ``r`` of the collection (r > 0) takes the documents in a shuffled order and shuffles the
sentence order inside each document (the same permutation on both sides, so the pair stays a
translation); one English sentence (the third) is dropped so documents are not trivially 1-1.
"""

from __future__ import annotations

import json
import random
from collections.abc import Iterator
from pathlib import Path

from align.bench.data import ntrex_documents


def ntrex_rows(
    n_docs: int, *, max_sentences: int | None = None, seed: int = 14, folder: Path | None = None
) -> Iterator[dict[str, str]]:
    """``n_docs`` JSON Lines rows (``doc_id``, ``ru``, ``en``, ``ru_source``, ``en_source``)."""
    docs = ntrex_documents(folder)
    rng = random.Random(seed)
    made, copy = 0, 0
    while made < n_docs:
        order = list(range(len(docs)))
        if copy:
            rng.shuffle(order)
        for i in order:
            doc_id, ru, en = docs[i]
            idx = list(range(len(ru)))
            if copy:
                rng.shuffle(idx)
            if max_sentences:
                idx = idx[:max_sentences]
            en_idx = [j for k, j in enumerate(idx) if k != 2] if len(idx) > 3 else idx
            yield {
                "doc_id": f"{doc_id}-{copy}",
                "ru": "\n".join(ru[j] for j in idx),
                "en": "\n".join(en[j] for j in en_idx),
                "ru_source": "NTREX-128 (Russian reference)",
                "en_source": "WMT19 newstest (English source)",
            }
            made += 1
            if made == n_docs:
                return
        copy += 1


def write_jsonl(rows: Iterator[dict[str, str]], path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8") as f:
        for row in rows:
            f.write(json.dumps(row, ensure_ascii=False) + "\n")
    return path
