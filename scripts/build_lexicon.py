"""Build the shipped lexical table ``align/lexicon_ruen.tsv.gz`` (deterministic).

Training data (read from ``$ALIGN_SHARED_DATA`` or ``../shared/data``; never a test document):
WMT en-ru sentence files (2021, 2023), the dev documents of WMT ru-en (``i % 5 in {0, 1}``),
the dev documents of NTREX (first 40%) and DEMETR-ru dev rows (ids divisible by 5). See
:mod:`align.bench.lexicon_train`.

    python scripts/build_lexicon.py              # lexicon + pair model with embedding similarity
    python scripts/build_lexicon.py --no-encoder # lexicon-only pair model
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from align.bench.data import shared_data
from align.bench.lexicon_train import build_from_pairs, training_pairs
from align.divergence.lexical import TABLE_PATH, content_tokens, write_table


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--data", type=Path, default=None, help="shared data folder")
    ap.add_argument("--out", type=Path, default=TABLE_PATH)
    ap.add_argument("--no-encoder", action="store_true", help="no embedding-similarity features")
    ap.add_argument("--cache", type=Path, default=None, help="keep IBM-1 tables here (dev aid)")
    args = ap.parse_args()
    data = args.data or shared_data()
    t0 = time.time()
    vecs = None
    if not args.no_encoder:
        from align.encoders import get_encoder

        enc = get_encoder()
        pairs = [p for v in training_pairs(data).values() for p in v]
        vocab = sorted(
            {w for r, e in pairs for t, lg in ((r, "ru"), (e, "en")) for w in content_tokens(t, lg)}
        )
        vecs = dict(zip(vocab, enc.embed(vocab), strict=True))
        print(f"embedded {len(vocab)} words in {time.time() - t0:.0f} s", flush=True)
    lex = build_from_pairs(training_pairs(data), vecs, cache=args.cache)
    write_table(args.out, lex)
    print(f"wrote {args.out} ({args.out.stat().st_size / 1e6:.2f} MB) in {time.time() - t0:.0f} s")
    for key, mdl in sorted(lex.models.items()):
        ws = ", ".join(f"{n} {w:+.2f}" for n, w in zip(mdl.names, mdl.weights, strict=True))
        print(f"{key}: {ws}, bias {mdl.bias:+.2f}")


if __name__ == "__main__":
    main()
