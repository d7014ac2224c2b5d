"""The alignment results table: every system on both benchmarks, written into docs/alignment.md.

    python scripts/eval_alignment.py [--splits dev,test] [--benches textberg,ntrex-enru]
        [--systems ours,bertalign,gale-church] [--encoder use-m3] [--doc docs/alignment.md]

The table replaces the block between ``<!-- results:start -->`` and ``<!-- results:end -->`` in
the document (appended if the markers are missing). Each row is also what
``align eval BENCH --split SPLIT --system SYSTEM`` prints.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from align.bench.alignment import TABLE_HEADER, evaluate_alignment, load_bench, table_row
from align.encoders import get_encoder, machine_description
from align.pipeline import quiet_libraries

START, END = "<!-- results:start -->", "<!-- results:end -->"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--splits", default="dev,test")
    ap.add_argument("--benches", default="textberg,ntrex-enru")
    ap.add_argument("--systems", default="ours,bertalign,gale-church")
    ap.add_argument("--encoder", default="use-m3")
    ap.add_argument(
        "--doc", type=Path, default=Path(__file__).resolve().parents[1] / "docs" / "alignment.md"
    )
    args = ap.parse_args()
    quiet_libraries()
    encoder = get_encoder(args.encoder)
    rows = []
    for bench_name in args.benches.split(","):
        for split in args.splits.split(","):
            bench = load_bench(bench_name, split)
            for system in args.systems.split(","):
                res = evaluate_alignment(
                    bench, system, None if system == "gale-church" else encoder
                )
                rows.append(table_row(res))
                print(rows[-1], flush=True)
    block = (
        f"{START}\n{TABLE_HEADER}\n"
        + "\n".join(rows)
        + f"\n\nMachine: {machine_description()}.\n{END}"
    )
    text = args.doc.read_text(encoding="utf-8") if args.doc.exists() else ""
    if START in text and END in text:
        text = text[: text.index(START)] + block + text[text.index(END) + len(END) :]
    else:
        text = text + ("\n" if text else "") + block + "\n"
    args.doc.parent.mkdir(parents=True, exist_ok=True)
    args.doc.write_text(text, encoding="utf-8")
    print(f"table written to {args.doc}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
