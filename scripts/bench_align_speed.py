"""Alignment time per system with the embeddings cached (so only the aligner is timed).

    python scripts/bench_align_speed.py [--benches ntrex-enru:test,textberg:test] [--runs 2]

Encodes each benchmark once (and compiles the numba kernels), then aligns every document with
each system ``--runs`` times in turn and prints the seconds of each run.
"""

from __future__ import annotations

import argparse
import sys
import time

from align.alignment import AlignConfig, bertalign_beads
from align.bench.alignment import load_bench
from align.encoders import get_encoder
from align.pipeline import quiet_libraries

CONFIGS = {"bertalign": AlignConfig.bertalign(), "cost": AlignConfig.cost()}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--benches", default="ntrex-enru:test,textberg:test")
    ap.add_argument("--runs", type=int, default=2)
    ap.add_argument("--encoder", default="use-m3")
    args = ap.parse_args()
    quiet_libraries()
    enc = get_encoder(args.encoder)
    for item in args.benches.split(","):
        name, _, split = item.partition(":")
        bench = load_bench(name, split or "test")
        for cfg in CONFIGS.values():  # encode and compile outside the timed runs
            for d in bench.docs:
                bertalign_beads(d.src, d.tgt, enc, cfg)
        for run in range(args.runs):
            for system, cfg in CONFIGS.items():
                t0 = time.perf_counter()
                for d in bench.docs:
                    bertalign_beads(d.src, d.tgt, enc, cfg)
                print(
                    f"{item} {system} run {run + 1}: {time.perf_counter() - t0:.2f} s", flush=True
                )
    return 0


if __name__ == "__main__":
    sys.exit(main())
