"""CLI subcommands for what a researcher does with an exported dataset folder ``OUT``.

align push OUT --repo-id NAME          publish the folder as a Hugging Face dataset repository
align report OUT [--html FILE]         one self-contained HTML file: documents side by side
align export-tmx OUT --out FILE.tmx    TMX 1.4 with divergence as properties
align export-text OUT --out PREFIX     line-aligned PREFIX.ru / PREFIX.en (+ PREFIX.ids)
align mt-eval OUT --hyp FILE           sacrebleu BLEU/chrF/TER, overall and per divergence label

Each command is a thin layer over a library module; ``register`` adds them to ``align``'s parser.
"""

from __future__ import annotations

import argparse
import json
import re
from dataclasses import asdict
from pathlib import Path

EPILOG = "OUT is a dataset folder written by `align run CORPUS --out OUT`. See docs/workflow.md."


def _types(value: str) -> frozenset[str]:
    items = [v.strip() for v in value.split(",") if v.strip()]
    bad = [v for v in items if not re.fullmatch(r"\d+-\d+", v)]
    if not items or bad:
        raise argparse.ArgumentTypeError(f"expected alignment types like 1-1,2-1; got {value!r}")
    return frozenset(items)


def _score(value: str) -> float:
    try:
        x = float(value)
    except ValueError:
        x = -1.0
    if not 0.0 <= x <= 1.0:
        raise argparse.ArgumentTypeError(f"expected a number in [0, 1]; got {value!r}")
    return x


def _filters(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--max-divergence",
        type=_score,
        metavar="X",
        help="keep beads with divergence_score <= X (0-1)",
    )
    p.add_argument(
        "--types",
        type=_types,
        metavar="T,...",
        help="keep beads of these alignment types, e.g. 1-1,2-1",
    )


def cmd_push(args: argparse.Namespace) -> int:
    from align.hub import push_dataset, repo_url

    files = push_dataset(
        args.out, args.repo_id, private=args.private, token=args.token, dry_run=args.dry_run
    )
    verb = "would upload" if args.dry_run else "uploaded"
    vis = "private" if args.private else "public"
    print(f"{verb} {len(files)} files to {repo_url(args.repo_id)} ({vis}):")
    for f in files:
        print(f"  {f.path}  ({f.size:,} bytes)")
    return 0


def cmd_report(args: argparse.Namespace) -> int:
    from align.exported import load_exported
    from align.report import write_report

    data = load_exported(args.out)
    path = write_report(data, args.html or Path(args.out) / "report.html")
    print(f"report written to {path} (open it in a browser; no server or internet needed)")
    return 0


def cmd_export_tmx(args: argparse.Namespace) -> int:
    from align.exported import load_exported
    from align.tmx import write_tmx

    data = load_exported(args.dataset)
    n = write_tmx(data, args.out, max_divergence=args.max_divergence, types=args.types)
    print(f"{n} translation units written to {args.out}")
    return 0


def cmd_export_text(args: argparse.Namespace) -> int:
    from align.exported import load_exported
    from align.text_export import write_text

    data = load_exported(args.dataset)
    res = write_text(data, args.out, max_divergence=args.max_divergence, types=args.types)
    print(
        f"{res.lines} line pairs written to {', '.join(str(p) for p in res.paths)} "
        f"({res.skipped} beads left out: an empty side or filtered)"
    )
    return 0


def cmd_mt_eval(args: argparse.Namespace) -> int:
    from align.export import atomic_files
    from align.exported import load_exported
    from align.mt_eval import evaluate, format_result, read_hypotheses

    data = load_exported(args.out)
    hyps = read_hypotheses(args.hyp, sum(1 for _ in data.pairs()))
    result = evaluate(data, hyps)
    print(format_result(result))
    if args.json:
        with atomic_files(args.json) as (tmp,):
            tmp.write_text(json.dumps(asdict(result), indent=2) + "\n", encoding="utf-8")
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    """Add the researcher-workflow subcommands to the ``align`` parser."""

    def add(name: str, func, help_: str) -> argparse.ArgumentParser:
        p = sub.add_parser(name, help=help_, description=help_, epilog=EPILOG)
        p.set_defaults(func=func)
        return p

    p = add("push", cmd_push, "publish a dataset folder to the Hugging Face Hub")
    p.add_argument("out", type=Path, help="dataset folder")
    p.add_argument("--repo-id", required=True, help="dataset repository, NAME or OWNER/NAME")
    p.add_argument("--private", action="store_true", help="create the repository as private")
    p.add_argument("--token", help="Hugging Face token (default: HF_TOKEN or the saved login)")
    p.add_argument(
        "--dry-run", action="store_true", help="check the folder and list the files; upload nothing"
    )

    p = add("report", cmd_report, "write a self-contained HTML report (documents side by side)")
    p.add_argument("out", type=Path, help="dataset folder")
    p.add_argument("--html", type=Path, help="HTML file to write (default: OUT/report.html)")

    p = add("export-tmx", cmd_export_tmx, "write a TMX 1.4 file (divergence as properties)")
    p.add_argument("dataset", type=Path, metavar="OUT", help="dataset folder")
    p.add_argument("--out", type=Path, required=True, metavar="FILE.tmx", help="TMX file to write")
    _filters(p)

    p = add("export-text", cmd_export_text, "write line-aligned PREFIX.ru / PREFIX.en files")
    p.add_argument("dataset", type=Path, metavar="OUT", help="dataset folder")
    p.add_argument(
        "--out",
        required=True,
        metavar="PREFIX",
        help="writes PREFIX.ru, PREFIX.en and PREFIX.ids (doc_id, bead_id per line)",
    )
    _filters(p)

    p = add("mt-eval", cmd_mt_eval, "score MT of the Russian side against the aligned English")
    p.add_argument("out", type=Path, help="dataset folder")
    p.add_argument(
        "--hyp",
        type=Path,
        required=True,
        help="MT output, one line per bead with text on both sides, in the sentences-config "
        "order (the lines of PREFIX.ru from `align export-text OUT --out PREFIX`)",
    )
    p.add_argument("--json", type=Path, help="also write the scores and signatures as JSON")
