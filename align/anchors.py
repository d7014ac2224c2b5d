"""Lexical anchors that cross scripts, as extra embedding dimensions for bertalign.

Numbers, and words that look like names (capitalised words that do not start the sentence,
words with digits or Latin letters inside Cyrillic text), are transliterated to Latin ASCII,
lower-cased and cut to their first few letters; each such token is hashed into a fixed-size
bag (``dim`` buckets). :class:`AnchoredEncoder` appends ``sqrt(weight)`` times the L2-normalised
bag of every bertalign window to the window's sentence embedding, so that bertalign's dot
product becomes ``cosine(embeddings) + weight * cosine(anchor bags)``: a pair of windows that
share a number or a name scores higher, one sharing nothing scores as before. bertalign's
algorithm (first and second pass, margin, length penalty) is unchanged.
"""

from __future__ import annotations

import re
import unicodedata
import zlib
from collections.abc import Sequence
from functools import lru_cache

import numpy as np
from bertalign import Encoder
from bertalign.utils import yield_overlaps
from numpy.typing import NDArray

from align.encoders import TextEncoder

_CYR = dict(
    zip(
        "абвгдеёжзийклмнопрстуфхцчшщъыьэюя",
        [
            "a",
            "b",
            "v",
            "g",
            "d",
            "e",
            "e",
            "zh",
            "z",
            "i",
            "i",
            "k",
            "l",
            "m",
            "n",
            "o",
            "p",
            "r",
            "s",
            "t",
            "u",
            "f",
            "kh",
            "ts",
            "ch",
            "sh",
            "shch",
            "_",
            "y",
            "_",
            "e",
            "iu",
            "ia",
        ],
        strict=True,
    )
)
_TOKEN = re.compile(r"\w+", re.UNICODE)


@lru_cache(maxsize=200_000)
def latin(token: str) -> str:
    """Lower-cased ASCII form of a token: Cyrillic transliterated, accents stripped."""
    out = "".join(_CYR.get(c, c) for c in token.lower()).replace("_", "")
    out = unicodedata.normalize("NFKD", out)
    return "".join(c for c in out if c.isascii())


def anchor_tokens(text: str, prefix: int = 4) -> list[str]:
    """Anchor tokens of a text: numbers, and name-like words cut to ``prefix`` letters."""
    out: list[str] = []
    for k, m in enumerate(_TOKEN.finditer(text)):
        tok = m.group()
        if any(c.isdigit() for c in tok):
            digits = "".join(c for c in tok if c.isdigit())
            out.append("#" + digits.lstrip("0")[:8] if digits.strip("0") else "#0")
            continue
        if len(tok) < 2:
            continue
        name_like = (k > 0 and tok[0].isupper()) or tok.isupper()
        if name_like:
            lat = latin(tok)
            if len(lat) >= 2:
                out.append(lat[:prefix])
    return out


def anchor_bags(texts: Sequence[str], dim: int = 1024, prefix: int = 4) -> NDArray[np.float32]:
    """L2-normalised hashed bags of anchor tokens (rows of zeros for texts without anchors)."""
    bags = np.zeros((len(texts), dim), dtype=np.float32)
    for i, text in enumerate(texts):
        for tok in set(anchor_tokens(text, prefix)):
            bags[i, zlib.crc32(tok.encode()) % dim] += 1.0
    norms = np.linalg.norm(bags, axis=1, keepdims=True)
    return bags / np.maximum(norms, 1e-12)


class AnchoredEncoder(Encoder):
    """Wraps a :class:`TextEncoder`: embeddings with appended anchor bags (see module doc)."""

    def __init__(
        self, inner: TextEncoder, weight: float, dim: int = 1024, prefix: int = 4
    ) -> None:  # bertalign.Encoder.__init__ would load a model: not called
        self.inner = inner
        self.weight = weight
        self.dim = dim
        self.prefix = prefix
        self.model_name = inner.model_name

    def transform(
        self, sents: Sequence[str], num_overlaps: int
    ) -> tuple[NDArray[np.float32], NDArray[np.int64]]:
        vecs, lens = self.inner.transform(sents, num_overlaps)
        if self.weight <= 0:
            return vecs, lens
        windows = list(yield_overlaps(sents, num_overlaps))
        bags = anchor_bags(windows, self.dim, self.prefix).reshape(num_overlaps, len(sents), -1)
        bags *= np.float32(np.sqrt(self.weight))
        return np.concatenate([vecs, bags], axis=2), lens
