"""Stage 2 — sentence segmentation for Russian and English, offline.

Uses the rule-based ``sentence-splitter`` package (Koehn's Moses splitter with per-language
non-breaking-prefix lists; a bertalign dependency), which needs no downloaded data, unlike
NLTK's punkt models. Every sentence keeps its paragraph id and character offsets.
"""

from __future__ import annotations

import logging
import re
from functools import cache
from types import ModuleType
from typing import Any

from sentence_splitter import SentenceSplitter

from align.model import DocPair, Lang, SegmentedPair, Sentence

# Limits that keep time linear in the length of text without sentence boundaries (measured: a
# 40,000-character paragraph with no sentence punctuation took 83 s and 200,000 characters did
# not finish in 10 minutes, as one "sentence"; docs/reliability.md). A longer sentence is cut
# into pieces at the last clause punctuation or space before the limit; the splitter (whose
# time grows faster than linearly: 0.07 s at 40,000 characters, 2.3 s at 200,000) sees a
# paragraph in chunks of at most SPLIT_CHUNK_CHARS, cut after sentence-final punctuation.
MAX_SENTENCE_CHARS = 1000
SPLIT_CHUNK_CHARS = 20_000
_PIECE_BREAKS = (re.compile(r"[.!?…;:][\"»”')\]]*\s+"), re.compile(r",\s+"), re.compile(r"\s+"))
# Line-level typography of a sentence cut across lines (page and line breaks of extracted or
# OCR'd text, captions run into the text): a line that ends in a continuation mark is continued
# by the next one; a line that starts in lower case after a line without a final stop continues
# it. Used by align.fragments and align.refine (the same marks in every language of the toolkit).
CONTINUATION_MARKS = ",;:-–—("
_ENDS_SENTENCE = re.compile(r"[.!?…][\"'»”’)\]]*$")


def ends_open(line: str) -> bool:
    """Whether a line ends in a continuation mark (comma, semicolon, colon, dash, bracket)."""
    line = line.rstrip()
    return bool(line) and line[-1] in CONTINUATION_MARKS


def continues(prev: str, line: str) -> bool:
    """Whether ``line`` reads as the rest of the sentence that ``prev`` started: ``prev`` ends
    in a continuation mark, or ``line`` starts in lower case and ``prev`` has no final stop."""
    if ends_open(prev):
        return True
    head = line.lstrip()
    return bool(head) and head[0].islower() and not _ENDS_SENTENCE.search(prev.rstrip())


_log = logging.getLogger("align")


class _CompiledRegex:
    """Stands in for the ``regex`` module inside ``sentence_splitter``: the same ``sub``,
    ``split`` and ``search`` calls, on patterns compiled once. The splitter passes pattern
    strings (one ``search`` per word), and ``regex``'s own lookup of its compiled-pattern cache
    took 0.62 of the 0.91 s CPU spent splitting the 123 NTREX documents (cProfile)."""

    def __init__(self, module: ModuleType) -> None:
        self._module = module
        self._compiled: dict[tuple[str, int], Any] = {}

    def _get(self, pattern: str, flags: int) -> Any:
        key = (pattern, int(flags))
        if key not in self._compiled:
            self._compiled[key] = self._module.compile(pattern, flags)
        return self._compiled[key]

    def sub(self, pattern: str, repl: str, string: str, flags: int = 0) -> str:
        return self._get(pattern, flags).sub(repl, string)

    def split(self, pattern: str, string: str, flags: int = 0) -> list[str]:
        return self._get(pattern, flags).split(string)

    def search(self, pattern: str, string: str, flags: int = 0) -> Any:
        return self._get(pattern, flags).search(string)

    def __getattr__(self, name: str) -> Any:  # flags and anything else: the module's own
        return getattr(self._module, name)


