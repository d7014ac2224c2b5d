"""Progress bars (tqdm) that follow the usual conventions of command-line tools.

A bar is drawn only when it was asked for (``-q`` turns it off), stderr is a terminal (or a
Jupyter kernel, which draws tqdm's widget), and ``TQDM_DISABLE`` is not set: a log file or a
CI job never gets a screenful of carriage returns. tqdm reads ``TQDM_DISABLE`` only when the
caller passes no ``disable``; every bar of the toolkit is made here so that it always counts.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable
from typing import Any, TypeVar

from tqdm.auto import tqdm

T = TypeVar("T")
_FALSE = {"", "0", "false", "no", "off"}


def _in_notebook() -> bool:
    """Whether this process is a Jupyter kernel (not merely one that imported ipykernel)."""
    ipython = sys.modules.get("IPython")
    shell = ipython.get_ipython() if ipython is not None else None
    return shell is not None and type(shell).__name__ == "ZMQInteractiveShell"


def progress_wanted(requested: bool = True) -> bool:
    """Whether to draw a progress bar: asked for, ``TQDM_DISABLE`` unset, stderr a terminal."""
    if not requested or os.environ.get("TQDM_DISABLE", "").strip().lower() not in _FALSE:
        return False
    if _in_notebook():  # tqdm.auto draws a widget there, not to stderr
        return True
    stream = sys.stderr
    return bool(stream is not None and hasattr(stream, "isatty") and stream.isatty())


def progress_bar[T](
    iterable: Iterable[T] | None = None, *, show: bool = True, **kwargs: Any
) -> tqdm[T]:
    """A tqdm bar, disabled unless :func:`progress_wanted`."""
    return tqdm(iterable, disable=not progress_wanted(show), **kwargs)
