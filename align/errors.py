"""Errors that the CLI turns into one-line messages (what and where), never tracebacks."""

from __future__ import annotations

from pathlib import Path


class AlignError(Exception):
    """Base class for user-facing errors."""


class InputError(AlignError):
    """Bad input: the message names the file (or folder) and the problem."""

    def __init__(self, path: str | Path, problem: str) -> None:
        self.path = str(path)
        self.problem = problem
        super().__init__(f"{self.path}: {problem}")


class EncoderLoadError(AlignError):
    """The requested encoder could not be loaded (e.g. a hub model while offline)."""