# Abbreviations missing from the splitter's own non-breaking-prefix lists (Moses'), after which a
# capitalised word or a number does not start a new sentence. Found in the shared text by listing
# every sentence the splitter ended with a short word and a stop (WMT ru-en, NTREX, the seed) and
# every NTREX line (a sentence) it cut in two: «(... - прим. ТАСС)», «церкви Св. Мартина», «г.о.
# Серпухов», «Мерфи Дж. Пол», "the Cathedral of Sts. Peter and Paul", "Yu. Nikulin", "Det.
# Dennis McCarthy", "b. 1958" (``NUMERIC``: only before a number); tests/test_segment.py holds
# them. The others are added by hand as the same kinds (titles, Russian initials transliterated
# with two letters, place words), none of which ends a sentence. Left out on purpose, since they
# also end sentences: "a.m." / "p.m." ("at 5 a.m. Eastern time" splits), «долл.» («37 млрд.
# долл. США» splits).
EXTRA_PREFIXES: dict[Lang, tuple[str, ...]] = {
    "ru": (
        "прим",
        "Св",
        "св",
        "Свв",
        "г.о",
        "пос",
        "просп",
        "корр",
        "акад",
        "проф",
        "доц",
        "чл.-корр",
        "Дж",
    ),
    "en": ("Sts", "Yu", "Ya", "Yo", "Zh", "Kh", "Ts", "Mt", "Det", "Ft"),
}
EXTRA_NUMERIC_PREFIXES: dict[Lang, tuple[str, ...]] = {
    "ru": (),
    "en": ("b", "c", "ca", "Vol", "vol"),
}


def with_extra_prefixes(splitter: SentenceSplitter, lang: Lang) -> SentenceSplitter:
    """``splitter`` with :data:`EXTRA_PREFIXES` added to its non-breaking-prefix table (private
    to ``SentenceSplitter``, which offers no way to extend it but a whole prefix file)."""
    table = splitter._SentenceSplitter__non_breaking_prefixes  # type: ignore[attr-defined]
    kind = SentenceSplitter.PrefixType
    table.update(dict.fromkeys(EXTRA_PREFIXES.get(lang, ()), kind.DEFAULT))
    table.update(dict.fromkeys(EXTRA_NUMERIC_PREFIXES.get(lang, ()), kind.NUMERIC_ONLY))
    return splitter


@cache
def _splitter(lang: Lang) -> SentenceSplitter:
    import sentence_splitter

    if not isinstance(sentence_splitter.regex, _CompiledRegex):
        sentence_splitter.regex = _CompiledRegex(sentence_splitter.regex)  # type: ignore[assignment]
    return with_extra_prefixes(SentenceSplitter(language=lang), lang)


