"""Benchmark commands (thin layers over :mod:`align.bench`).

align eval BENCH [--split S] [--system X] [--out DIR]   alignment against gold beads
align eval-divergence [--split S] [--ablations] [--out FILE.json]   the divergence benchmarks
align eval-divergence --bench realdoc [--split S] [--limit N] [--seed N]   the real-document benchmark
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from align.bench import SYSTEMS
from align.bench.generators import GENERATORS
from align.cli.args import Adder, encoder_arg, info, is_stdout, out_path, out_stream
from align.encoders import machine_description


def cmd_eval(args: argparse.Namespace) -> int:
    from align.bench.alignment import (
        TABLE_HEADER,
        evaluate_alignment,
        load_bench,
        table_row,
        write_predictions,
    )
    from align.encoders import get_encoder
    from align.pipeline import quiet_libraries

    quiet_libraries()
    bench = load_bench(args.bench, args.split)
    encoder = None if args.system == "gale-church" else get_encoder(args.encoder)
    result = evaluate_alignment(bench, args.system, encoder, progress=not args.quiet)
    if args.out:
        write_predictions(bench, result, args.out)
        info(args, f"alignments written to {args.out}")
    print(TABLE_HEADER)
    print(table_row(result))
    print(f"({len(bench.docs)} documents; machine: {machine_description()})")
    return 0


def cmd_eval_divergence(args: argparse.Namespace) -> int:
    from align.bench.data import shared_data
    from align.bench.divergence import evaluate_divergence, format_results
    from align.divergence.scorer import DivergenceConfig, ablation_configs
    from align.encoders import get_encoder
    from align.errors import InputError

    data = args.data or shared_data()
    if not data.is_dir():
        raise InputError(data, "shared data folder not found (set ALIGN_SHARED_DATA or --data)")
    if args.bench == "realdoc":
        from align.bench.realdoc import cmd_realdoc

        return cmd_realdoc(args, data)
    encoder = get_encoder(args.encoder)
    base = DivergenceConfig(fast_clauses=args.fast_clauses)
    configs = ablation_configs(base) if args.ablations else {"full": base}
    results = {
        name: evaluate_divergence(
            encoder,
            args.split,
            cfg=cfg,
            data=data,
            n_pairs=args.n_pairs,
            demetr_limit=args.demetr_limit,
            progress=not args.quiet,
        )
        for name, cfg in configs.items()
    }
    table = sys.stderr if is_stdout(args.out) else sys.stdout  # stdout then carries the JSON
    print(f"divergence benchmarks, {args.split} split, encoder {encoder.model_name}", file=table)
    print(format_results(results), file=table)
    if is_stdout(args.out):
        sys.stdout.write(json.dumps(results, indent=2) + "\n")
    elif args.out:
        from align.io import atomic_files

        with atomic_files(args.out) as (tmp,):
            tmp.write_text(json.dumps(results, indent=2), encoding="utf-8")
    return 0


def register(add: Adder) -> None:
    """Add ``eval`` and ``eval-divergence`` to the ``align`` parser."""
    p = add(
        "eval",
        cmd_eval,
        "score alignments against gold beads (strict/lax P/R/F1, Vecalign's scorer)",
    )
    p.add_argument(
        "bench",
        help="'textberg', 'ntrex-enru' (built on first use), a generated NTREX-derived benchmark ("
        + ", ".join(GENERATORS)
        + "; made in memory, its split fixed by its name), 'wmt-ruen' / 'wmt-ruen-drops' (real "
        "Russian-English WMT documents, one gold bead per translated segment; the second with "
        "deleted and inserted sentences), or a FOLDER with src/, tgt/ and "
        "gold/ (one file per document, same names; optionally under FOLDER/dev, FOLDER/test)",
    )
    p.add_argument("--split", choices=("dev", "test"), default="test")
    p.add_argument(
        "--system",
        choices=SYSTEMS,
        default="default",
        help="'default': what `align run --presegmented` ships (the drop-aware aligner, then "
        "the divergence scorer's split of unaligned sentences out of m-n beads); 'cost': the "
        "aligner alone (--no-split-unaligned); 'bertalign': bertalign's own second pass and "
        "defaults, same encoder; 'gale-church': NLTK's length-based aligner (default: default)",
    )
    encoder_arg(p)
    p.add_argument(
        "--out",
        type=out_path,
        help="write the predicted beads here, one <doc>.align per document",
    )

    help_ = (
        "evaluate the divergence scorer: DEMETR-ru ranking accuracy and the NTREX clause "
        "benchmark (dev: DEMETR ids divisible by 5, first 40%% of NTREX documents)"
    )
    p = add("eval-divergence", cmd_eval_divergence, help_)
    p.add_argument("--split", choices=("dev", "test"), default="dev")
    p.add_argument(
        "--bench",
        choices=("standard", "realdoc"),
        default="standard",
        help="standard: DEMETR-ru + NTREX clause benchmark; realdoc: whole WMT/NTREX documents "
        "with deleted/inserted sentences, clauses and words, through the whole pipeline",
    )
    p.add_argument(
        "--limit", type=int, default=None, help="realdoc: the first N documents per source"
    )
    p.add_argument("--jobs", type=int, default=None, help="realdoc: worker processes")
    p.add_argument(
        "--seed",
        type=int,
        default=None,
        help="realdoc: the perturbations' seed (default: the one the models were fitted on); "
        "another seed builds the same documents with other perturbations",
    )
    p.add_argument(
        "--fast-clauses",
        action="store_true",
        help="USE only: build clause runs from per-clause token features (faster)",
    )
    p.add_argument("--ablations", action="store_true", help="also run with each signal off")
    p.add_argument("--n-pairs", type=int, default=300, help="NTREX pairs sampled")
    p.add_argument(
        "--demetr-limit", type=int, default=None, help="only the first N items per DEMETR set"
    )
    p.add_argument("--data", type=Path, default=None, help="shared data folder")
    p.add_argument(
        "--out",
        "--json",
        type=out_stream,
        default=None,
        help="also write the results as JSON (- for stdout; the table then goes to stderr)",
    )
    encoder_arg(p)
