"""Build the NTREX-derived Russian–English alignment benchmark (deterministic).

    python scripts/make_ntrex_bench.py [--ntrex DIR] [--out DIR] [--seed N]

Defaults: NTREX from ``$ALIGN_SHARED_DATA/ntrex-enru`` (``<repo>/../shared/data``), output to
``$ALIGN_BENCH_DIR/ntrex-enru`` (``<repo>/benchmarks/ntrex-enru``, git-ignored). Rates, seed and
the dev/test split are documented in :mod:`align.bench.ntrex`. ``align eval ntrex-enru`` builds
the same folder on first use.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from align.bench.alignment import ntrex_bench_path
from align.bench.data import shared_data
from align.bench.ntrex import SEED, derive_bench, write_bench
from align.errors import AlignError


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--ntrex", type=Path, default=shared_data() / "ntrex-enru")
    ap.add_argument("--out", type=Path, default=ntrex_bench_path())
    ap.add_argument("--seed", type=int, default=SEED)
    args = ap.parse_args()
    try:
        write_bench(args.ntrex, args.out, args.seed)
        splits = derive_bench(args.ntrex, args.seed)
    except AlignError as err:
        print(f"align: error: {err}", file=sys.stderr)
        return 2
    for split, docs in splits.items():
        types: dict[str, int] = {}
        for d in docs:
            for s, t in d.gold:
                types[f"{len(s)}-{len(t)}"] = types.get(f"{len(s)}-{len(t)}", 0) + 1
        print(f"{split}: {len(docs)} documents, beads {dict(sorted(types.items()))}")
    print(f"written to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
