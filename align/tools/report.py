"""A self-contained HTML report of an exported dataset: documents side by side, beads in rows.

One file, inline CSS and SVG, no scripts, nothing fetched: it opens from disk in any browser.
The page (``templates/report.html.j2``, rendered with Jinja2, autoescaped) has

* a header titled by the corpus name, with the legend and a "divergent beads only" switch
  (a CSS checkbox: it hides equivalent beads, and documents with no divergent bead entirely);
* an index of the documents, most divergent first (divergent beads, then mean score), with
  their per-label counts;
* per document: a summary, an alignment-path picture (Russian sentence index across, English
  down, one box per bead coloured by its label; a diagonal is a clean alignment), and one row
  per bead with the Russian and the English side by side: paragraph numbers and a rule where a
  paragraph starts on that side (a rule on one side only = paragraphs merged or split), the
  text with omitted / added spans highlighted, the similarity, and the label with a score bar
  in the label's colour.

Words follow each document's translation direction (``direction`` in the documents config).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, select_autoescape

from align.export.read import Exported, wording
from align.io import atomic_files
from align.progress import progress_bar
from align.spans import pieces

TEMPLATES = Path(__file__).parent / "templates"
OMITTED_BG = "#ffb3b3"  # highlight of Russian text with no English counterpart
ADDED_BG = "#a6e3a1"  # highlight of English text with no Russian counterpart
# row background (light) and bar / path colour (strong) per label
LABEL_BG = {
    "equivalent": "#ffffff",
    "omission": "#fff1f1",
    "addition": "#f0fbef",
    "omission+addition": "#fff8e6",
}
LABEL_COLOUR = {
    "equivalent": "#8a94a6",
    "omission": "#d62828",
    "addition": "#2b9348",
    "omission+addition": "#e07a00",
}


def css_class(label: str) -> str:
    return label.replace("+", "-")


@dataclass(frozen=True)
class Cell:
    """One side of a bead row."""

    lang: str
    pieces: list[tuple[str, bool]]  # (text, highlighted)
    empty_text: str  # shown when the side is empty
    paragraphs: str  # "¶3" or "¶3–4", "" for an empty side
    para_start: bool  # a paragraph of this side starts with this bead


@dataclass(frozen=True)
class Row:
    bead_id: int
    anchor: str
    alignment_type: str
    label: str
    score: float
    similarity: float | None
    ru: Cell
    en: Cell


@dataclass(frozen=True)
class Box:
    """A bead in the alignment-path picture (sentence-index units)."""

    x: float
    y: float
    w: float
    h: float
    colour: str
    anchor: str
    title: str


@dataclass(frozen=True)
class DocView:
    doc_id: str
    anchor: str
    direction: str
    summary: list[tuple[str, str, str]]  # (data-field key, shown name, value)
    label_counts: dict[str, int]
    n_divergent: int
    n_beads: int
    mean_divergence: float
    omitted_share: float
    added_share: float
    rows: list[Row]
    path: list[Box]
    path_size: tuple[int, int]  # Russian, English sentences
    words_omitted: str
    words_added: str


def _side_line(doc: dict, lang: str) -> str:
    """Source — title — date, leaving out what is missing (no dangling dash)."""
    parts = [doc.get(f"{lang}_{k}", "") or "" for k in ("source", "title", "date")]
    return " — ".join(p.strip() for p in parts if p.strip()) or "(no metadata)"


def _para_label(ids: Sequence[int]) -> str:
    if not ids:
        return ""
    lo, hi = min(ids) + 1, max(ids) + 1
    return f"¶{lo}" if lo == hi else f"¶{lo}–{hi}"


def _cells(rows: list[dict], direction: str) -> list[tuple[Cell, Cell]]:
    words = wording(direction)
    # an empty side: the other side's text has no counterpart (English-only text is what
    # added_spans hold, Russian-only what omitted_spans hold), in this direction's words
    known = direction in ("ru-en", "en-ru")
    empty = {
        "ru": f"— {words.added_short} —" if known else "— no Russian counterpart —",
        "en": f"— {words.omitted_short} —" if known else "— no English counterpart —",
    }
    last: dict[str, int] = {"ru": -1, "en": -1}
    out = []
    for r in rows:
        pair = []
        for lang, spans in (("ru", "omitted_spans"), ("en", "added_spans")):
            text = r["translation"][lang]
            ids = r.get(f"{lang}_paragraph_ids") or []
            start = bool(ids) and min(ids) > last[lang]
            if ids:
                last[lang] = max(ids)
            pair.append(
                Cell(
                    lang=lang,
                    pieces=list(pieces(text, r[spans])) if text.strip() else [],
                    empty_text=empty[lang],
                    paragraphs=_para_label(ids),
                    para_start=start,
                )
            )
        out.append((pair[0], pair[1]))
    return out


def _path(rows: list[dict], labels: list[str], doc_id: str) -> list[Box]:
    """One box per bead: Russian sentences across, English sentences down. A one-sided bead
    is a flat box on the line where the other side stands (a gap in the path)."""
    boxes = []
    x = y = 0.0
    for r, label in zip(rows, labels, strict=True):
        ru, en = r.get("ru_sent_ids") or [], r.get("en_sent_ids") or []
        x0 = min(ru) if ru else x
        y0 = min(en) if en else y
        w = (max(ru) + 1 - x0) if ru else 0.0
        h = (max(en) + 1 - y0) if en else 0.0
        boxes.append(
            Box(
                x0,
                y0,
                w,
                h,
                LABEL_COLOUR.get(label, "#444"),
                f"{doc_id}-{r['bead_id']}",
                f"bead {r['bead_id']}: {r['alignment_type']}, {label}, "
                f"score {float(r['divergence_score']):.2f}",
            )
        )
        x, y = x0 + w, y0 + h
    return boxes


def _doc_view(doc: dict, rows: list[dict], labels: list[str], names: list[str]) -> DocView:
    direction = doc.get("direction") or "unknown"
    words = wording(direction)
    counts = Counter(labels)
    types = Counter(r["alignment_type"] for r in rows)
    n_par = {
        lang: len([p for p in (doc.get(f"{lang}_text") or "").split("\n\n") if p.strip()])
        for lang in ("ru", "en")
    }
    summary = [
        ("ru", "Russian", _side_line(doc, "ru")),
        ("en", "English", _side_line(doc, "en")),
        (
            "direction",
            "translation direction",
            {
                "ru-en": "Russian original → English translation",
                "en-ru": "English original → Russian translation",
            }.get(direction, "not declared"),
        ),
        (
            "paragraphs",
            "paragraphs",
            f"{n_par['ru']} Russian, {n_par['en']} English",
        ),
        (
            "sentences",
            "sentences",
            f"{doc['n_ru_sentences']} Russian, {doc['n_en_sentences']} English",
        ),
        ("beads", "beads", str(len(rows))),
        ("types", "alignment types", ", ".join(f"{t}: {n}" for t, n in sorted(types.items()))),
        ("labels", "labels", ", ".join(f"{k}: {counts[k]}" for k in names if counts[k])),
        (
            "omitted",
            words.omitted,
            f"{doc['omitted_share']:.1%} of the Russian text ({doc['omitted_chars']} of "
            f"{doc['ru_chars']} characters)",
        ),
        (
            "added",
            words.added,
            f"{doc['added_share']:.1%} of the English text ({doc['added_chars']} of "
            f"{doc['en_chars']} characters)",
        ),
        ("mean divergence", "mean divergence", f"{doc['mean_divergence']:.3f}"),
    ]
    cells = _cells(rows, direction)
    view_rows = [
        Row(
            bead_id=r["bead_id"],
            anchor=f"{doc['doc_id']}-{r['bead_id']}",
            alignment_type=r["alignment_type"],
            label=label,
            score=float(r["divergence_score"]),
            similarity=r.get("similarity"),
            ru=ru,
            en=en,
        )
        for r, label, (ru, en) in zip(rows, labels, cells, strict=True)
    ]
    return DocView(
        doc_id=doc["doc_id"],
        anchor=doc["doc_id"],
        direction=direction,
        summary=summary,
        label_counts={k: counts[k] for k in names},
        n_divergent=sum(n for k, n in counts.items() if k != "equivalent"),
        n_beads=len(rows),
        mean_divergence=float(doc["mean_divergence"]),
        omitted_share=float(doc["omitted_share"]),
        added_share=float(doc["added_share"]),
        rows=view_rows,
        path=_path(rows, labels, doc["doc_id"]),
        path_size=(max(1, doc["n_ru_sentences"]), max(1, doc["n_en_sentences"])),
        words_omitted=words.omitted,
        words_added=words.added,
    )


def _environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(["html", "j2"]),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["css_class"] = css_class
    return env


def render_report(data: Exported, *, title: str | None = None, progress: bool = True) -> str:
    """The report as one HTML string."""
    names = data.label_names
    by_doc: dict[str, list[dict]] = defaultdict(list)
    for row in data.sentences:
        by_doc[row["doc_id"]].append(row)
    views = []
    for doc in progress_bar(data.documents, show=progress, desc="report", unit="doc"):
        rows = sorted(by_doc.get(doc["doc_id"], []), key=lambda r: r["bead_id"])
        labels = [names[r["divergence_label"]] for r in rows]
        views.append(_doc_view(doc, rows, labels, names))
    # most divergent first: divergent beads, then mean score; doc_id breaks ties
    views.sort(key=lambda v: (-v.n_divergent, -v.mean_divergence, v.doc_id))
    directions = {v.direction for v in views}
    words = wording(directions.pop() if len(directions) == 1 else "unknown")
    all_labels = Counter(lab for v in views for lab in (r.label for r in v.rows))
    return (
        _environment()
        .get_template("report.html.j2")
        .render(
            title=title or f"Alignment report: {data.corpus_name}",
            corpus=data.corpus_name,
            docs=views,
            names=names,
            n_beads=sum(v.n_beads for v in views),
            all_labels=all_labels,
            words=words,
            omitted_bg=OMITTED_BG,
            added_bg=ADDED_BG,
            label_bg=LABEL_BG,
            label_colour=LABEL_COLOUR,
        )
    )


def write_report(data: Exported, html_path: str | Path, *, progress: bool = True) -> Path:
    """Render and write the report atomically (temporary file, then rename)."""
    text = render_report(data, progress=progress)
    with atomic_files(html_path) as (tmp,):
        tmp.write_text(text, encoding="utf-8")
    return Path(html_path)