def cut_points(text: str, start: int, end: int, limit: int) -> list[tuple[int, int]]:
    """``text[start:end]`` as pieces of at most ``limit`` characters, each cut after the last
    sentence/clause punctuation or space of its window (mid-word only when there is none).
    Linear time: each window is searched once."""
    out: list[tuple[int, int]] = []
    while end - start > limit:
        window = text[start : start + limit]
        cut = limit
        for pattern in _PIECE_BREAKS:
            ends = [m.end() for m in pattern.finditer(window) if m.end() > limit // 2]
            if ends:
                cut = ends[-1]
                break
        piece = text[start : start + cut].rstrip()
        out.append((start, start + len(piece)))
        start += cut
        while start < end and text[start].isspace():
            start += 1
    if start < end:
        out.append((start, end))
    return out


def split_sentences(paragraph: str, lang: Lang) -> list[tuple[int, int]]:
    """Split one paragraph; return the (start, end) character offsets of its sentences.

    No sentence is longer than :data:`MAX_SENTENCE_CHARS` (longer ones are cut, with a note on
    stderr)."""
    spans: list[tuple[int, int]] = []
    for a, b in cut_points(paragraph, 0, len(paragraph), SPLIT_CHUNK_CHARS):
        spans += [(a + s, a + e) for s, e in _split_chunk(paragraph[a:b], lang)]
    out: list[tuple[int, int]] = []
    cut = 0
    for s, e in spans:
        pieces = cut_points(paragraph, s, e, MAX_SENTENCE_CHARS)
        cut += len(pieces) > 1
        out += pieces
    if cut:
        _log.warning(
            "%d %s sentence(s) longer than %d characters cut into pieces (text without "
            "sentence punctuation?): %.60s...",
            cut,
            lang,
            MAX_SENTENCE_CHARS,
            paragraph,
        )
    return out


# A dash after a sentence's final stop opens the next sentence: Russian direct speech and
# quotes («— Я приду, — сказал он. — Подождите меня.», «…, - цитирует его сайт NHL.com. -
# Сейчас мы свежие…»), where the Moses splitter, which wants a capital or quote after the
# stop, kept both sentences as one. The dash is blanked (same length, so offsets hold) for the
# splitter, which still decides with its abbreviation lists, and given back to the sentence it
# opens. Likewise the one-character ellipsis of typeset text («Он ушёл… Никто не знал.»),
# which the splitter does not take for a stop (it does "..."), is shown to it as a full stop.
_DASH_OPENS = re.compile(r"[.!?…][\"'»”’)\]]*\s+([-–—−])(?=\s)")
_ELLIPSIS = re.compile(r"(?<=[^\s(\[])…(?=[\"'»”’)\]]*\s)")


def _split_chunk(paragraph: str, lang: Lang) -> list[tuple[int, int]]:
    dashes = [m.start(1) for m in _DASH_OPENS.finditer(paragraph)]
    stops = [m.start() for m in _ELLIPSIS.finditer(paragraph)]
    if not (dashes or stops):
        return _moses_spans(paragraph, lang)
    chars = list(paragraph)
    for i in dashes:
        chars[i] = " "
    for i in stops:
        chars[i] = "."
    spans = _moses_spans("".join(chars), lang)
    return [(_opening_dash(paragraph, dashes, start), end) for start, end in spans]


def _opening_dash(paragraph: str, dashes: list[int], start: int) -> int:
    """``start``, moved back to a blanked dash that only spaces separate from it."""
    for i in dashes:
        if i < start and not paragraph[i + 1 : start].strip():
            return i
    return start


def _moses_spans(paragraph: str, lang: Lang) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    pos = 0
    for raw in _splitter(lang).split(text=paragraph):
        sent = raw.strip()
        if not sent:
            continue
        start = paragraph.find(sent, pos)
        if start >= 0:
            end = start + len(sent)
        elif found := _spaced(sent).search(paragraph, pos):  # the splitter merged spaces
            start, end = found.span()
        else:  # the splitter altered the text: fall back to the running position
            start = pos
            while start < len(paragraph) and paragraph[start].isspace():
                start += 1
            end = min(len(paragraph), start + len(sent))
        spans.append((start, end))
        pos = end
    return spans


def _spaced(sent: str) -> re.Pattern[str]:
    """``sent`` with any run of whitespace between its words."""
    return re.compile(r"\s+".join(re.escape(w) for w in sent.split()))


def segment_paragraphs(paragraphs: tuple[str, ...] | list[str], lang: Lang) -> tuple[Sentence, ...]:
    """Sentences of a document, numbered from 0 across paragraphs."""
    out: list[Sentence] = []
    for p, para in enumerate(paragraphs):
        for start, end in split_sentences(para, lang):
            out.append(Sentence(idx=len(out), text=para[start:end], para=p, start=start, end=end))
    return tuple(out)


def segment_pair(pair: DocPair) -> SegmentedPair:
    """Split both sides of a pair into sentences."""
    return SegmentedPair(
        pair=pair,
        ru=segment_paragraphs(pair.ru.paragraphs, "ru"),
        en=segment_paragraphs(pair.en.paragraphs, "en"),
    )


def presegmented_pair(pair: DocPair) -> SegmentedPair:
    """Treat each line (paragraph) as one sentence, for one-sentence-per-line data.

    Align such pairs with ``AlignConfig(paragraphs=False)``: lines are not paragraphs.
    """

    def sents(paras: tuple[str, ...]) -> tuple[Sentence, ...]:
        return tuple(Sentence(i, t, para=i, start=0, end=len(t)) for i, t in enumerate(paras))

    return SegmentedPair(pair=pair, ru=sents(pair.ru.paragraphs), en=sents(pair.en.paragraphs))
