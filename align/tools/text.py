"""Plain line-aligned text for MT training and evaluation: ``PREFIX.ru`` and ``PREFIX.en``.

Line *k* of ``PREFIX.ru`` and line *k* of ``PREFIX.en`` are the two sides of one bead (beads
with an empty side are left out); ``PREFIX.ids`` holds ``doc_id<TAB>bead_id`` per line (a
backslash, tab, newline or carriage return in a doc_id written as ``\\``, ``\t``, ``\n``,
``\r``, so that every line is one bead). Filters keep beads up to a divergence score, of
chosen alignment types and divergence labels. All files are written to
temporary names and renamed into place only when all are complete.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from pathlib import Path

from align.export.read import Exported
from align.io import atomic_files


@dataclass(frozen=True)
class TextExport:
    paths: tuple[Path, ...]
    lines: int
    skipped: int  # beads left out: an empty side, or filtered


_ID_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def escape_id(doc_id: str) -> str:
    """A doc_id on one line of ``PREFIX.ids`` (backslash escapes)."""
    return doc_id.translate(_ID_ESCAPES)


def _one_line(text: str) -> str:
    return " ".join(text.split())


def write_text(
    data: Exported,
    prefix: str | Path,
    *,
    max_divergence: float | None = None,
    types: Collection[str] | None = None,
    labels: Collection[str] | None = None,
    progress: bool = True,
) -> TextExport:
    """Write ``PREFIX.ru``, ``PREFIX.en`` and ``PREFIX.ids``; return what was written."""
    label = "text" if progress else None
    rows = list(
        data.pairs(max_divergence=max_divergence, types=types, labels=labels, progress=label)
    )
    base = str(prefix)
    paths = tuple(Path(f"{base}.{ext}") for ext in ("ru", "en", "ids"))
    with atomic_files(*paths) as (ru, en, ids):
        ru.write_text("".join(_one_line(r["translation"]["ru"]) + "\n" for r in rows), "utf-8")
        en.write_text("".join(_one_line(r["translation"]["en"]) + "\n" for r in rows), "utf-8")
        ids.write_text(
            "".join(f"{escape_id(r['doc_id'])}\t{r['bead_id']}\n" for r in rows), "utf-8"
        )
    return TextExport(paths, len(rows), data.sentences.num_rows - len(rows))
