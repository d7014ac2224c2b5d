"""Time `--jobs 1` against `--jobs 2` on NTREX documents and check the results are identical
(docs/reliability.md, reproducibility).

    PYTHONPATH=. python scripts/bench_jobs.py --docs 12
"""

from __future__ import annotations

import argparse
import time

from align.bench.data import ntrex_documents
from align.encoders import get_encoder
from align.model import DocMeta, DocPair, Document
from align.pipeline import process_pairs


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--docs", type=int, default=12)
    args = ap.parse_args()
    pairs = [
        DocPair(doc_id, Document(DocMeta("ru"), tuple(ru)), Document(DocMeta("en"), tuple(en)))
        for doc_id, ru, en in ntrex_documents()[: args.docs]
    ]
    enc = get_encoder()
    process_pairs(pairs[:1], enc, jobs=1, progress=False)  # warm-up: kernels, caches
    results = {}
    for jobs in (1, 2):
        t0 = time.perf_counter()
        aligned = process_pairs(pairs, enc, jobs=jobs, progress=False)
        wall = time.perf_counter() - t0
        results[jobs] = [
            (b.ru_ids, b.en_ids, b.similarity, b.divergence_score) for a in aligned for b in a.beads
        ]
        print(f"--jobs {jobs}: {wall:.1f} s for {len(pairs)} documents")
    print(f"identical: {results[1] == results[2]}")


if __name__ == "__main__":
    main()
