"""Fit the divergence scorer's thresholds and score weights on the DEV portions only.

    python scripts/fit_divergence.py [--n-pairs 200]

1. Clause thresholds (``clause_sim``, ``clause_gain``, ``clause_word_gain``): grid search on the NTREX clause
   benchmark (dev documents) maximising mean detection F1 + mean span F1 − false-alarm rate.
2. Score weights: an L2-regularised logistic regression over :data:`FEATURES` with
   DEMETR-ru dev (mt = 0, perturbed = 1) and NTREX dev (clean = 0, perturbed = 1) as data.
Prints the values to paste into ``align/divergence.py``.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("HF_DATASETS_OFFLINE", "1")

from align.divfit import fit


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--n-pairs", type=int, default=200, help="NTREX dev pairs (default 200)")
    ap.add_argument("--encoder", default="use-m3")
    args = ap.parse_args()
    from align.encoders import get_encoder

    cfg = fit(get_encoder(args.encoder), n_pairs=args.n_pairs)
    print(f"clause_sim = {cfg.clause_sim}")
    print(f"clause_gain = {cfg.clause_gain}")
    print(f"added_gain = {cfg.added_gain}")
    print(f"clause_word_gain = {cfg.clause_word_gain}")
    print(f"LOG_LEN_RATIO_MEAN = {cfg.len_mean:.4f}")
    print(f"FITTED_WEIGHTS = ({', '.join(f'{w:.3f}' for w in cfg.weights)})")
    print(f"FITTED_BIAS = {cfg.bias:.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
