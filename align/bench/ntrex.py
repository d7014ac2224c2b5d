"""A Russian–English alignment benchmark derived from NTREX-128 (newstest2019 en→ru).

NTREX is line-aligned: every English sentence has one human Russian translation (all 1-1).
Per document we keep the 1-1 pairs and, walking the sentences in order with a fixed-seed
random generator, derive harder beads with the gold kept exact:

=======  =====================================================  ============
bead     what is done                                            rate (RATES)
=======  =====================================================  ============
``2-1``  two adjacent English sentences joined into one line      5 %
``1-2``  two adjacent Russian sentences joined into one line      5 %
``3-1``  three adjacent English sentences joined into one line    2 %
``1-3``  three adjacent Russian sentences joined into one line    2 %
``1-0``  the English sentence dropped (Russian kept)              3 %
``0-1``  the Russian sentence dropped (English kept)              3 %
=======  =====================================================  ============

(the rate is the chance that a bead starting at a given sentence is of that type; the rest
are kept 1-1). Source = Russian, target = English; beads are ``[ru ids]:[en ids]``. Nothing
is reordered. Documents are split by position: every 4th document (index 0, 4, 8, ...) is
``dev``, the others ``test``. Output layout (the FOLDER layout of :mod:`align.bench.alignment`)::

    OUT/{dev,test}/{src,tgt,gold}/NNN-<document id>
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass
from pathlib import Path

from align.bench.data import NTREX_ALIGNMENT_DEV_EVERY, ntrex_alignment_split, ntrex_documents
from align.io import format_beads

SEED = 20191
RATES: dict[str, float] = {
    "2-1": 0.05,
    "1-2": 0.05,
    "3-1": 0.02,
    "1-3": 0.02,
    "1-0": 0.03,
    "0-1": 0.03,
}


@dataclass(frozen=True)
class DerivedDoc:
    """One benchmark document: Russian lines, English lines and the exact gold beads."""

    doc_id: str
    ru: list[str]
    en: list[str]
    gold: list[tuple[list[int], list[int]]]


def derive_doc(
    doc_id: str, ru: list[str], en: list[str], rng: random.Random, rates: dict[str, float] = RATES
) -> DerivedDoc:
    """Derive m-n, 1-0 and 0-1 beads from line-aligned sentences (gold kept exact)."""
    out_ru: list[str] = []
    out_en: list[str] = []
    gold: list[tuple[list[int], list[int]]] = []
    i, n = 0, len(ru)
    kinds = list(rates)
    while i < n:
        r = rng.random()
        kind = "1-1"
        acc = 0.0
        for k in kinds:
            acc += rates[k]
            if r < acc:
                kind = k
                break
        size = {"2-1": 2, "1-2": 2, "3-1": 3, "1-3": 3}.get(kind, 1)
        if i + size > n:
            kind, size = "1-1", 1
        ru_part, en_part = ru[i : i + size], en[i : i + size]
        if kind in ("2-1", "3-1"):  # several Russian sentences, one English line
            gold.append((list(range(len(out_ru), len(out_ru) + size)), [len(out_en)]))
            out_ru.extend(ru_part)
            out_en.append(" ".join(en_part))
        elif kind in ("1-2", "1-3"):
            gold.append(([len(out_ru)], list(range(len(out_en), len(out_en) + size))))
            out_ru.append(" ".join(ru_part))
            out_en.extend(en_part)
        elif kind == "1-0":
            gold.append(([len(out_ru)], []))
            out_ru.append(ru[i])
        elif kind == "0-1":
            gold.append(([], [len(out_en)]))
            out_en.append(en[i])
        else:
            gold.append(([len(out_ru)], [len(out_en)]))
            out_ru.append(ru[i])
            out_en.append(en[i])
        i += size
    return DerivedDoc(doc_id, out_ru, out_en, gold)


def derive_bench(
    folder: Path, seed: int = SEED, rates: dict[str, float] = RATES
) -> dict[str, list[DerivedDoc]]:
    """The benchmark in memory: ``{"dev": [...], "test": [...]}`` (deterministic for a seed)."""
    rng = random.Random(seed)
    splits: dict[str, list[DerivedDoc]] = {"dev": [], "test": []}
    for k, (doc_id, ru, en) in enumerate(ntrex_documents(folder)):
        doc = derive_doc(f"{k:03d}-{doc_id}", ru, en, rng, rates)
        splits[ntrex_alignment_split(k)].append(doc)
    return splits


def write_bench(folder: Path, out: Path, seed: int = SEED) -> Path:
    """Build the benchmark from the NTREX folder into ``out`` (replaced atomically)."""
    from align.io import atomic_dir

    splits = derive_bench(folder, seed)
    with atomic_dir(out) as tmp:
        for split, docs in splits.items():
            for sub in ("src", "tgt", "gold"):
                (tmp / split / sub).mkdir(parents=True)
            for d in docs:
                (tmp / split / "src" / d.doc_id).write_text(
                    "".join(s + "\n" for s in d.ru), encoding="utf-8"
                )
                (tmp / split / "tgt" / d.doc_id).write_text(
                    "".join(s + "\n" for s in d.en), encoding="utf-8"
                )
                (tmp / split / "gold" / d.doc_id).write_text(format_beads(d.gold), encoding="utf-8")
        info = {
            "source": str(folder),
            "seed": seed,
            "rates": RATES,
            "dev_every": NTREX_ALIGNMENT_DEV_EVERY,
        }
        (tmp / "bench.json").write_text(json.dumps(info, indent=1) + "\n", encoding="utf-8")
    return out
