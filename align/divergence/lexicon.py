"""Word lists of the divergence scorer: the one place where its language knowledge is defined.

Each list is a separate concept with its own use; they overlap but are not interchangeable
(a word can be a function word for coverage weighting and still start a clause), and each was
fitted on dev data as it is, so merging them would change the scores.
"""

from __future__ import annotations

import re


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# English articles: Russian has none, so they are left out of word coverage.
EN_ARTICLES = frozenset({"a", "an", "the"})

# Function words (prepositions, conjunctions, particles, pronouns, auxiliaries): often without a
# counterpart (a Russian case ending does the work of "of") and with noisy standalone embeddings,
# so they weigh less in word coverage. Negations (не, ни, not) are content: leaving one out
# changes the meaning.
FUNCTION_WORDS: dict[str, frozenset[str]] = {
    "ru": _words(
        """а без бы был была были было быть в во вы да для до его ее еще ещё её же за и из или их
к как ко когда которая которого которое которой котором которые который которым которых
ли между мы на над но о об обо он она они оно от по под при с свое своего своей свои
своим своих своя своё со так также там тем то том у уже что чтобы эта эти этих это
этого этой этом этот я"""
    ),
    "en": _words(
        """about after also and are as at be been before being but by can could did do does for
from had has have he her his i if in into is it its may might my of on or our shall she
should so such than that their them then there these they this those to us was we were
which who whom whose will with would you your"""
    ),
}

# Capitalised English words that are not names (sentence-initial function words, weekdays,
# months, small numbers): never treated as a name that needs a transliterated Russian match.
EN_NON_NAMES = _words(
    """after also and april august before but december february for friday from had has have
her his its january july june march may monday not november october one our saturday
september sunday that the their then there these they this those three thursday tuesday
two wednesday what when where which while with"""
)

# Words that start a new clause when the clause before them is long enough (clause splitting).
CLAUSE_CONJUNCTIONS: dict[str, frozenset[str]] = {
    "ru": _words(
        """а где если зато и или как когда которая которого которое которой котором которому
которые который которым которыми которых куда либо но однако откуда пока поскольку
после потому при причем причём так тогда хотя что чтобы этом"""
    ),
    "en": _words(
        """after although and as because before but if nor or since so that though unless until
when where whereas which while who whom whose yet"""
    ),
}

# Transliteration similarity (align.divergence.translit.name_similarity) at which a Russian
# capitalised word and an English one count as the same name.
NAME_MATCH = 0.8

# Number formats: Russian writes a decimal comma and a space (or a no-break / thin space) between
# groups of thousands ("26 750", "17,2"), English a thousands comma and a decimal point ("26,750",
# "17.2"). Numbers are compared in one form: the digits, "." before the decimals. (Compared as
# written, a Russian decimal or thousands number never matched its English translation, and the
# clause model's anchor feature called such a clause's numbers missing.)
_NUMBER: dict[str, re.Pattern[str]] = {
    "ru": re.compile(
        r"(?<![\d.,])\d{1,3}(?:[ \u00a0\u202f]\d{3})+(?:,\d+)?(?!\d)|\d+(?:[.,:]\d+)*"
    ),
    "en": re.compile(r"\d+(?:[.,:]\d+)*"),
}
_RU_DECIMAL = re.compile(r"\d+,\d+")
_EN_THOUSANDS = re.compile(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?")


def numbers(text: str, lang: str) -> set[str]:
    """The numbers of a text in the common form ("26750", "17.2"; times and dates as written)."""
    out = set()
    for tok in _NUMBER[lang].findall(text):
        if lang == "ru":
            tok = re.sub(r"[ \u00a0\u202f]", "", tok)
            if _RU_DECIMAL.fullmatch(tok):
                tok = tok.replace(",", ".")
        elif _EN_THOUSANDS.fullmatch(tok):
            tok = tok.replace(",", "")
        out.add(tok)
    return out
