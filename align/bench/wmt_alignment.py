"""Real Russian–English alignment benchmarks from the WMT Russian-original documents.

WMT's ru-en test documents (``<shared>/wmt-ruen``, 2021 and 2023) are aligned segment by segment
by their makers: each English segment is a professional translation of its Russian segment. The
toolkit's sentence splitter cuts every segment into sentences on both sides, and a segment is one
gold bead: 1-1 for 97% of the 3,551 segments, the translator's own 1-2 and 2-1 for 70, and
larger beads (2-2, 1-3, 3-2 ...) for 26, which may hold 1-1 pairs that a segment-level gold
cannot show (a finer prediction there counts as an error). Real sentence lengths, headlines,
bylines, quotes and the splitter's own mistakes, which the NTREX-derived generators
(:mod:`align.bench.generators`, one NTREX line per sentence) do not have.

* ``wmt-ruen`` — the documents as they are;
* ``wmt-ruen-drops`` — the same with, per document at a fixed seed, 5% of the English segments
  deleted (each of their Russian sentences a 1-0 bead; headlines included) and a foreign English
  sentence (a one-sentence English segment of another document of the split, with a final stop
  and no Cyrillic) inserted after 3% of the segments (a 0-1 bead).

Split by document as the real-document divergence benchmark (:mod:`align.bench.realdoc`): dev =
file index % 5 in {0, 1}, test = the rest; documents whose English side is mostly Cyrillic are
left out. No aligner setting was chosen on either split.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from pathlib import Path

from align.bench.realdoc import SEED, SourceDoc, ends_sentence, english_is_russian, load_wmt
from align.divergence.translit import is_cyrillic
from align.io import RawBead
from align.segment import split_sentences

DELETE = 0.05  # share of English segments deleted in wmt-ruen-drops
INSERT = 0.03  # share of segments followed by an inserted foreign English sentence


def _sentences(text: str, lang: str) -> list[str]:
    return [text[a:b] for a, b in split_sentences(text, lang)]  # type: ignore[arg-type]


def _foreign_pool(docs: Sequence[SourceDoc]) -> dict[str, list[str]]:
    """Per document, the one-sentence English segments of the *other* documents."""
    own = {
        d.doc_id: [
            e
            for _, e in d.segments
            if ends_sentence(e) and not is_cyrillic(e) and len(_sentences(e, "en")) == 1
        ]
        for d in docs
    }
    return {d: [s for o, ss in own.items() if o != d for s in ss] for d in own}


def _document(
    doc: SourceDoc, pool: Sequence[str], perturb: bool
) -> tuple[list[str], list[str], list[RawBead]]:
    rng = random.Random(f"{SEED}-{doc.doc_id}")  # str seeds hash with sha512: same every run
    ru: list[str] = []
    en: list[str] = []
    gold: list[RawBead] = []
    for r, e in doc.segments:
        rs, es = _sentences(r, "ru"), _sentences(e, "en")
        if not rs:
            continue
        ri = list(range(len(ru), len(ru) + len(rs)))
        ru += rs
        if perturb and rng.random() < DELETE:
            gold += [([i], []) for i in ri]
        elif es:
            gold.append((ri, list(range(len(en), len(en) + len(es)))))
            en += es
        else:
            gold += [([i], []) for i in ri]
        if perturb and pool and rng.random() < INSERT:
            gold.append(([], [len(en)]))
            en.append(rng.choice(pool))
    return ru, en, gold


def wmt_documents(
    name: str, split: str, data: Path
) -> list[tuple[str, list[str], list[str], list[RawBead]]]:
    """(doc id, Russian sentences, English sentences, gold beads) of benchmark ``name``."""
    docs = [d for d in load_wmt(data, split) if not english_is_russian(d)]
    pools = _foreign_pool(docs)
    perturb = name == "wmt-ruen-drops"
    return [(d.doc_id, *_document(d, pools[d.doc_id], perturb)) for d in docs]
