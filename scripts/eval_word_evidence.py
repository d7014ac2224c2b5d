"""How well does the offline lexical evidence find single-word divergences? (dev split only)

    python scripts/eval_word_evidence.py [--limit N] [--folds 5] [--lexicon-folds 2]

Runs the real-document benchmark's dev corpus through the whole pipeline, then, for every
content word of the beads without sentence- or clause-level perturbations, measures how well a
logistic model (cross-validated by document) separates the words of the word-level perturbations
from the rest, with three sets of evidence: the USE word embeddings with transliteration, parts
of speech and context alone; plus the shipped IBM-1 lexicon (trained on these very documents);
plus held-out lexicons (each document's features from a table trained without it, as on unseen
text). Prints the recall at precision 0.8 / 0.5 / 0.3 per side (see align/bench/word_evidence.py).
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("HF_DATASETS_OFFLINE", "1")

from align.bench.data import shared_data
from align.bench.divergence import auc
from align.bench.lexicon_train import document_fold, held_out_lexicons
from align.bench.realdoc import bench_folder, load_gold, run_realdoc
from align.bench.word_evidence import (
    LEX_FEATURES,
    RULES,
    USE_FEATURES,
    cross_validated,
    recall_at_precision,
    rule_counts,
    surplus_counts,
    word_table,
)
from align.divergence.lexical import Lexicon
from align.divergence.scorer import DivergenceConfig
from align.encoders import get_encoder

PRECISIONS = (0.8, 0.5, 0.3)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--limit", type=int, default=None, help="first N dev documents per source")
    ap.add_argument("--folds", type=int, default=5, help="cross-validation folds (by document)")
    ap.add_argument("--lexicon-folds", type=int, default=2, help="held-out lexicon folds")
    ap.add_argument("--data", type=Path, default=None, help="shared data folder")
    args = ap.parse_args()
    data = args.data or shared_data()
    enc = get_encoder()
    t0 = time.time()
    _, aligned = run_realdoc(enc, "dev", data, DivergenceConfig(), limit=args.limit)
    gold = load_gold(bench_folder("dev", args.limit))
    print(f"pipeline on {len(aligned)} dev documents: {time.time() - t0:.0f} s", flush=True)
    shipped = Lexicon.load()
    held = held_out_lexicons(data, args.lexicon_folds)
    print(f"held-out lexicons: {time.time() - t0:.0f} s", flush=True)
    tables = {
        "USE + names + POS + context": (word_table(aligned, gold, enc), USE_FEATURES),
        "+ shipped lexicon (saw these documents)": (
            word_table(aligned, gold, enc, lambda doc: shipped),
            USE_FEATURES + LEX_FEATURES,
        ),
        "+ held-out lexicon (as on unseen text)": (
            word_table(
                aligned, gold, enc, lambda doc: held[document_fold(doc, args.lexicon_folds)]
            ),
            USE_FEATURES + LEX_FEATURES,
        ),
    }
    head = " ".join(f"R@P{p:.1f}" for p in PRECISIONS)
    print(f"\n{'evidence':42s} side  words perturbed  {head}")
    for name, (table, feats) in tables.items():
        for lang in ("ru", "en"):
            p, y = cross_validated(table, feats, lang, args.folds)
            rec = " ".join(f"{recall_at_precision(p, y, q):6.2f}" for q in PRECISIONS)
            print(f"{name:42s} {lang:4s} {len(y):6d} {int(y.sum()):9d}  {rec}")
    use_table = tables["USE + names + POS + context"][0]
    for lang in ("ru", "en"):
        keep = use_table.lang == lang
        best, y = use_table.features["best"][keep], use_table.label[keep]
        print(
            f"AUC of the best embedding match alone ({lang}): {auc(-best[y == 0], -best[y == 1]):.3f}"
        )
    print(f"\n{'typed rule':42s} flagged  perturbed  precision  recall")
    for name in RULES:
        n, hit, total = rule_counts(use_table, name)
        print(f"{name:42s} {n:7d} {hit:10d} {hit / max(n, 1):10.2f} {hit / max(total, 1):7.2f}")
    n, hit, total = surplus_counts(aligned, gold, enc)
    print(
        f"{'surplus mention (ru, the seed case)':42s} {n:7d} {hit:10d} {hit / max(n, 1):10.2f} {hit / max(total, 1):7.2f}"
    )
    print(f"\n({time.time() - t0:.0f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
