"""Dev-split grid search over aligner settings (how docs/alignment.md's "what was tried" was made).

    python scripts/experiments/tune_alignment.py textberg,ntrex-enru "margin=False" "skip=-0.15"

Each argument is a set of :class:`align.alignment.AlignConfig` keyword arguments. Only dev splits
are used. Prints strict/lax F1 per benchmark. (The refinement pass, lexical anchors and the CSLS
correction tried with it were dropped from the product; their dev results are in
docs/alignment.md.)
"""

from __future__ import annotations

import argparse
import sys
import time

from align.alignment import AlignConfig, bertalign_beads
from align.bench.alignment import load_bench, score
from align.encoders import get_encoder
from align.pipeline import quiet_libraries


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
    ap.add_argument("--encoder", default="use-m3")
    args = ap.parse_args()
    quiet_libraries()
    enc = get_encoder(args.encoder)
    benches = {b: load_bench(b, "dev") for b in args.benches.split(",")}
    for setting in args.settings:
        kw = parse_kwargs(setting)
        cells = []
        for name, bench in benches.items():
            t0 = time.perf_counter()
            ac = AlignConfig.bertalign(paragraphs=False, **kw)  # type: ignore[arg-type]
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
