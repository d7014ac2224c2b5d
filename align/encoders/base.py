"""The encoder interface: a cached, normalised ``embed`` plus bertalign's ``transform``.

Encoders whose embedding is a small head over a sum of per-token features (USE) also expose
those features (:class:`TokenFeatures`, :meth:`TextEncoder.token_features`) and the head
(:meth:`TextEncoder.embed_features`), so that callers build embeddings of windows, joined texts
and texts with a piece left out by composition instead of encoding new strings. Encoders that
cannot (sentence-transformers) answer ``None`` and callers fall back to :meth:`embed`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from align._bertalign import import_bertalign

Encoder = import_bertalign().Encoder
from bertalign.utils import yield_overlaps  # noqa: E402


@dataclass(frozen=True)
class TokenFeatures:
    """Per text: the summed features of its inner tokens, its BOS and EOS token features, and
    its token count (BOS and EOS included). Rows are texts."""

    inner: NDArray[np.float32]
    bos: NDArray[np.float32]
    eos: NDArray[np.float32]
    n_tokens: NDArray[np.int64]

    @property
    def full(self) -> NDArray[np.float32]:
        """The feature sum of each whole text (inner + BOS + EOS): what the head embeds."""
        return self.inner + self.bos + self.eos

    @property
    def n_inner(self) -> NDArray[np.int64]:
        """Inner tokens per text (BOS/EOS not counted): what a piece adds when composed."""
        return self.n_tokens - 2

    def __len__(self) -> int:
        return len(self.n_tokens)


def drop_span(text: str, start: int, end: int) -> str:
    """``text`` with ``text[start:end]`` left out (one space where it was, ends stripped)."""
    return (text[:start] + " " + text[end:]).strip()


class TextEncoder(Encoder):
    """Base class: a cached, normalised ``embed`` plus bertalign's ``transform``."""

    model_name: str
    dim: int
    device: str = "cpu"  # where the model runs ("cuda:0" for a sentence-transformers model on GPU)

    def __init__(self) -> None:  # bertalign.Encoder.__init__ would load a SentenceTransformer
        self._cache: dict[str, NDArray[np.float32]] = {}
        self.encode_seconds = 0.0  # time spent in the model itself (for benchmarks)

    def _encode(self, texts: list[str]) -> NDArray[np.float32]:
        raise NotImplementedError

    def embed(self, texts: Sequence[str]) -> NDArray[np.float32]:
        """Embed texts (L2-normalised rows); each distinct text is encoded once per encoder."""
        missing = list(dict.fromkeys(t for t in texts if t not in self._cache))
        if missing:
            vecs = np.asarray(self._encode(missing), dtype=np.float32)
            norms = np.linalg.norm(vecs, axis=1, keepdims=True)
            vecs = vecs / np.maximum(norms, 1e-12)
            self._cache.update(zip(missing, vecs, strict=True))
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return np.stack([self._cache[t] for t in texts])

    def embed_joined(self, parts: Sequence[Sequence[str]]) -> NDArray[np.float32]:
        """Embeddings of texts given as their pieces, each text being ``" ".join(pieces)``
        (a paragraph as its sentences, a run of clauses). Encoders that can build them from
        the pieces' features (:class:`USEEncoder`) do so without encoding the joined text.
        An empty list of pieces gives a zero vector."""
        texts = [" ".join(p) for p in parts]
        self.register_joined({t: list(p) for t, p in zip(texts, parts, strict=True) if p})
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        idx = [i for i, p in enumerate(parts) if p]
        if idx:
            out[idx] = self.embed([texts[i] for i in idx])
        return out

    def register_joined(self, joined: dict[str, list[str]]) -> None:
        """Declare texts that are their pieces joined by spaces (a paragraph and its
        sentences), so that an encoder that can (:class:`USEEncoder`) builds their features
        from the pieces' instead of encoding them again. Others ignore it."""

    def clear_cache(self) -> None:
        """Forget cached embeddings (the pipeline calls it after each document)."""
        self._cache.clear()

    def reset(self) -> None:
        """Forget everything kept from earlier texts, so that what follows is computed as in
        a fresh process (long runs call it at each shard: a resumed run then equals one run)."""
        self.clear_cache()

    def forget(self, texts: Sequence[str]) -> None:
        """Drop what is cached for these texts (e.g. paragraphs after the paragraph pass)."""
        for t in texts:
            self._cache.pop(t, None)

    # ---- composition capabilities (see the module docstring) ----
    composable: bool = False  # True when token_features / embed_features are implemented

    def token_features(self, texts: Sequence[str]) -> TokenFeatures | None:
        """Per-token feature sums of ``texts``, or ``None`` when this encoder has none."""
        return None

    def embed_features(
        self, sums: NDArray[np.float32], n_tokens: NDArray[np.int64]
    ) -> NDArray[np.float32]:
        """Embeddings (L2-normalised) from feature sums and token counts (composable only)."""
        raise NotImplementedError(f"{type(self).__name__} has no token features")

    def embed_without(
        self, texts: Sequence[str], pieces: Sequence[Sequence[tuple[int, int]]]
    ) -> list[NDArray[np.float32]]:
        """Per text: the embeddings of the text with each of its pieces (``(start, end)``
        character spans, e.g. its words) left out, rows in piece order.

        This default encodes each shortened string (one batched :meth:`embed` call); encoders
        with token features subtract the piece's features instead."""
        variants = [
            drop_span(t, a, b) or t for t, ps in zip(texts, pieces, strict=True) for a, b in ps
        ]
        vecs = self.embed(variants) if variants else np.zeros((0, self.dim), dtype=np.float32)
        return _split_rows(vecs, [len(ps) for ps in pieces])

    def transform(
        self, sents: Sequence[str], num_overlaps: int
    ) -> tuple[NDArray[np.float32], NDArray[np.int64]]:
        """bertalign's interface: embeddings and byte lengths of 1..num_overlaps windows."""
        overlaps = list(yield_overlaps(sents, num_overlaps))
        vecs = self.embed(overlaps).reshape(num_overlaps, len(sents), -1)
        lens = np.array([len(s.encode("utf-8")) for s in overlaps], dtype=np.int64)
        return vecs, lens.reshape(num_overlaps, len(sents))


def _split_rows(vecs: NDArray[np.float32], counts: Sequence[int]) -> list[NDArray[np.float32]]:
    out: list[NDArray[np.float32]] = []
    pos = 0
    for n in counts:
        out.append(vecs[pos : pos + n])
        pos += n
    return out
