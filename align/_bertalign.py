"""Import bertalign without loading sentence-transformers (and transformers) up front.

``bertalign/encoder.py`` imports ``sentence_transformers`` at module level, which pulls in
``transformers`` and costs seconds on every start, even though the toolkit's default encoder
(``use-m3``) never uses it: our encoders replace bertalign's ``Encoder.__init__``. We import
bertalign once with a placeholder module standing in for ``sentence_transformers`` whose
``SentenceTransformer`` imports the real class on first call; the placeholder is removed from
``sys.modules`` straight after, so any later ``import sentence_transformers`` (the
sentence-transformers encoder, LaBSE) gets the real package.
"""

from __future__ import annotations

import sys
import types
from typing import Any


def _lazy_sentence_transformer(*args: Any, **kwargs: Any) -> Any:
    from sentence_transformers import SentenceTransformer

    return SentenceTransformer(*args, **kwargs)


def import_bertalign() -> types.ModuleType:
    """``import bertalign``, deferring sentence-transformers until it is really used."""
    if "bertalign" in sys.modules:
        return sys.modules["bertalign"]
    if "sentence_transformers" in sys.modules:
        import bertalign

        return bertalign
    placeholder = types.ModuleType("sentence_transformers")
    placeholder.SentenceTransformer = _lazy_sentence_transformer  # type: ignore[attr-defined]
    sys.modules["sentence_transformers"] = placeholder
    try:
        import bertalign
    finally:
        if sys.modules.get("sentence_transformers") is placeholder:
            del sys.modules["sentence_transformers"]
    return bertalign


import_bertalign()
