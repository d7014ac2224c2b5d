"""Word-level cross-lingual coverage: which Russian words have an English counterpart, and back.

The divergence scorer's finest signal. Every word is embedded on its own with the sentence
encoder (a multilingual encoder places a word and its translation close: город/city 0.93,
сообщает/reports 0.80 with ``use-m3``), numbers and Latin-script tokens that occur verbatim on
both sides count as exact matches, and capitalised Russian words are matched to English words
by transliteration (Галузин ↔ Galuzin). Similarities ``s`` are turned into soft match
probabilities ``m = sigmoid((s - center) / width)``.

* A Russian word is covered by the English word it is paired with in a one-to-one assignment
  (``scipy.optimize.linear_sum_assignment`` over ``m``): two Russian words cannot both lean on
  one English word, so removing one of two occurrences of "head" from the English leaves one
  Russian word uncovered. ``1 - m`` of its pair is how *omitted* it is.
* An English word is covered by its best Russian match (no assignment: the Russian side is what
  the English is checked against, so an English word does not get less covered because another
  English word was added). ``1 - m`` is how *added* it is.

English articles are left out (Russian has none). Function words (prepositions, conjunctions,
particles, pronouns, auxiliaries: :data:`align.divergence.lexicon.FUNCTION_WORDS`) weigh ``function_weight`` (default
0.3) instead of 1: they are often legitimately without a counterpart (a Russian case ending
does the work of "of"), and their standalone embeddings are noisy — alone, "на" sits at 0.69
from "squarely". ``omitted_mass`` and ``added_mass`` are the weighted uncovered shares divided
by the Russian side's total weight — the source's size, so that for one source text more
uncovered English always means a larger ``added_mass``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from scipy.optimize import linear_sum_assignment

from align.divergence.clauses import words
from align.divergence.lexicon import EN_ARTICLES, FUNCTION_WORDS, NAME_MATCH
from align.divergence.translit import is_cyrillic, name_similarity
from align.encoders import TextEncoder
from align.model import Span

FUNCTION_WEIGHT = 0.3  # fitted on dev (DEMETR + NTREX word pairs): 0.1-0.5 rank alike, 1.0 worse


@dataclass(frozen=True)
class Coverage:
    """Per-word match probabilities of one Russian/English pair."""

    ru_words: list[Span]
    en_words: list[Span]  # articles left out
    ru_cov: NDArray[np.float64]  # per Russian word: match probability of its assigned partner
    en_cov: NDArray[np.float64]  # per English word: match probability of its best Russian word
    ru_weight: NDArray[np.float64]  # per Russian word: 1, or function_weight for function words
    en_weight: NDArray[np.float64]

    @property
    def omitted_mass(self) -> float:
        return float((self.ru_weight * (1.0 - self.ru_cov)).sum()) / self._size

    @property
    def added_mass(self) -> float:
        return float((self.en_weight * (1.0 - self.en_cov)).sum()) / self._size

    @property
    def _size(self) -> float:
        return max(1.0, float(self.ru_weight.sum()))

    def uncovered_in(self, span: Span, lang: str) -> float:
        """Weighted mean uncovered share of the words inside ``span`` (offsets into that side)."""
        ws, cov, wt = (
            (self.ru_words, self.ru_cov, self.ru_weight)
            if lang == "ru"
            else (self.en_words, self.en_cov, self.en_weight)
        )
        inside = np.array([span.start <= w.start < span.end for w in ws], dtype=bool)
        if not inside.any() or wt[inside].sum() <= 0:
            return 0.0
        return float((wt[inside] * (1.0 - cov[inside])).sum() / wt[inside].sum())


def content_words(text: str, lang: str) -> list[Span]:
    ws = words(text)
    if lang == "en":
        ws = [w for w in ws if w.text.lower() not in EN_ARTICLES]
    return ws


def word_weights(ws: Sequence[Span], lang: str, function_weight: float) -> NDArray[np.float64]:
    fw = FUNCTION_WORDS[lang]
    return np.array([function_weight if w.text.lower() in fw else 1.0 for w in ws])


def _exact(ru: str, en: str) -> float:
    """1.0 for the same number / Latin token, the name similarity for a capitalised Russian word."""
    if ru == en or (not is_cyrillic(ru) and ru.lower() == en.lower()):
        return 1.0
    if is_cyrillic(ru) and ru[:1].isupper() and en[:1].isupper():
        sim = name_similarity(ru, en)
        return 1.0 if sim >= NAME_MATCH else 0.0
    return 0.0


def similarity_matrix(
    ru_words: Sequence[str], en_words: Sequence[str], vecs: dict[str, NDArray[np.float32]]
) -> NDArray[np.float64]:
    """Cosine of the standalone word embeddings, raised to 1 for exact / transliterated matches."""
    a = np.stack([vecs[w] for w in ru_words]).astype(np.float64)
    b = np.stack([vecs[w] for w in en_words]).astype(np.float64)
    sim = np.clip(a @ b.T, 0.0, 1.0)
    for i, r in enumerate(ru_words):
        if r.isalpha() and is_cyrillic(r) and not r[:1].isupper():
            continue  # lower-case Cyrillic words have no exact counterpart
        for j, e in enumerate(en_words):
            if _exact(r, e):
                sim[i, j] = 1.0
    return sim


def match_probability(sim: NDArray[np.float64], center: float, width: float) -> NDArray[np.float64]:
    return 1.0 / (1.0 + np.exp(-(sim - center) / width))


def coverage(
    ru: str,
    en: str,
    vecs: dict[str, NDArray[np.float32]],
    center: float,
    width: float,
    function_weight: float = FUNCTION_WEIGHT,
) -> Coverage:
    """The coverage of one pair; ``vecs`` holds the embedding of every word of both sides."""
    rw, ew = content_words(ru, "ru"), content_words(en, "en")
    rwt, ewt = word_weights(rw, "ru", function_weight), word_weights(ew, "en", function_weight)
    if not rw or not ew:
        return Coverage(rw, ew, np.zeros(len(rw)), np.zeros(len(ew)), rwt, ewt)
    sim = similarity_matrix([w.text for w in rw], [w.text for w in ew], vecs)
    m = match_probability(sim, center, width)
    rows, cols = linear_sum_assignment(-m)
    ru_cov = np.zeros(len(rw))
    ru_cov[rows] = m[rows, cols]
    return Coverage(rw, ew, ru_cov, m.max(axis=0), rwt, ewt)


def word_vectors(
    encoder: TextEncoder, texts: Sequence[tuple[str, str]]
) -> dict[str, NDArray[np.float32]]:
    """Standalone embeddings of every distinct word of the pairs (one batched ``embed`` call)."""
    vocab = list(dict.fromkeys(w.text for ru, en in texts for t in (ru, en) for w in words(t)))
    if not vocab:
        return {}
    return dict(zip(vocab, encoder.embed(vocab), strict=True))
