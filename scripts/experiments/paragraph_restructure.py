"""False alarms of the sentence units' paragraph feature when a translation does not keep the
original's paragraphs (issue 12, seventh session; dev split only).

The realdoc benchmark's *untouched* dev documents (WMT ru-en and NTREX, no perturbation) are
written as corpus folders twice: with the English paragraphs as they are (parallel to the
Russian ones) and with every two consecutive English paragraphs merged into one, as a
translator who restructures paragraphs would. ``align run``'s pipeline (``run_corpus``) scores
both with the committed model, with and without the ``para_extra`` feature
(``DivergenceConfig(use_paragraphs=False)``, nothing refitted). Every bead is untouched, so
every bead labelled divergent is a false alarm.

    python scripts/experiments/paragraph_restructure.py [--work DIR]
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

from align.bench.data import shared_data
from align.bench.realdoc import SourceDoc, english_is_russian, load_ntrex, load_wmt
from align.divergence import DivergenceConfig
from align.divergence.units import bead_layouts
from align.encoders import get_encoder
from align.pipeline import run_corpus


def write_corpus(docs: list[SourceDoc], folder: Path, merge: bool) -> None:
    """One folder per document; English paragraphs merged two by two when ``merge``."""
    for d in docs:
        out = folder / d.doc_id
        out.mkdir(parents=True)
        ru = [" ".join(r for r, _ in p) for p in d.paragraphs]
        en = [" ".join(e for _, e in p) for p in d.paragraphs]
        if merge:
            en = [" ".join(en[i : i + 2]) for i in range(0, len(en), 2)]
        (out / "ru.txt").write_text("\n\n".join(ru) + "\n", encoding="utf-8")
        (out / "en.txt").write_text("\n\n".join(en) + "\n", encoding="utf-8")


def false_alarms(folder: Path, cfg: DivergenceConfig) -> tuple[int, int, int, int]:
    """Beads with both sides; of them flagged; with the paragraph feature set; both."""
    res = run_corpus(folder, None, encoder=get_encoder("use-m3"), div_cfg=cfg, jobs=2)
    n = flagged = extra = both = 0
    for ap in res.aligned:
        for b, lay in zip(ap.beads, bead_layouts(ap), strict=True):
            if not (b.ru_ids and b.en_ids):
                continue
            f = b.divergence_label != "equivalent"
            e = bool(lay.extra("ru") or lay.extra("en"))
            n, flagged, extra, both = n + 1, flagged + f, extra + e, both + (e and f)
    return n, flagged, extra, both


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--work", type=Path, help="folder for the two corpora (default: a temp dir)")
    args = ap.parse_args()
    data = shared_data()
    docs = [d for d in load_wmt(data, "dev") + load_ntrex(data, "dev") if not english_is_russian(d)]
    with tempfile.TemporaryDirectory() as tmp:
        work = args.work or Path(tmp)
        print(
            "| English paragraphs | para_extra | beads | false alarms | beads with the feature (flagged) |"
        )
        print("|---|---|---|---|---|")
        for name, merge in (("as translated", False), ("every two merged", True)):
            folder = work / name.replace(" ", "-")
            if not folder.exists():
                write_corpus(docs, folder, merge)
            for on in (False, True):
                n, f, e, b = false_alarms(folder, DivergenceConfig(use_paragraphs=on))
                print(f"| {name} | {'on' if on else 'off'} | {n} | {f} ({f / n:.2%}) | {e} ({b}) |")


if __name__ == "__main__":
    main()
