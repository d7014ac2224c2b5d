"""Run the exploration notebook top to bottom against a dataset folder, and read its outputs.

Used by the notebook test and by ``scripts/make_docs_images.py`` (which saves the main plot).
Needs the ``dev`` extra (nbclient, nbformat, ipykernel, matplotlib).
"""

from __future__ import annotations

import base64
import os
from pathlib import Path

from align.errors import AlignError

NOTEBOOK = Path(__file__).resolve().parents[2] / "notebooks" / "explore_dataset.ipynb"


def execute_notebook(dataset: str | Path, notebook: str | Path = NOTEBOOK, *, timeout: int = 300):
    """Execute ``notebook`` with ``ALIGN_DATASET=dataset``; return the executed notebook node.

    A failing cell raises nbclient's ``CellExecutionError`` naming the cell.
    """
    try:
        import nbformat
        from nbclient import NotebookClient
    except ImportError as err:  # pragma: no cover - dev extra missing
        raise AlignError(
            f"notebook: {err.name} is not installed (pip install -e '.[dev]')"
        ) from err
    nb = nbformat.read(str(notebook), as_version=4)
    old = os.environ.get("ALIGN_DATASET")
    os.environ["ALIGN_DATASET"] = str(Path(dataset).resolve())
    try:
        client = NotebookClient(
            nb,
            timeout=timeout,
            kernel_name="python3",
            resources={"metadata": {"path": str(Path(notebook).resolve().parent)}},
        )
        client.execute()
    finally:
        if old is None:
            os.environ.pop("ALIGN_DATASET", None)
        else:
            os.environ["ALIGN_DATASET"] = old
    return nb


def tagged_cell(nb, tag: str):
    """The code cell carrying ``tag`` in its metadata."""
    for cell in nb.cells:
        if tag in cell.get("metadata", {}).get("tags", []):
            return cell
    raise KeyError(tag)


def cell_text(cell) -> str:
    """Everything the cell printed (stdout) plus its plain-text results."""
    parts = []
    for out in cell.get("outputs", []):
        if out.get("output_type") == "stream" and out.get("name") == "stdout":
            parts.append(out["text"])
        elif "data" in out and "text/plain" in out["data"]:
            parts.append(out["data"]["text/plain"])
    return "".join(parts)


def cell_png(cell) -> bytes:
    """The first PNG image the cell displayed."""
    for out in cell.get("outputs", []):
        data = out.get("data", {})
        if "image/png" in data:
            return base64.b64decode(data["image/png"])
    raise KeyError("image/png")
