"""Whole sentences without a counterpart, wherever the aligner put them.

The clause test of the scorer works inside one bead text and misses a whole sentence whose
translation was deleted when the aligner merged it into an m-n bead with its neighbour, or
paired it with an unrelated orphan of the other side (1-1 / 2-2 of unrelated sentences). This
module tests every *sentence* of a bead as a unit:

* ``best``: its highest cosine against the other side's sentences and runs of consecutive
  sentences (its translation, possibly merged with a neighbour, is one of them);
* ``gain``: how much leaving it out raises the bead's cosine (a sentence with a counterpart
  lowers the cosine when left out; an unrelated one raises it).

``p_unrelated(best)`` is a logistic curve of the cosine, fitted on natural data by
``scripts/fit_divergence.py``: the segment pairs of the WMT ru-en and NTREX *dev* documents
(translations) against pairs of two different segments of the same document (unrelated but on
the same topic), classes balanced. A sentence is *unmatched* when ``p_unrelated(best) > 0.5``
and leaving it out does not lower the bead's cosine; in a 1-1 bead (nothing to leave out) both
sentences are unmatched when the pair itself is unrelated. An unmatched Russian sentence is an
omitted span, an unmatched English sentence an added span.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from align.coverage import Coverage
from align.encoders import TextEncoder
from align.model import AlignedPair, Bead, Sentence, Span

DEBUG: list | None = None
MIN_UNCOVERED = 0.0
MAX_UNITS = 8  # beads with more sentences on a side are not tested (runs grow quadratically)


@dataclass(frozen=True)
class Relatedness:
    """``P(unrelated | cosine) = sigmoid(a * cosine + b)`` (fitted; see the module docstring)."""

    a: float = -14.0
    b: float = 6.0

    def p_unrelated(self, cos: float | NDArray) -> float | NDArray:
        return 1.0 / (1.0 + np.exp(-(self.a * np.asarray(cos) + self.b)))

    @property
    def threshold(self) -> float:
        """The cosine at which a pair is as likely unrelated as related."""
        return -self.b / self.a if self.a else math.nan


@dataclass(frozen=True)
class UnitResult:
    """Per bead: the unmatched sentences of each side (as spans of the bead's side text), and
    the strongest evidence each way (``p_unrelated`` of the least-matched sentence, 0 when no
    sentence could be tested)."""

    omitted: list[Span]
    added: list[Span]
    omit_p: float
    add_p: float


def _layout(sents: Sequence[Sentence], ids: Sequence[int]) -> list[Span]:
    """Each sentence's span in the bead text (sentences joined by a space)."""
    out, pos = [], 0
    for i in ids:
        t = sents[i].text
        out.append(Span(t, pos, pos + len(t)))
        pos += len(t) + 1
    return out


def _runs(n: int) -> list[tuple[int, int]]:
    return [(a, b) for a in range(n) for b in range(a + 1, n + 1)]


def unit_texts(aligned: AlignedPair) -> list[str]:
    """Every text :func:`check_units` embeds for one document (for one batched call)."""
    out: list[str] = []
    for b in aligned.beads:
        out += _bead_texts(aligned, b)
    return out


def _bead_texts(aligned: AlignedPair, b: Bead) -> list[str]:
    if not b.ru_ids or not b.en_ids or max(len(b.ru_ids), len(b.en_ids)) > MAX_UNITS:
        return []
    out: list[str] = []
    for lang, ids in (("ru", b.ru_ids), ("en", b.en_ids)):
        sents = aligned.seg.sents(lang)  # type: ignore[arg-type]
        texts = [sents[i].text for i in ids]
        out += [" ".join(texts[a:c]) for a, c in _runs(len(texts))]
        if len(texts) > 1:
            out += [" ".join(texts[:k] + texts[k + 1 :]) for k in range(len(texts))]
    return out


def check_units(
    aligned: AlignedPair,
    encoder: TextEncoder,
    covs: Sequence[Coverage | None],
    rel: Relatedness | None = None,
) -> list[UnitResult]:
    """The unit test for every bead of ``aligned`` (one batched embedding call); ``covs``: the
    scorer's word coverage of each bead (None where it was not computed)."""
    rel = rel or Relatedness()
    texts = list(dict.fromkeys(unit_texts(aligned)))
    vec = dict(zip(texts, encoder.embed(texts), strict=True)) if texts else {}
    return [
        _check_bead(aligned, b, vec, rel, cov) for b, cov in zip(aligned.beads, covs, strict=True)
    ]


def _check_bead(
    aligned: AlignedPair,
    b: Bead,
    vec: dict[str, NDArray[np.float32]],
    rel: Relatedness,
    cov: Coverage | None,
) -> UnitResult:
    if not b.ru_ids or not b.en_ids or max(len(b.ru_ids), len(b.en_ids)) > MAX_UNITS:
        return UnitResult([], [], 0.0, 0.0)
    side = {}
    for lang, ids in (("ru", b.ru_ids), ("en", b.en_ids)):
        sents = aligned.seg.sents(lang)  # type: ignore[arg-type]
        side[lang] = ([sents[i].text for i in ids], _layout(sents, ids))
    full = {lang: vec[" ".join(side[lang][0])] for lang in side}
    cos = float(full["ru"] @ full["en"])
    out: dict[str, tuple[list[Span], float]] = {}
    for lang, other in (("ru", "en"), ("en", "ru")):
        texts, spans = side[lang]
        otexts = side[other][0]
        runs = np.stack([vec[" ".join(otexts[a:c])] for a, c in _runs(len(otexts))])
        flagged: list[Span] = []
        top = 0.0
        for k, t in enumerate(texts):
            best = float((runs @ vec[t]).max())
            p = float(rel.p_unrelated(best))
            if len(texts) > 1:
                rest = vec[" ".join(texts[:k] + texts[k + 1 :])]
                gain = float(rest @ full[other]) - cos
                ok = gain > 0.0
            else:
                ok = True  # a 1-n bead: its only sentence has nothing to be compared without
            unc = cov.uncovered_in(spans[k], lang) if cov is not None else 1.0
            if DEBUG is not None:
                DEBUG.append((aligned.doc_id, lang, spans[k].text, b.alignment_type, best, p, ok, unc))
            if ok:
                top = max(top, p)
                if p > 0.5 and unc >= MIN_UNCOVERED:
                    flagged.append(spans[k])
        out[lang] = (flagged, top)
    return UnitResult(out["ru"][0], out["en"][0], out["ru"][1], out["en"][1])


def merge_spans(text: str, *groups: Sequence[Span]) -> list[Span]:
    """The union of span lists over one text, as sorted non-overlapping spans."""
    iv = sorted((s.start, s.end) for g in groups for s in g)
    out: list[list[int]] = []
    for a, c in iv:
        if out and a <= out[-1][1] + 1:
            out[-1][1] = max(out[-1][1], c)
        else:
            out.append([a, c])
    return [Span(text[a:c], a, c) for a, c in out]
