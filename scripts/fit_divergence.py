"""Fit the divergence scorer's thresholds and score weights on the DEV portions only.

    python scripts/fit_divergence.py [--n-pairs 200]

1. The coverage sigmoid (``cov_center``, ``cov_width``) and the function-word weight
   (``cov_function_weight``): by the dev ranking accuracy of a
   weight fit.
2. Clause thresholds (``clause_gain``, ``added_gain``, ``clause_uncovered``): grid search on the
   NTREX clause benchmark (dev documents) maximising mean detection F1 + mean span F1 − 2 x
   false-alarm rate.
3. Score weights: non-negative logistic weights with a pairwise ranking loss (DEMETR-ru dev,
   word-level perturbations of NTREX dev sentences, NTREX dev clause items against their clean
   copies) plus a pointwise loss on the NTREX dev clause benchmark; Platt-calibrated.
Prints the thresholds (defaults of ``DivergenceConfig``) and writes the ``bead`` part of
``align/divergence/fitted.json``.

    python scripts/fit_divergence.py --model --n-pairs 300 [--limit N] [--seeds 20261202 1 2]

fits the other parts of ``align/divergence/fitted.json`` (dev data only;
:mod:`align.bench.fit_model`) and writes it: the clause, sentence-unit and word models with
their thresholds (the 2% false-alarm budget), the ranking weights and the calibrated score
with its label threshold. The real-document benchmark's dev corpus is built on first use
(under ``benchmarks/``, ``$ALIGN_BENCH_DIR``), once per seed (``--seeds``: several builds of
the same dev documents with different perturbations; default ``FIT_SEEDS``, the default seed).
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("HF_DATASETS_OFFLINE", "1")

from align.bench.fit_divergence import fit


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--n-pairs", type=int, default=200, help="NTREX dev pairs (default 200)")
    ap.add_argument("--encoder", default="use-m3")
    ap.add_argument("--model", action="store_true", help="fit and write the model file")
    ap.add_argument("--limit", type=int, default=None, help="--model: first N dev docs/source")
    ap.add_argument(
        "--seeds", type=int, nargs="+", default=None, help="--model: dev builds (default FIT_SEEDS)"
    )
    ap.add_argument(
        "--stash", type=Path, default=None, help="--model: keep the pipeline runs here (iterating)"
    )
    args = ap.parse_args()
    from align.encoders import get_encoder

    if args.model:
        from align.bench.data import shared_data
        from align.bench.fit_model import FIT_SEEDS, fit_calibrated

        path = fit_calibrated(
            get_encoder(args.encoder),
            shared_data(),
            limit=args.limit,
            n_pairs=args.n_pairs,
            stash=args.stash,
            seeds=args.seeds or FIT_SEEDS,
        )
        print(f"wrote {path}")
        return 0

    cfg = fit(get_encoder(args.encoder), n_pairs=args.n_pairs)
    print(f"clause_sim = {cfg.clause_sim}")
    print(f"clause_gain = {cfg.clause_gain}")
    print(f"added_gain = {cfg.added_gain}")
    print(f"clause_uncovered = {cfg.clause_uncovered}")
    print(f"cov_center = {cfg.cov_center}")
    print(f"cov_width = {cfg.cov_width}")
    print(f"cov_function_weight = {cfg.cov_function_weight}")
    from align.divergence.fitted import MODEL_PATH, write_bead_part
    from align.divergence.scorer import FEATURES

    write_bead_part(
        dict(zip(FEATURES, cfg.weights, strict=True)),
        cfg.bias,
        round(cfg.len_mean, 4),
        "DEMETR-ru dev ids (divisible by 5), the NTREX clause benchmark and word-level ranking "
        f"pairs from the first 40% of NTREX documents, {args.n_pairs} pairs",
    )
    print(f"wrote the bead part of {MODEL_PATH}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
