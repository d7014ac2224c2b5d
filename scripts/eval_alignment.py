"""The alignment results tables: every system on every benchmark, written into docs/alignment.md.

    python scripts/eval_alignment.py [--benches textberg:dev,textberg:test,dev-mixed,...]
        [--systems default,bertalign,cost,gale-church] [--encoder use-m3] [--doc docs/alignment.md]

Two tables replace the blocks between ``<!-- results:start -->`` / ``<!-- results:end -->``
(strict and lax P/R/F1 and time, one row per benchmark and system; each row is what
``align eval BENCH --split SPLIT --system SYSTEM`` prints) and ``<!-- phenomena:start -->`` /
``<!-- phenomena:end -->`` (exact-match F1 per bead group, with the gold count). A block whose
markers are missing is appended. Benchmarks: ``NAME:SPLIT`` for ``textberg`` and
``ntrex-enru`` and ``wmt-ruen[-drops]``; the generators of :mod:`align.bench.generators` fix their own split.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from align.bench.alignment import (
    TABLE_HEADER,
    EvalResult,
    evaluate_alignment,
    load_bench,
    table_row,
)
from align.bench.generators import GENERATORS, PHENOMENA, phenomenon_f1
from align.encoders import get_encoder, machine_description
from align.pipeline import quiet_libraries

BENCHES = ",".join(
    [
        "textberg:dev",
        "textberg:test",
        "ntrex-enru:dev",
        "ntrex-enru:test",
        "wmt-ruen:dev",
        "wmt-ruen:test",
        "wmt-ruen-drops:dev",
        "wmt-ruen-drops:test",
        *GENERATORS,
    ]
)
PHENOMENA_HEADER = (
    "| benchmark | split | system | strict F1 | lax F1 | "
    + " | ".join(f"{p} F1 (gold)" for p in PHENOMENA)
    + " |\n|---|---|---|---|---|"
    + "---|" * len(PHENOMENA)
)


def phenomena_row(r: EvalResult, gold: list) -> str:
    per = phenomenon_f1(gold, r.predictions).values()
    cells = ["-" if n == 0 else f"{f1:.3f} ({n})" for f1, n in per]
    s = r.scores
    return (
        f"| {r.bench} | {r.split} | {r.system} | {s['f1_strict']:.3f} | {s['f1_lax']:.3f} | "
        + " | ".join(cells)
        + " |"
    )


def replace_block(text: str, name: str, body: str) -> str:
    start, end = f"<!-- {name}:start -->", f"<!-- {name}:end -->"
    block = f"{start}\n{body}\n{end}"
    if start in text and end in text:
        return text[: text.index(start)] + block + text[text.index(end) + len(end) :]
    return text + ("\n" if text else "") + block + "\n"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--benches", default=BENCHES)
    ap.add_argument("--systems", default="default,bertalign,cost,gale-church")
    ap.add_argument("--encoder", default="use-m3")
    ap.add_argument(
        "--doc", type=Path, default=Path(__file__).resolve().parents[1] / "docs" / "alignment.md"
    )
    args = ap.parse_args()
    quiet_libraries()
    encoder = get_encoder(args.encoder)
    rows, ph_rows = [], []
    for item in args.benches.split(","):
        name, _, split = item.partition(":")
        bench = load_bench(name, split or "test")
        gold = [d.gold for d in bench.docs]
        for system in args.systems.split(","):
            enc = None if system == "gale-church" else encoder
            res = evaluate_alignment(bench, system, enc, progress=sys.stderr.isatty())
            rows.append(table_row(res))
            ph_rows.append(phenomena_row(res, gold))
            print(rows[-1], flush=True)
    machine = f"\n\nMachine: {machine_description()}."
    text = args.doc.read_text(encoding="utf-8") if args.doc.exists() else ""
    text = replace_block(text, "results", TABLE_HEADER + "\n" + "\n".join(rows) + machine)
    text = replace_block(text, "phenomena", PHENOMENA_HEADER + "\n" + "\n".join(ph_rows))
    args.doc.parent.mkdir(parents=True, exist_ok=True)
    args.doc.write_text(text, encoding="utf-8")
    print(f"tables written to {args.doc}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
