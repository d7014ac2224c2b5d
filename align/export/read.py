"""Read an exported dataset folder back (what ``align run`` wrote) for the researcher tools.

Every tool after export (report, TMX, text, MT evaluation, hub push) works from the folder
alone, through the same ``datasets`` objects a user loads, never from in-memory pipeline state.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator
from dataclasses import dataclass
from pathlib import Path

from datasets import Dataset, DatasetDict, load_from_disk

from align.errors import InputError
from align.model import Wording, wording
from align.progress import progress_bar

__all__ = ["Exported", "Wording", "load_exported", "wording"]  # wording: for the tools

CONFIGS = ("sentences", "documents")
REQUIRED_COLUMNS = (
    "doc_id",
    "bead_id",
    "translation",
    "alignment_type",
    "divergence_score",
    "divergence_label",
    "omitted_spans",
    "added_spans",
)


@dataclass(frozen=True)
class Exported:
    """An exported dataset: the two tables and the names of the divergence labels."""

    path: Path
    sentences: Dataset
    documents: Dataset

    @property
    def label_names(self) -> list[str]:
        return list(self.sentences.features["divergence_label"].names)

    def label(self, row: dict) -> str:
        return self.label_names[row["divergence_label"]]

    @property
    def corpus_name(self) -> str:
        """The corpus's name (``corpus.toml``'s ``name``, recorded in the documents config);
        the folder's name for an export made before it was recorded."""
        if "corpus" in self.documents.column_names:
            names = [n for n in self.documents["corpus"] if n]
            if names:
                return names[0]
        return self.path.resolve().name

    @property
    def directions(self) -> dict[str, str]:
        """doc_id -> translation direction ("ru-en", "en-ru" or "unknown")."""
        if "direction" not in self.documents.column_names:
            return {d: "unknown" for d in self.documents["doc_id"]}
        return dict(zip(self.documents["doc_id"], self.documents["direction"], strict=True))

    def pairs(
        self,
        *,
        max_divergence: float | None = None,
        types: Collection[str] | None = None,
        labels: Collection[str] | None = None,
        progress: str | None = None,
    ) -> Iterator[dict]:
        """Sentence rows with text on both sides, in row order (skips 1-0 and 0-1 beads).

        Optional filters: keep beads with ``divergence_score <= max_divergence``, whose
        ``alignment_type`` is in ``types`` and whose divergence label is in ``labels``. Unfiltered, this is the order of ``align
        export-text`` and of the lines ``align mt-eval`` expects in a hypothesis file.
        ``progress``: a progress-bar label (none when ``None``).
        """
        rows = progress_bar(
            self.sentences,
            show=progress is not None,
            total=self.sentences.num_rows,
            desc=progress,
            unit="bead",
        )
        names = self.label_names
        for row in rows:
            if not (row["translation"]["ru"].strip() and row["translation"]["en"].strip()):
                continue
            if max_divergence is not None and row["divergence_score"] > max_divergence + 1e-9:
                continue
            if types is not None and row["alignment_type"] not in types:
                continue
            if labels is not None and names[row["divergence_label"]] not in labels:
                continue
            yield row


def load_exported(out: str | Path) -> Exported:
    """Load ``OUT`` (``load_from_disk``); bad or missing folders raise :class:`InputError`."""
    path = Path(out)
    if not path.exists():
        raise InputError(path, "does not exist (create it with `align run CORPUS --out OUT`)")
    if not (path / "dataset_dict.json").is_file():
        raise InputError(
            path, "not an exported dataset folder (no dataset_dict.json; see `align run`)"
        )
    try:
        dd = load_from_disk(str(path))
    except Exception as err:  # datasets raises several types for a damaged folder
        raise InputError(path, f"cannot load the dataset: {err}".splitlines()[0]) from err
    if not isinstance(dd, DatasetDict) or any(s not in dd for s in CONFIGS):
        raise InputError(path, f"expected the configs {', '.join(CONFIGS)}")
    missing = [c for c in REQUIRED_COLUMNS if c not in dd["sentences"].column_names]
    if missing:
        raise InputError(path, f"sentences table lacks columns: {', '.join(missing)}")
    return Exported(path=path, sentences=dd["sentences"], documents=dd["documents"])
