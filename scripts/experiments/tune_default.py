"""Dev-only comparison of aligner settings on the dev generators and Text+Berg dev.

    python scripts/experiments/tune_default.py "margin=False" "margin=False,skip=-0.15" [--benches ...]

Each setting is a set of :class:`align.alignment.AlignConfig` keyword arguments (``bertalign``
= bertalign's own second pass and defaults; nothing = the toolkit's default). The encoder's cache is kept across settings, so every
sentence is encoded once. Prints strict / lax F1 and, per bench, the per-phenomenon F1.
"""

from __future__ import annotations

import argparse
import sys
import time

from align.alignment import AlignConfig, align_beads
from align.bench.alignment import as_segmented, load_bench, score
from align.bench.generators import phenomenon_f1
from align.encoders import get_encoder
from align.pipeline import quiet_libraries

DEV_BENCHES = "dev-mixed,dev-drops,dev-restructured,textberg"


def parse_kwargs(text: str) -> dict[str, object]:
    out: dict[str, object] = {}
    for item in filter(None, text.split(",")):
        if item == "bertalign":  # bertalign's own second pass
            out["objective"] = "bertalign"
            continue
        key, value = item.split("=", 1)
        if value in ("True", "False"):
            out[key.strip()] = value == "True"
        elif value.replace(".", "").replace("-", "").isdigit():
            out[key.strip()] = float(value) if "." in value else int(value)
        else:
            out[key.strip()] = value
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("settings", nargs="+")
    ap.add_argument("--benches", default=DEV_BENCHES)
    ap.add_argument("--split", default="dev", help="for textberg / ntrex-enru only")
    ap.add_argument("--encoder", default="use-m3")
    args = ap.parse_args()
    quiet_libraries()
    enc = get_encoder(args.encoder)
    benches = [load_bench(b, args.split) for b in args.benches.split(",")]
    for setting in args.settings:
        cfg = AlignConfig(paragraphs=False, **parse_kwargs(setting))  # type: ignore[arg-type]
        cells, total = [], 0.0
        for bench in benches:
            t0 = time.perf_counter()
            preds = [
                [(list(b.ru_ids), list(b.en_ids)) for b in align_beads(as_segmented(d), enc, cfg)]
                for d in bench.docs
            ]
            gold = [d.gold for d in bench.docs]
            s = score(gold, preds)
            ph = phenomenon_f1(gold, preds)
            total += s["f1_strict"]
            detail = " ".join(f"{k}={v[0]:.2f}" for k, v in ph.items() if k != "1-1")
            cells.append(
                f"{bench.name} {s['f1_strict']:.4f}/{s['f1_lax']:.4f} [{detail}] "
                f"{time.perf_counter() - t0:.0f}s"
            )
        print(f"{setting} -> mean {total / len(benches):.4f} | " + " | ".join(cells), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
