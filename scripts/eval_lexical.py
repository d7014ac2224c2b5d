"""Word/phrase-level benchmarks of align.lexical: DEMETR-ru and NTREX perturbations.

python scripts/eval_lexical.py --split dev [--no-encoder] [--threshold 0.5] [--json FILE]
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

from align.bench.data import shared_data
from align.bench.lexical import build_word_items, default_matcher, demetr_metrics, word_metrics
from align.divergence.lexical import UNCOVERED, Lexicon


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--split", choices=("dev", "test"), default="dev")
    ap.add_argument("--data", type=Path, default=None)
    ap.add_argument("--table", type=Path, default=None, help="lexicon table (default: shipped)")
    ap.add_argument("--no-encoder", action="store_true")
    ap.add_argument("--threshold", type=float, nargs="+", default=[UNCOVERED])
    ap.add_argument("--per-kind", type=int, default=100)
    ap.add_argument("--json", type=Path, default=None)
    args = ap.parse_args()
    data = args.data or shared_data()
    lex = Lexicon.load(args.table)
    enc = None
    if not args.no_encoder:
        from align.encoders import get_encoder

        enc = get_encoder()
    match = default_matcher(lex, enc)
    items = build_word_items(data / "ntrex-enru", args.split, args.per_kind)
    res: dict[str, object] = {}
    for th in args.threshold:
        t0 = time.time()
        d = demetr_metrics(data / "demetr-ru", args.split, match, th)
        w = word_metrics(items, match, th)
        res[str(th)] = {"demetr": d, "ntrex_words": w}
        print(f"== split {args.split}, threshold {th} ({time.time() - t0:.0f} s)")
        for name, row in d.items():
            print(f"DEMETR {name:13s} " + " ".join(f"{k}={v:.3f}" for k, v in row.items()))
        for name, row in w.items():
            print(f"NTREX  {name:19s} " + " ".join(f"{k}={v:.3f}" for k, v in row.items()))
    if args.json:
        args.json.write_text(json.dumps(res, indent=1))


if __name__ == "__main__":
    main()
