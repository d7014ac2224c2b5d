"""``align eval``: score an aligner against gold beads (a thin layer over :mod:`align.evaluate`)."""

from __future__ import annotations

import argparse
from pathlib import Path

from align.encoders import DEFAULT_ENCODER, machine_description


def cmd_eval(args: argparse.Namespace) -> int:
    from align.encoders import get_encoder
    from align.evaluate import TABLE_HEADER, evaluate, load_bench, table_row, write_predictions
    from align.pipeline import quiet_libraries

    quiet_libraries()
    bench = load_bench(args.bench, args.split)
    encoder = None if args.system == "gale-church" else get_encoder(args.encoder)
    result = evaluate(bench, args.system, encoder)
    if args.out:
        write_predictions(bench, result, args.out)
        print(f"alignments written to {args.out}")
    print(TABLE_HEADER)
    print(table_row(result))
    print(f"({len(bench.docs)} documents; machine: {machine_description()})")
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    """Add ``align eval`` to the CLI's sub-command parsers."""
    from align.evaluate import SYSTEMS

    p = sub.add_parser(
        "eval",
        help="score alignments against gold beads (strict/lax P/R/F1, Vecalign's scorer)",
        description="Align a gold benchmark with a system and print strict and lax precision, "
        "recall and F1 (Vecalign's definitions) and the time taken.",
    )
    p.set_defaults(func=cmd_eval)
    p.add_argument(
        "bench",
        help="'textberg', 'ntrex-enru' (built on first use), or a FOLDER with src/, tgt/ and "
        "gold/ (one file per document, same names; optionally under FOLDER/dev, FOLDER/test)",
    )
    p.add_argument("--split", choices=("dev", "test"), default="test")
    p.add_argument("--system", choices=SYSTEMS, default="default")
    p.add_argument(
        "--encoder", default=DEFAULT_ENCODER, help="sentence encoder (default: use-m3, offline)"
    )
    p.add_argument(
        "--out", type=Path, help="write the predicted beads here, one <doc>.align per document"
    )
