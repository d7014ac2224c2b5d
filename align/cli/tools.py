"""CLI commands for what a researcher does with an exported dataset folder ``DATASET``.

align report DATASET [--out FILE|-]        one self-contained HTML file: documents side by side
align export-tmx DATASET --out FILE.tmx|-  TMX 1.4 with divergence as properties
align export-text DATASET --out PREFIX     line-aligned PREFIX.ru / PREFIX.en (+ PREFIX.ids)
align mt-eval DATASET --hyp FILE|- [--out J|-]  sacrebleu BLEU/chrF/TER, per divergence label
align push DATASET --repo-id NAME          publish the folder as a Hugging Face dataset repository

Each command is a thin layer over a module of :mod:`align.tools`, which reads the folder through
:mod:`align.export.read` only.
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING

from align.cli.args import (
    DATASET_EPILOG,
    Adder,
    Command,
    bead_filters,
    info,
    is_stdout,
    out_path,
    out_stream,
)
from align.errors import InputError

if TYPE_CHECKING:
    from align.export.read import Exported


def _n(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"


def cmd_push(args: argparse.Namespace) -> int:
    from align.tools.hub import push_dataset, repo_url

    files = push_dataset(
        args.dataset, args.repo_id, private=args.private, token=args.token, dry_run=args.dry_run
    )
    verb = "would upload" if args.dry_run else "uploaded"
    vis = "private" if args.private else "public"
    info(args, f"{verb} {len(files)} files to {repo_url(args.repo_id)} ({vis}):")
    for f in files:
        info(args, f"  {f.path}  ({f.size:,} bytes)")
    return 0


def _filters(args: argparse.Namespace) -> dict:
    return {"max_divergence": args.max_divergence, "types": args.types, "labels": args.labels}


def _nothing_to_write(data: Exported, args: argparse.Namespace) -> None:
    """Refuse an export the filters leave empty, saying what each filter keeps on its own."""
    filters = _filters(args)
    if next(data.pairs(**filters), None) is not None:
        return
    n = sum(1 for _ in data.pairs())
    kept = [
        f"{flag} {shown} keeps {sum(1 for _ in data.pairs(**{key: value}))}"
        for key, value, flag, shown in (
            ("max_divergence", args.max_divergence, "--max-divergence", args.max_divergence),
            ("types", args.types, "--types", ",".join(sorted(args.types or ()))),
            ("labels", args.labels, "--labels", ",".join(sorted(args.labels or ()))),
        )
        if value is not None
    ]
    why = f" ({'; '.join(kept)})" if kept else ""
    raise InputError(
        args.dataset,
        f"no bead passes the filters: 0 of {n} beads with text on both sides{why}; nothing written",
    )


def cmd_report(args: argparse.Namespace) -> int:
    from align.export.read import load_exported
    from align.io import check_output_file
    from align.tools.report import render_report, write_report

    out = (
        None
        if is_stdout(args.out)
        else check_output_file(args.out or Path(args.dataset) / "report.html")
    )
    data = load_exported(args.dataset)
    if is_stdout(args.out):
        sys.stdout.write(render_report(data, progress=not args.quiet))
        return 0
    path = write_report(data, out, progress=not args.quiet)
    info(args, f"report written to {path} (open it in a browser; no server or internet needed)")
    return 0


def cmd_export_tmx(args: argparse.Namespace) -> int:
    from align.export.read import load_exported
    from align.io import check_output_file
    from align.tools.tmx import build_tmx, write_tmx

    if not is_stdout(args.out):
        check_output_file(args.out)
    data = load_exported(args.dataset)
    _nothing_to_write(data, args)
    if is_stdout(args.out):
        text, n = build_tmx(data, **_filters(args), progress=not args.quiet)
        sys.stdout.write(text)
    else:
        n = write_tmx(data, args.out, **_filters(args), progress=not args.quiet)
    where = "stdout" if is_stdout(args.out) else args.out
    info(args, f"{_n(n, 'translation unit')} written to {where}")
    return 0


def cmd_export_text(args: argparse.Namespace) -> int:
    from align.export.read import load_exported
    from align.io import check_output_file
    from align.tools.text import write_text

    for ext in ("ru", "en", "ids"):
        check_output_file(f"{args.out}.{ext}")
    data = load_exported(args.dataset)
    _nothing_to_write(data, args)
    res = write_text(data, args.out, **_filters(args), progress=not args.quiet)
    info(
        args,
        f"{res.lines} line pairs written to {', '.join(str(p) for p in res.paths)} "
        f"({res.skipped} bead{'s' if res.skipped != 1 else ''} left out: an empty side or filtered)",
    )
    return 0


def cmd_mt_eval(args: argparse.Namespace) -> int:
    from align.export.read import load_exported
    from align.io import atomic_files, check_output_file
    from align.tools.mt_eval import format_result, read_hypotheses, score_mt

    if args.out and not is_stdout(args.out):
        check_output_file(args.out)
    data = load_exported(args.dataset)
    hyps = read_hypotheses(args.hyp, sum(1 for _ in data.pairs()))
    result = score_mt(data, hyps)
    payload = json.dumps(asdict(result), indent=2) + "\n"
    if is_stdout(args.out):  # the JSON is the data on stdout; the table goes to stderr
        sys.stdout.write(payload)
        if not args.quiet:
            print(format_result(result), file=sys.stderr)
        return 0
    print(format_result(result))
    if args.out:
        with atomic_files(args.out) as (tmp,):
            tmp.write_text(payload, encoding="utf-8")
    return 0


def register(add_command: Adder) -> None:
    """Add the commands that work from an exported dataset folder to the ``align`` parser."""

    def add(name: str, func: Command, help_: str) -> argparse.ArgumentParser:
        p = add_command(name, func, help_, DATASET_EPILOG)
        p.add_argument("dataset", type=Path, metavar="DATASET", help="dataset folder")
        return p

    p = add("push", cmd_push, "publish a dataset folder to the Hugging Face Hub")
    p.add_argument("--repo-id", required=True, help="dataset repository, NAME or OWNER/NAME")
    p.add_argument("--private", action="store_true", help="create the repository as private")
    p.add_argument("--token", help="Hugging Face token (default: HF_TOKEN or the saved login)")
    p.add_argument(
        "--dry-run", action="store_true", help="check the folder and list the files; upload nothing"
    )

    p = add("report", cmd_report, "write a self-contained HTML report (documents side by side)")
    p.add_argument(
        "--out",
        "--html",
        type=out_stream,
        help="HTML file to write, or - for stdout (default: DATASET/report.html)",
    )

    p = add("export-tmx", cmd_export_tmx, "write a TMX 1.4 file (divergence as properties)")
    p.add_argument(
        "--out",
        type=out_stream,
        required=True,
        metavar="FILE.tmx",
        help="TMX file to write, or - for stdout",
    )
    bead_filters(p)

    p = add("export-text", cmd_export_text, "write line-aligned PREFIX.ru / PREFIX.en files")
    p.add_argument(
        "--out",
        type=out_path,
        required=True,
        metavar="PREFIX",
        help="writes PREFIX.ru, PREFIX.en and PREFIX.ids (doc_id, bead_id per line)",
    )
    bead_filters(p)

    p = add("mt-eval", cmd_mt_eval, "score MT of the Russian side against the aligned English")
    p.add_argument(
        "--hyp",
        required=True,
        help="MT output (- for stdin), one line per bead with text on both sides, in the "
        "sentences-config order (the lines of PREFIX.ru from `align export-text DATASET --out "
        "PREFIX`)",
    )
    p.add_argument(
        "--out",
        "--json",
        type=out_stream,
        help="also write the scores and signatures as JSON (- for stdout; the table then goes "
        "to stderr)",
    )
