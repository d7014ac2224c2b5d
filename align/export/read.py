"""Read an exported dataset folder back (what ``align run`` wrote) for the researcher tools.

Every tool after export (report, TMX, text, MT evaluation, hub push) works from the folder
alone, never from in-memory pipeline state. The folder is what ``DatasetDict.save_to_disk``
wrote (Arrow files, ``state.json``, ``dataset_info.json``): :class:`Table` reads those Arrow
files with pyarrow directly, rows as ``datasets`` gives them, because importing ``datasets``
(pandas, fsspec, huggingface_hub, ...) took 1.6 s of the 2.1 s that ``align export-tmx`` took on
the seed (``python -X importtime``); :meth:`Table.to_dataset` gives the ``datasets`` object.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Collection, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from align.errors import InputError
from align.model import Wording, wording
from align.progress import progress_bar

__all__ = ["Exported", "Table", "Wording", "load_exported", "wording"]  # wording: for the tools

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


if TYPE_CHECKING:
    import pyarrow as pa
    from datasets import Dataset

ROWS_PER_BATCH = 1024  # rows converted to Python objects at a time while iterating


@dataclass(frozen=True)
class ClassLabelNames:
    """The part of a ``datasets.ClassLabel`` feature the tools read: its names."""

    names: list[str]


class Table:
    """One config of an exported dataset (``sentences`` or ``documents``), read-only.

    The part of ``datasets.Dataset``'s interface the tools use, with the same rows: iteration
    yields one dict per row (a class label as its int, a list of spans as a list of dicts),
    ``table["column"]`` a column as a list, ``len``, ``num_rows``, ``column_names``,
    ``features[name].names`` for class labels, and ``map`` (a function returning the columns
    it changes).
    """

    def __init__(self, table: pa.Table, features: dict[str, Any]) -> None:
        self.table = table
        self.feature_info = features
        self.features = {
            k: ClassLabelNames(list(v["names"]))
            for k, v in features.items()
            if isinstance(v, dict) and v.get("_type") == "ClassLabel"
        }

    @classmethod
    def read(cls, folder: Path) -> Table:
        """The table ``save_to_disk`` wrote in ``folder`` (its Arrow stream files, in order)."""
        import pyarrow as pa
        import pyarrow.ipc

        state = json.loads((folder / "state.json").read_text(encoding="utf-8"))
        info = json.loads((folder / "dataset_info.json").read_text(encoding="utf-8"))
        if state.get("_indices_data_files"):  # written by a select/shuffle before saving
            raise ValueError("an indices mapping is not supported")
        parts = []
        for entry in state["_data_files"]:
            with pa.memory_map(str(folder / entry["filename"])) as source:
                parts.append(pyarrow.ipc.open_stream(source).read_all())
        table = pa.concat_tables(parts) if len(parts) != 1 else parts[0]
        return cls(table, info.get("features") or {})

    @property
    def num_rows(self) -> int:
        return self.table.num_rows

    def __len__(self) -> int:
        return self.table.num_rows

    @property
    def column_names(self) -> list[str]:
        return list(self.table.column_names)

    def __iter__(self) -> Iterator[dict]:
        for batch in self.table.to_batches(max_chunksize=ROWS_PER_BATCH):
            yield from batch.to_pylist()

    def __getitem__(self, key: str) -> list:
        return self.table.column(key).to_pylist()

    def map(self, function: Callable[[dict], dict]) -> Table:
        """A new table whose rows are updated with what ``function(row)`` returns."""
        import pyarrow as pa

        rows = [{**row, **function(row)} for row in self]
        return Table(pa.Table.from_pylist(rows, schema=self.table.schema), self.feature_info)

    def to_dataset(self) -> Dataset:
        """The same table as a ``datasets.Dataset`` (imports ``datasets``)."""
        from datasets import Dataset, DatasetInfo, Features
        from datasets.table import InMemoryTable

        info = DatasetInfo(features=Features.from_dict(self.feature_info))
        return Dataset(InMemoryTable(self.table), info=info)


@dataclass(frozen=True)
class Exported:
    """An exported dataset: the two tables and the names of the divergence labels."""

    path: Path
    sentences: Table
    documents: Table

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
    """Load ``OUT`` (what ``save_to_disk`` wrote); bad or missing folders raise
    :class:`InputError`."""
    path = Path(out)
    if not path.exists():
        raise InputError(path, "does not exist (create it with `align run CORPUS --out OUT`)")
    if not (path / "dataset_dict.json").is_file():
        raise InputError(
            path, "not an exported dataset folder (no dataset_dict.json; see `align run`)"
        )
    try:
        splits = json.loads((path / "dataset_dict.json").read_text(encoding="utf-8"))["splits"]
    except Exception as err:  # not JSON, or not a dataset dictionary
        raise InputError(path, f"cannot load the dataset: {err}".splitlines()[0]) from err
    if any(s not in splits for s in CONFIGS):
        raise InputError(path, f"expected the configs {', '.join(CONFIGS)}")
    try:
        tables = {s: Table.read(path / s) for s in CONFIGS}
    except Exception as err:  # a missing or damaged file: pyarrow and json raise several types
        raise InputError(path, f"cannot load the dataset: {err}".splitlines()[0]) from err
    missing = [c for c in REQUIRED_COLUMNS if c not in tables["sentences"].column_names]
    if missing:
        raise InputError(path, f"sentences table lacks columns: {', '.join(missing)}")
    return Exported(path=path, sentences=tables["sentences"], documents=tables["documents"])
