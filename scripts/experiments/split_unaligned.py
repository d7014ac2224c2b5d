"""The sweep that chose the scorer's split of unaligned sentences (align/refine.py): strict F1
of ``align eval``'s default on the alignment dev sets for several ``SPLIT_SCORE`` / ``COVER``
values (issue 16, eighth session; dev splits only).

Every dev document is run once through ``align run --presegmented`` without the split (aligned
and scored); each setting then splits those scored beads, as the pipeline does (the beads a split creates
are not scored here: only the beads matter).

    python scripts/experiments/split_unaligned.py [--benches dev-drops,...] [--settings 0.75:0.9,...]
"""

from __future__ import annotations

import argparse

import align.refine as refine
from align.alignment import AlignConfig
from align.bench.alignment import _doc_pair, load_bench, score
from align.encoders import get_encoder
from align.pipeline import process_pair, quiet_libraries, scoring_config
from align.segment import presegmented_pair

BENCHES = "dev-drops,dev-mixed,dev-restructured,dev-dense,ntrex-enru,textberg"
SETTINGS = "off,0:0.8,0.6:0.8,0.7:0.8,0.75:0.8,0.8:0.8,0.85:0.8,0.75:0.5,0.75:0.9,0.75:1.0"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--benches", default=BENCHES)
    ap.add_argument("--settings", default=SETTINGS, help="SPLIT_SCORE:COVER pairs, or 'off'")
    args = ap.parse_args()
    quiet_libraries()
    encoder = get_encoder("use-m3")
    settings = args.settings.split(",")
    print("| bench | " + " | ".join(settings) + " |")
    print("|---|" + "---|" * len(settings))
    for name in args.benches.split(","):
        bench = load_bench(name, "dev")
        cfg = AlignConfig(paragraphs=False, split_unaligned=False)
        div_cfg = scoring_config(cfg, None, presegmented_pair)
        scored = [
            process_pair(_doc_pair(d), encoder, cfg, segment=presegmented_pair) for d in bench.docs
        ]
        gold = [d.gold for d in bench.docs]
        cells = []
        for setting in settings:
            pairs = scored
            if setting != "off":
                split_score, cover = (float(x) for x in setting.split(":"))
                refine.SPLIT_SCORE, refine.COVER = split_score, cover
                pairs = [refine.split_unaligned(a, encoder, div_cfg) for a in scored]
            pred = [[(list(b.ru_ids), list(b.en_ids)) for b in a.beads] for a in pairs]
            cells.append(f"{score(gold, pred)['f1_strict']:.3f}")
        print(f"| {name} | " + " | ".join(cells) + " |", flush=True)


if __name__ == "__main__":
    main()
