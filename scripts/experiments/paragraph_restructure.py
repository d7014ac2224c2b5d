"""False alarms of the sentence units' paragraph feature when a translation does not keep the
original's paragraphs (issue 12, seventh session; dev split only).

The realdoc benchmark's *untouched* dev documents (WMT ru-en and NTREX, no perturbation) are
written as corpus folders twice: with the English paragraphs as they are (parallel to the
Russian ones) and with every two consecutive English paragraphs merged into one, as a
translator who restructures paragraphs would (a headline is never run into the next
paragraph). ``align run``'s pipeline (``run_corpus``) scores both with the committed model,
with and without the ``para_extra`` feature (``DivergenceConfig(use_paragraphs=False)``,
nothing refitted); a third copy also runs headlines into the paragraph after them. Every bead is untouched, so
every bead labelled divergent is a false alarm.

    python scripts/experiments/paragraph_restructure.py [--work DIR]
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

from align.bench.data import shared_data
from align.bench.realdoc import (
    SourceDoc,
    ends_sentence,
    english_is_russian,
    load_ntrex,
    load_wmt,
)
from align.divergence import DivergenceConfig
from align.divergence.units import bead_layouts
from align.encoders import get_encoder
from align.pipeline import run_corpus


def merged_pairs(paragraphs: list[str], headlines: bool = False) -> list[str]:
    """Consecutive paragraphs merged two by two, as a translator restructuring paragraphs
    would; a paragraph without a final stop (a headline, a byline) is not run into the next
    one unless ``headlines`` (the sentence splitter then makes one sentence of a headline and
    the first sentence after it, as in text scraped without line breaks)."""
    out: list[str] = []
    open_pair = False
    for p in paragraphs:
        if open_pair and (headlines or ends_sentence(out[-1])):
            out[-1] = f"{out[-1]} {p}"
            open_pair = False
        else:
            out.append(p)
            open_pair = True
    return out


def write_corpus(docs: list[SourceDoc], folder: Path, merge: str) -> None:
    """One folder per document; English paragraphs merged two by two unless ``merge`` is
    "none" ("body": headlines kept apart; "all": headlines too)."""
    for d in docs:
        out = folder / d.doc_id
        out.mkdir(parents=True)
        ru = [" ".join(r for r, _ in p) for p in d.paragraphs]
        en = [" ".join(e for _, e in p) for p in d.paragraphs]
        if merge != "none":
            en = merged_pairs(en, headlines=merge == "all")
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
        settings = (
            ("as translated", "none"),
            ("every two merged", "body"),
            ("every two merged, headlines run in", "all"),
        )
        for name, merge in settings:
            folder = work / merge
            if not folder.exists():
                write_corpus(docs, folder, merge)
            for on in (False, True):
                n, f, e, b = false_alarms(folder, DivergenceConfig(use_paragraphs=on))
                print(f"| {name} | {'on' if on else 'off'} | {n} | {f} ({f / n:.2%}) | {e} ({b}) |")


if __name__ == "__main__":
    main()
