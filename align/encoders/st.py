"""Any sentence-transformers model (LaBSE for users with internet); CUDA when available."""

from __future__ import annotations

import time

import numpy as np
from numpy.typing import NDArray

from align.encoders import cpu_threads
from align.encoders.base import TextEncoder


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
        if device is None:  # the GPU when there is one (sentence-transformers' own default)
            import torch

            device = "cuda" if torch.cuda.is_available() else "cpu"
        self.model = SentenceTransformer(model_name, device=device)
        self.device = str(self.model.device)
        self.model_name = model_name
        dim = self.model.get_sentence_embedding_dimension()
        self.dim = int(dim) if dim else 768

    def _encode(self, texts: list[str]) -> NDArray[np.float32]:
        t0 = time.perf_counter()
        out = np.asarray(self.model.encode(texts, batch_size=64), dtype=np.float32)
        self.encode_seconds += time.perf_counter() - t0
        return out
