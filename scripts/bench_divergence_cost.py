"""Cost of the divergence scorer per bead (cold cache: every clause text encoded).

    python scripts/bench_divergence_cost.py [--n 300] [--runs 3]

Scores the first N NTREX sentence pairs (one bead each) with a fresh encoder, in documents of
16 beads (as ``score_pair`` would), with each costly signal switched off in turn. Each
configuration runs ``--runs`` times (a fresh encoder each time) and the median is reported:
single runs on this 2-core VM vary by up to 25%.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("HF_HUB_OFFLINE", "1")

from align.bench.data import shared_data
from align.divergence.scorer import DivergenceConfig, score_texts
from align.encoders import USEEncoder


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--n", type=int, default=300)
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args()
    folder = shared_data() / "ntrex-enru"
    ru = (folder / "newstest2019-ref.rus.txt").read_text(encoding="utf-8").splitlines()[: args.n]
    en = (folder / "newstest2019-src.eng.txt").read_text(encoding="utf-8").splitlines()[: args.n]
    pairs = list(zip(ru, en, strict=True))
    for name, cfg in (
        ("full", DivergenceConfig()),
        ("no word coverage", replace(DivergenceConfig(), use_coverage=False)),
        ("no word gains", replace(DivergenceConfig(), use_words=False)),
        ("fast_clauses", replace(DivergenceConfig(), fast_clauses=True)),
    ):
        times = []
        for _ in range(args.runs):
            enc = USEEncoder()
            enc.embed([r for r, _ in pairs] + [e for _, e in pairs])  # the aligner embedded these
            t0 = time.perf_counter()
            for i in range(0, len(pairs), 16):
                score_texts(pairs[i : i + 16], enc, cfg)
            times.append(time.perf_counter() - t0)
        secs = statistics.median(times)
        spread = ", ".join(f"{1000 * t / len(pairs):.1f}" for t in times)
        print(
            f"{name}: {1000 * secs / len(pairs):.1f} ms per bead, median of {args.runs} "
            f"({len(pairs)} beads; runs {spread})"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
