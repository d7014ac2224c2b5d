"""Several NTREX-derived ru–en alignment benchmarks: generators that differ in what they do.

NTREX-128 (newstest2019) is line-aligned: every English sentence has one human Russian
translation. A *generator* walks the sentence pairs of a document in order with its own
fixed-seed random generator and rewrites them into beads whose gold stays exact:

* **merges** — 2 or 3 adjacent sentences of one side joined into one line (``2-1``, ``1-2``,
  ``3-1``, ``1-3``);
* **drops** — one side of a pair removed (``1-0``: English dropped; ``0-1``: Russian dropped),
  either single or as a **run** of consecutive drops on one side;
* **edge drops** — the first and/or last sentences of one side removed (headlines, bylines
  and closing lines that one version does not carry; NTREX has no paragraph marks, so the
  document is the paragraph);
* **long-sentence splits** — a long sentence of one side cut in two at the comma nearest
  its middle (a ``1-2`` / ``2-1`` bead whose lines are fragments);
* **crossings** — three pairs written as two lines a side with different boundaries
  (``A | B C`` against ``A'B' | C'``): a ``2-2`` bead no smaller bead can express.

Generators named ``dev-*`` run on the dev documents (every 4th NTREX document, 31), the
``heldout-*`` and ``heldout2-*`` ones on the other 92 documents (the split of
:mod:`align.bench.ntrex`), with different rates, places and seeds: tune
on the first, report on the second. Every bead records which original pairs it covers
(``DerivedDoc.sources``), so its text can be checked against NTREX.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field, replace
from pathlib import Path

from align.bench.data import ntrex_alignment_split, ntrex_documents

RawBead = tuple[list[int], list[int]]


@dataclass(frozen=True)
class Generator:
    """What a generator does; every rate is a chance per bead start (or per document)."""

    name: str
    seed: int
    merge: dict[str, float] = field(default_factory=dict)  # "2-1", "1-2", "3-1", "1-3"
    drop: float = 0.0  # a single 1-0 or 0-1 (side at random)
    run: float = 0.0  # a run of drops on one side
    run_len: tuple[int, int] = (2, 4)
    edge: float = 0.0  # per document and end: drop the first / last sentences of one side
    edge_len: tuple[int, int] = (1, 3)
    split: float = 0.0  # per pair with a long sentence: cut one side in two at a comma
    split_min_chars: int = 100
    cross: float = 0.0  # three pairs written as a crossing 2-2 bead

    @property
    def split_name(self) -> str:
        return "dev" if self.name.startswith("dev-") else "test"


_HELDOUT_MIXED = Generator(
    "heldout-mixed",
    seed=2601,
    merge={"2-1": 0.05, "1-2": 0.05, "3-1": 0.02, "1-3": 0.02},
    drop=0.03,
    run=0.02,
    run_len=(2, 5),
    edge=0.3,
    split=0.1,
    cross=0.03,
)
_HELDOUT_DROPS = Generator(
    "heldout-drops",
    seed=2602,
    merge={"2-1": 0.03, "1-2": 0.03},
    drop=0.08,
    run=0.05,
    run_len=(2, 6),
    edge=0.6,
    edge_len=(1, 4),
)


GENERATORS: dict[str, Generator] = {
    g.name: g
    for g in (
        Generator(
            "dev-mixed",
            seed=1601,
            merge={"2-1": 0.05, "1-2": 0.05, "3-1": 0.01, "1-3": 0.01},
            drop=0.04,
            edge=0.2,
            split=0.05,
            cross=0.02,
        ),
        Generator(
            "dev-drops",
            seed=1602,
            merge={"2-1": 0.03, "1-2": 0.03},
            drop=0.06,
            run=0.03,
            run_len=(2, 4),
            edge=0.5,
        ),
        Generator(
            "dev-restructured",
            seed=1603,
            merge={"2-1": 0.08, "1-2": 0.08, "3-1": 0.03, "1-3": 0.03},
            drop=0.01,
            split=0.3,
            cross=0.05,
        ),
        # added after the third held-out run showed that no dev generator had the profile of
        # heldout-restructured / most Text+Berg test documents (almost no drops, dense merges
        # and split fragments), on which the drop-aware objective lost to bertalign's
        Generator(
            "dev-dense",
            seed=1604,
            merge={"2-1": 0.1, "1-2": 0.1, "3-1": 0.03, "1-3": 0.03},
            split=0.4,
            split_min_chars=70,
            cross=0.08,
        ),
        # added in the eleventh session: the held-out profiles on the dev documents with new
        # seeds, since the dev sets above had too few errors left to tune against (0.986-0.996
        # against 0.952-0.967 held out); these reproduce the gap (docs/alignment.md)
        replace(_HELDOUT_DROPS, name="dev-runs", seed=1702),
        replace(_HELDOUT_MIXED, name="dev-mixed2", seed=1701),
        _HELDOUT_MIXED,
        _HELDOUT_DROPS,
        Generator(
            "heldout-restructured",
            seed=2603,
            merge={"2-1": 0.1, "1-2": 0.1, "3-1": 0.04, "1-3": 0.04},
            drop=0.01,
            split=0.4,
            split_min_chars=80,
            cross=0.08,
        ),
        # defined after the heldout-* generators had been used to reject two designs (see
        # docs/alignment.md), before the final design was run on them: untouched until then
        Generator(
            "heldout2-mixed",
            seed=3601,
            merge={"2-1": 0.04, "1-2": 0.06, "3-1": 0.01, "1-3": 0.02},
            drop=0.05,
            run=0.02,
            run_len=(2, 3),
            edge=0.4,
            edge_len=(1, 2),
            split=0.2,
            split_min_chars=90,
            cross=0.04,
        ),
        Generator(
            "heldout2-fragments",
            seed=3602,
            merge={"2-1": 0.06, "1-2": 0.06, "3-1": 0.02, "1-3": 0.02},
            drop=0.03,
            run=0.02,
            edge=0.3,
            split=0.5,
            split_min_chars=60,
            cross=0.06,
        ),
    )
}


@dataclass(frozen=True)
class DerivedDoc:
    """One generated document: lines of each side, exact gold beads, covered NTREX pairs."""

    doc_id: str
    ru: list[str]
    en: list[str]
    gold: list[RawBead]
    sources: list[list[int]]  # per gold bead: the indices of the original pairs it covers


def split_at_comma(text: str) -> tuple[str, str] | None:
    """``text`` cut after the comma nearest its middle (between 30 % and 70 % of its length)."""
    cuts = [i + 1 for i, c in enumerate(text) if c == "," and text[i + 1 : i + 2] == " "]
    cuts = [i for i in cuts if 0.3 * len(text) <= i <= 0.7 * len(text)]
    if not cuts:
        return None
    cut = min(cuts, key=lambda i: abs(i - len(text) / 2))
    return text[:cut], text[cut + 1 :]


class _Writer:
    """Accumulates lines and gold beads of one generated document."""

    def __init__(self) -> None:
        self.ru: list[str] = []
        self.en: list[str] = []
        self.gold: list[RawBead] = []
        self.sources: list[list[int]] = []

    def bead(self, ru_lines: list[str], en_lines: list[str], pairs: list[int]) -> None:
        self.gold.append(
            (
                list(range(len(self.ru), len(self.ru) + len(ru_lines))),
                list(range(len(self.en), len(self.en) + len(en_lines))),
            )
        )
        self.ru.extend(ru_lines)
        self.en.extend(en_lines)
        self.sources.append(pairs)


def _edge_drops(gen: Generator, n: int, rng: random.Random) -> dict[int, str]:
    """Pairs at the document's ends whose Russian ("ru") or English ("en") side is removed."""
    out: dict[int, str] = {}
    for at_start in (True, False):
        if rng.random() < gen.edge:
            k = min(rng.randint(*gen.edge_len), max(0, n // 4))
            side = rng.choice(("ru", "en"))
            ids = range(k) if at_start else range(n - k, n)
            out.update((i, side) for i in ids)
    return out


def derive_doc(gen: Generator, doc_id: str, ru: list[str], en: list[str], rng: random.Random):
    """One document rewritten by ``gen`` (see the module docstring)."""
    w = _Writer()
    edges = _edge_drops(gen, len(ru), rng)
    kinds = [*gen.merge.items(), ("drop", gen.drop), ("run", gen.run), ("cross", gen.cross)]
    i, n = 0, len(ru)
    while i < n:
        if i in edges:  # the other side is dropped
            w.bead([ru[i]], [], [i]) if edges[i] == "en" else w.bead([], [en[i]], [i])
            i += 1
            continue
        r, kind, acc = rng.random(), "1-1", 0.0
        for k, rate in kinds:
            acc += rate
            if r < acc:
                kind = k
                break
        size = {"2-1": 2, "1-2": 2, "3-1": 3, "1-3": 3, "cross": 3}.get(kind, 1)
        if kind == "run":
            size = rng.randint(*gen.run_len)
        if i + size > n or any(j in edges for j in range(i, i + size)):
            kind, size = "1-1", 1
        ids = list(range(i, i + size))
        if kind in ("2-1", "3-1"):
            w.bead(ru[i : i + size], [" ".join(en[i : i + size])], ids)
        elif kind in ("1-2", "1-3"):
            w.bead([" ".join(ru[i : i + size])], en[i : i + size], ids)
        elif kind in ("drop", "run"):
            side = rng.choice(("ru", "en"))
            for j in ids:
                w.bead([ru[j]], [], [j]) if side == "ru" else w.bead([], [en[j]], [j])
        elif kind == "cross":
            w.bead([ru[i], f"{ru[i + 1]} {ru[i + 2]}"], [f"{en[i]} {en[i + 1]}", en[i + 2]], ids)
        else:
            _one_pair(gen, w, ru[i], en[i], i, rng)
        i += size
    return DerivedDoc(doc_id, w.ru, w.en, w.gold, w.sources)


def _one_pair(gen: Generator, w: _Writer, ru: str, en: str, i: int, rng: random.Random) -> None:
    """A 1-1 pair, or a 1-2 / 2-1 bead when one long side is cut in two."""
    side = rng.choice(("ru", "en"))
    text = ru if side == "ru" else en
    parts = split_at_comma(text) if len(text) >= gen.split_min_chars else None
    if parts is None or rng.random() >= gen.split:
        w.bead([ru], [en], [i])
    elif side == "ru":
        w.bead(list(parts), [en], [i])
    else:
        w.bead([ru], list(parts), [i])


def generate(gen: Generator, ntrex: Path) -> list[DerivedDoc]:
    """The documents of ``gen``'s split, rewritten (deterministic for the generator's seed)."""
    rng = random.Random(gen.seed)
    return [
        derive_doc(gen, f"{k:03d}-{doc_id}", ru, en, rng)
        for k, (doc_id, ru, en) in enumerate(ntrex_documents(ntrex))
        if ntrex_alignment_split(k) == gen.split_name
    ]


def phenomenon(bead: RawBead) -> str:
    """The reporting group of a bead: ``1-1``, ``1-0/0-1``, ``1-2/2-1`` or ``n-m`` (larger)."""
    m, n = len(bead[0]), len(bead[1])
    if m == 0 or n == 0:
        return "1-0/0-1"
    if m == n == 1:
        return "1-1"
    return "1-2/2-1" if m + n == 3 else "n-m"


PHENOMENA = ("1-1", "1-0/0-1", "1-2/2-1", "n-m")


def phenomenon_f1(
    gold: list[list[RawBead]], pred: list[list[RawBead]]
) -> dict[str, tuple[float, int]]:
    """Per phenomenon: exact-match F1 of beads of that group (precision over predicted beads
    of the group, recall over gold beads of the group; 1-0/0-1 included) and the gold count."""
    out: dict[str, tuple[float, int]] = {}
    for ph in PHENOMENA:
        tp = n_gold = n_pred = 0
        for g, p in zip(gold, pred, strict=True):
            gs = {(tuple(s), tuple(t)) for s, t in g if phenomenon((s, t)) == ph}
            ps = {(tuple(s), tuple(t)) for s, t in p if phenomenon((s, t)) == ph}
            tp += len(gs & ps)
            n_gold += len(gs)
            n_pred += len(ps)
        f1 = 2 * tp / (n_gold + n_pred) if n_gold + n_pred else float("nan")
        out[ph] = (f1, n_gold)
    return out
