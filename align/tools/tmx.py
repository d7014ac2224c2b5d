"""TMX 1.4 export for translation-memory tools (Trados, memoQ, OmegaT, ...).

One ``<tu>`` per bead with text on both sides (1-0 and 0-1 beads have nothing to pair and are
left out), ``srclang`` from the corpus's translation direction (``ru`` when it is ru-en or not
declared, ``en`` for en-ru, ``*all*`` when documents differ; then each ``<tu>`` has its own), one ``<tuv xml:lang="ru">`` and one ``<tuv xml:lang="en">``. The
divergence travels as TMX properties (user-defined types start with ``x-``):

* on the ``<tu>``: ``x-doc-id``, ``x-bead-id``, ``x-alignment-type``, ``x-similarity``,
  ``x-divergence-score``, ``x-divergence-label``;
* on the Russian ``<tuv>``: one ``x-omitted-span`` per omitted span (its text);
* on the English ``<tuv>``: one ``x-added-span`` per added span.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Collection
from pathlib import Path

from align import __version__
from align.export.read import Exported
from align.io import atomic_files

XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
DOCTYPE = '<!DOCTYPE tmx SYSTEM "tmx14.dtd">'
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _clean(text: str) -> str:
    """Drop characters XML 1.0 cannot carry (control characters)."""
    return _NOT_XML.sub("", text)


def _prop(parent: ET.Element, type_: str, value: object) -> None:
    ET.SubElement(parent, "prop", {"type": type_}).text = _clean(str(value))


def _srclang(direction: str) -> str:
    """The source language of a translation direction (Russian when it is not declared)."""
    return "en" if direction == "en-ru" else "ru"


def build_tmx(
    data: Exported,
    *,
    max_divergence: float | None = None,
    types: Collection[str] | None = None,
    labels: Collection[str] | None = None,
    progress: bool = False,
) -> tuple[str, int]:
    """The TMX document as text, and the number of translation units in it."""
    directions = data.directions
    srclangs = {_srclang(d) for d in directions.values()} or {"ru"}
    mixed = len(srclangs) > 1
    root = ET.Element("tmx", {"version": "1.4"})
    header = ET.SubElement(
        root,
        "header",
        {
            "creationtool": "align",
            "creationtoolversion": __version__,
            "segtype": "sentence",
            "o-tmf": "align-hf-dataset",
            "adminlang": "en",
            "srclang": "*all*" if mixed else srclangs.pop(),
            "datatype": "plaintext",
        },
    )
    _prop(header, "x-corpus", data.corpus_name)
    for enc in (
        sorted(set(data.sentences["encoder"])) if "encoder" in data.sentences.column_names else []
    ):
        _prop(header, "x-encoder", enc)
    body = ET.SubElement(root, "body")
    n = 0
    label = "tmx" if progress else None
    rows = data.pairs(max_divergence=max_divergence, types=types, labels=labels, progress=label)
    for row in rows:
        attrs = {"tuid": _clean(f"{row['doc_id']}:{row['bead_id']}")}
        if mixed:
            attrs["srclang"] = _srclang(directions.get(row["doc_id"], "unknown"))
        tu = ET.SubElement(body, "tu", attrs)
        _prop(tu, "x-doc-id", row["doc_id"])
        _prop(tu, "x-bead-id", row["bead_id"])
        _prop(tu, "x-alignment-type", row["alignment_type"])
        if row.get("similarity") is not None:
            _prop(tu, "x-similarity", f"{row['similarity']:.4f}")
        _prop(tu, "x-divergence-score", f"{row['divergence_score']:.4f}")
        _prop(tu, "x-divergence-label", data.label(row))
        for lang, key, prop in (
            ("ru", "omitted_spans", "x-omitted-span"),
            ("en", "added_spans", "x-added-span"),
        ):
            tuv = ET.SubElement(tu, "tuv", {XML_LANG: lang})
            for span in row[key]:
                _prop(tuv, prop, span["text"])
            ET.SubElement(tuv, "seg").text = _clean(row["translation"][lang])
        n += 1
    ET.indent(root, space="  ")
    text = '<?xml version="1.0" encoding="UTF-8"?>\n' + DOCTYPE + "\n"
    return text + ET.tostring(root, encoding="unicode") + "\n", n


def write_tmx(
    data: Exported,
    out: str | Path,
    *,
    max_divergence: float | None = None,
    types: Collection[str] | None = None,
    labels: Collection[str] | None = None,
    progress: bool = True,
) -> int:
    """Write the TMX file atomically; return the number of translation units."""
    text, n = build_tmx(
        data, max_divergence=max_divergence, types=types, labels=labels, progress=progress
    )
    with atomic_files(out) as (tmp,):
        tmp.write_text(text, encoding="utf-8")
    return n
