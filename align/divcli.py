"""``align eval-divergence``: the divergence benchmarks from the command line (thin layer)."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from align.encoders import DEFAULT_ENCODER


def cmd_eval_divergence(args: argparse.Namespace) -> int:
    from align.divbench import evaluate, format_results, shared_data
    from align.divergence import DivergenceConfig, ablation_configs
    from align.encoders import get_encoder
    from align.errors import InputError

    data = args.data or shared_data()
    if not data.is_dir():
        raise InputError(data, "shared data folder not found (set ALIGN_SHARED_DATA or --data)")
    if args.bench == "realdoc":
        from align.realdoc import cmd_realdoc

        return cmd_realdoc(args, data)
    encoder = get_encoder(args.encoder)
    base = DivergenceConfig(fast_clauses=args.fast_clauses)
    configs = ablation_configs(base) if args.ablations else {"full": base}
    results = {
        name: evaluate(
            encoder,
            args.split,
            cfg=cfg,
            data=data,
            n_pairs=args.n_pairs,
            demetr_limit=args.demetr_limit,
        )
        for name, cfg in configs.items()
    }
    print(f"divergence benchmarks, {args.split} split, encoder {encoder.model_name}")
    print(format_results(results))
    if args.json:
        tmp = args.json.with_suffix(args.json.suffix + ".tmp")
        tmp.write_text(json.dumps(results, indent=2), encoding="utf-8")
        tmp.replace(args.json)
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    """Add ``eval-divergence`` to the ``align`` CLI."""
    help_ = (
        "evaluate the divergence scorer: DEMETR-ru ranking accuracy and the NTREX clause "
        "benchmark (dev: DEMETR ids divisible by 5, first 40%% of NTREX documents)"
    )
    p = sub.add_parser("eval-divergence", help=help_, description=help_)
    p.set_defaults(func=cmd_eval_divergence)
    p.add_argument("--split", choices=("dev", "test"), default="dev")
    p.add_argument(
        "--bench",
        choices=("standard", "realdoc"),
        default="standard",
        help="standard: DEMETR-ru + NTREX clause benchmark; realdoc: whole WMT/NTREX documents "
        "with deleted/inserted sentences, clauses and words, run through the whole pipeline",
    )
    p.add_argument(
        "--limit", type=int, default=None, help="realdoc: the first N documents per source"
    )
    p.add_argument("--jobs", type=int, default=None, help="realdoc: worker processes")
    p.add_argument(
        "--fast-clauses",
        action="store_true",
        help="USE only: build clause runs from per-clause token features (faster)",
    )
    p.add_argument("--ablations", action="store_true", help="also run with each signal off")
    p.add_argument("--n-pairs", type=int, default=300, help="NTREX pairs sampled (default 300)")
    p.add_argument(
        "--demetr-limit", type=int, default=None, help="only the first N items per DEMETR set"
    )
    p.add_argument("--data", type=Path, default=None, help="shared data folder")
    p.add_argument("--json", type=Path, default=None, help="also write the results as JSON")
    p.add_argument("--encoder", default=DEFAULT_ENCODER, help="sentence encoder (default use-m3)")
