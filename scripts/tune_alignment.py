"""Dev-split grid search over aligner settings (how docs/alignment.md's "what was tried" was made).

    python scripts/tune_alignment.py textberg,ntrex-enru "margin=False" "margin=False,skip=-0.15"
    python scripts/tune_alignment.py textberg --refine "tau=0.3,merge_cost=0.3"

Each argument is a set of :class:`align.alignment.AlignConfig` keyword arguments (or, with
``--refine``, of :class:`align.refine.RefineConfig`, applied after bertalign's defaults). Only
dev splits are used. Prints strict/lax F1 per benchmark.
"""

from __future__ import annotations

import argparse
import sys
import time

from align.alignment import AlignConfig, bertalign_beads
from align.bench.alignment import load_bench, score
from align.encoders import get_encoder
from align.pipeline import quiet_libraries
from align.refine import RefineConfig, refine_beads


def parse_kwargs(text: str) -> dict[str, object]:
    out: dict[str, object] = {}
    for item in filter(None, text.split(",")):
        key, value = item.split("=", 1)
        out[key.strip()] = {"True": True, "False": False}.get(value)
        if out[key.strip()] is None:
            out[key.strip()] = float(value) if "." in value else int(value)
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("benches", help="comma-separated: textberg, ntrex-enru or folders")
    ap.add_argument("settings", nargs="+")
    ap.add_argument("--refine", action="store_true")
    ap.add_argument("--encoder", default="use-m3")
    args = ap.parse_args()
    quiet_libraries()
    enc = get_encoder(args.encoder)
    benches = {b: load_bench(b, "dev") for b in args.benches.split(",")}
    base = {}
    if args.refine:
        cfg = AlignConfig(paragraphs=False)
        base = {
            n: [bertalign_beads(d.src, d.tgt, enc, cfg) for d in b.docs] for n, b in benches.items()
        }
    for setting in args.settings:
        kw = parse_kwargs(setting)
        cells = []
        for name, bench in benches.items():
            t0 = time.perf_counter()
            if args.refine:
                rc = RefineConfig(**kw)  # type: ignore[arg-type]
                preds = [
                    refine_beads(d.src, d.tgt, p, enc, rc)
                    for d, p in zip(bench.docs, base[name], strict=True)
                ]
            else:
                ac = AlignConfig(paragraphs=False, **kw)  # type: ignore[arg-type]
                preds = [bertalign_beads(d.src, d.tgt, enc, ac) for d in bench.docs]
            s = score([d.gold for d in bench.docs], preds)
            cells.append(
                f"{name} dev strict {s['f1_strict']:.4f} lax {s['f1_lax']:.4f} "
                f"({time.perf_counter() - t0:.0f} s)"
            )
        print(f"{setting or '(defaults)'} -> " + " | ".join(cells), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
