"""Errors that the CLI turns into one-line messages (what and where), never tracebacks."""

from __future__ import annotations

import os
import signal
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


class AlignError(Exception):
    """Base class for user-facing errors."""


class InputError(AlignError):
    """Bad input: the message names the file (or folder) and the problem."""

    def __init__(self, path: str | Path, problem: str) -> None:
        self.path = str(path)
        self.problem = problem
        super().__init__(f"{self.path}: {problem}")

    def __reduce__(self):  # -> (class, args): a worker process sends it back pickled
        return type(self), (self.path, self.problem)


class EncoderLoadError(AlignError):
    """The requested encoder could not be loaded (e.g. a hub model while offline)."""


class Terminated(BaseException):
    """SIGTERM: unwinds like Ctrl-C, so temporaries are removed and workers stopped."""


# A signal handler may run between any two bytecodes of the main thread, also inside a library
# that must not be interrupted half-way (building a worker pool) or inside a ``__del__``, where
# an exception is printed and ignored. So the CLI's handler (:func:`on_signal`) records the
# request; code that must not be cut runs in :func:`signals_deferred`, and the pipeline checks
# the record between documents (:func:`check_interrupted`).
_SIGNALS: dict[str, object] = {"defer": 0, "pending": None}


def on_signal(error: type[BaseException]):  # -> a signal handler raising ``error``
    """A handler for this process. A forked worker that gets the signal before it has set its
    own handlers takes the default action (a worker must die when the pool terminates it)."""
    owner = os.getpid()

    def handler(signum: int, frame: object) -> None:
        if os.getpid() != owner:
            signal.signal(signum, signal.SIG_DFL)
            os.kill(os.getpid(), signum)
            return
        _SIGNALS["pending"] = error
        if not _SIGNALS["defer"]:
            raise error

    return handler


def check_interrupted() -> None:
    """Raise the interruption a signal asked for, if one did (a checkpoint)."""
    error = _SIGNALS["pending"]
    if error is not None:
        raise error  # type: ignore[misc]


def reset_interrupted() -> None:
    _SIGNALS["pending"] = None


@contextmanager
def signals_deferred() -> Iterator[None]:
    """Run the block to its end before a SIGTERM/SIGINT taken meanwhile is raised."""
    _SIGNALS["defer"] = int(_SIGNALS["defer"]) + 1  # type: ignore[call-overload]
    try:
        yield
    finally:
        _SIGNALS["defer"] = int(_SIGNALS["defer"]) - 1  # type: ignore[call-overload]
    if not _SIGNALS["defer"]:
        check_interrupted()
