"""Clause splitting for Russian and English, with character offsets.

A sentence is cut at punctuation (commas and colons not inside numbers, semicolons, brackets,
quotes, spaced dashes) and before conjunctions and clause-introducing words (``и``, ``а``,
``но``, ``который``, ``что``, ``где`` ...; ``and``, ``but``, ``which``, ``who``, ``that``,
``while`` ...). Participial and adverbial-participle clauses in Russian are set off by commas,
so the punctuation cut finds them. A conjunction cut is made only when both pieces have at
least ``CONJ_MIN_WORDS`` words (``rain and snow`` stays whole); pieces shorter than
``min_words`` words are merged into a neighbour. Every :class:`~align.model.Span` satisfies
``text[span.start:span.end] == span.text`` and carries no surrounding punctuation or spaces.
"""

from __future__ import annotations

import re
from functools import lru_cache

from align.divergence.lexicon import CLAUSE_CONJUNCTIONS
from align.model import Span

_PUNCT_BREAK = re.compile(r"[;()\[\]«»\"“”„!?]|[,:](?!\d)|\s[-–—]+\s|\.(?=\s)")
_WORD = re.compile(r"\w+")
_STRIP = " \t\n,;:.!?()[]«»\"“”„-–—'"
CONJ_MIN_WORDS = 4


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start] in _STRIP:
        start += 1
    while end > start and text[end - 1] in _STRIP:
        end -= 1
    return start, end


def _nwords(text: str) -> int:
    return len(_WORD.findall(text))


def _conj_cuts(text: str, start: int, end: int, lang: str) -> list[tuple[int, int]]:
    """Cut ``text[start:end]`` before conjunctions where both sides keep enough words."""
    conj = CLAUSE_CONJUNCTIONS.get(lang, CLAUSE_CONJUNCTIONS["en"])
    words = list(_WORD.finditer(text, start, end))
    cuts = [start]
    for k, m in enumerate(words):
        if k == 0 or m.group().lower() not in conj:
            continue
        before = sum(1 for w in words if cuts[-1] <= w.start() < m.start())
        after = len(words) - k
        if before >= CONJ_MIN_WORDS and after >= CONJ_MIN_WORDS:
            cuts.append(m.start())
    bounds = [*cuts, end]
    return [(bounds[i], bounds[i + 1]) for i in range(len(bounds) - 1)]


def clauses(text: str, min_words: int = 3, lang: str = "en") -> list[Span]:
    """Split ``text`` into clause spans (offsets into ``text``), in order, non-overlapping."""
    pieces: list[tuple[int, int]] = []
    pos = 0
    for m in [*_PUNCT_BREAK.finditer(text), None]:
        stop = m.start() if m else len(text)
        for a, b in _conj_cuts(text, pos, stop, lang):
            a, b = _trim(text, a, b)
            if b > a and _WORD.search(text, a, b):
                pieces.append((a, b))
        if m:
            pos = m.end()
    merged: list[tuple[int, int]] = []
    for a, b in pieces:
        if merged and (
            _nwords(text[a:b]) < min_words
            or _nwords(text[merged[-1][0] : merged[-1][1]]) < min_words
        ):
            merged[-1] = (merged[-1][0], b)
        else:
            merged.append((a, b))
    # a short first piece merged forward above; a short last piece may remain: merge it back
    if len(merged) > 1 and _nwords(text[merged[-1][0] : merged[-1][1]]) < min_words:
        last = merged.pop()
        merged[-1] = (merged[-1][0], last[1])
    return [Span(text[a:b], a, b) for a, b in merged]


def words(text: str) -> list[Span]:
    """Word spans of ``text`` (a fresh list; the spans are cached per text: the scorer asks for
    the words of the same bead, clause and sentence texts ~45 times per bead, ~7% of a
    pipeline run's CPU uncached, measured with cProfile on 25 realdoc dev documents)."""
    return list(_words(text))


@lru_cache(maxsize=16384)
def _words(text: str) -> tuple[Span, ...]:
    return tuple(Span(m.group(), m.start(), m.end()) for m in _WORD.finditer(text))
