"""A self-contained HTML report of an exported dataset: documents side by side, beads in rows.

One file, inline CSS, no scripts, nothing fetched: it opens from disk in any browser. Per
document: a summary table (sources, counts, alignment types, labels, shares of omitted/added
text), then one row per bead with the Russian and the English next to each other, omitted
Russian spans and added English spans highlighted, and the divergence label and score.
"""

from __future__ import annotations

import html
from collections import Counter, defaultdict
from pathlib import Path

from tqdm.auto import tqdm

from align.export.read import Exported
from align.io import atomic_files
from align.spans import pieces

OMITTED_BG = "#ffb3b3"  # highlight of Russian text missing from the English
ADDED_BG = "#a6e3a1"  # highlight of English text with no Russian counterpart
LABEL_BG = {
    "equivalent": "#ffffff",
    "omission": "#fff1f1",
    "addition": "#f0fbef",
    "omission+addition": "#fff8e6",
}

CSS = f"""
* {{ box-sizing: border-box; }}
body {{ font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif;
  margin: 0; color: #1d1d1f; background: #f6f6f8; }}
header, main {{ max-width: 1400px; margin: 0 auto; padding: 0 24px; }}
header {{ padding-top: 18px; }}
h1 {{ font-size: 22px; margin: 0 0 6px; }}
h2 {{ font-size: 18px; margin: 28px 0 8px; }}
.muted {{ color: #666; }}
.legend span {{ margin-right: 16px; }}
mark {{ color: inherit; padding: 1px 0; border-radius: 2px; }}
mark.omitted {{ background: {OMITTED_BG}; }}
mark.added {{ background: {ADDED_BG}; }}
table {{ border-collapse: collapse; background: #fff; }}
table.summary td, table.summary th {{ padding: 3px 12px 3px 0; text-align: left;
  vertical-align: top; border-bottom: 1px solid #eee; }}
table.summary th {{ font-weight: 600; color: #444; white-space: nowrap; }}
table.beads {{ width: 100%; margin-top: 12px; table-layout: fixed; }}
table.beads th, table.beads td {{ border: 1px solid #ddd; padding: 6px 8px; vertical-align: top; }}
table.beads th {{ background: #eceef3; text-align: left; position: sticky; top: 0; }}
col.id {{ width: 3.2em; }} col.type {{ width: 3.6em; }} col.div {{ width: 10.5em; }}
td.empty {{ color: #999; font-style: italic; }}
.badge {{ display: inline-block; font-size: 12px; padding: 0 6px; border-radius: 8px;
  background: #e8e8ec; }}
.score {{ font-variant-numeric: tabular-nums; }}
.bar {{ height: 5px; background: #eee; margin-top: 4px; }}
.bar span {{ display: block; height: 5px; background: #d9480f; }}
#only-divergent:checked ~ main tr.equivalent {{ display: none; }}
#only-divergent {{ margin: 0 6px 0 24px; }}
{"".join(f"tr.{k.replace('+', '-')} {{ background: {v}; }}" for k, v in LABEL_BG.items())}
"""


def _e(text: object) -> str:
    return html.escape(str(text), quote=True)


def _side(text: str, spans: list[dict], cls: str, lang: str, missing: str) -> str:
    if not text.strip():
        return f'<td class="empty" lang="{lang}">{missing}</td>'
    body = "".join(
        f'<mark class="{cls}">{_e(piece)}</mark>' if inside else _e(piece)
        for piece, inside in pieces(text, spans)
    )
    return f'<td lang="{lang}">{body}</td>'


def _bead_row(row: dict, label: str) -> str:
    tr = row["translation"]
    score = float(row["divergence_score"])
    return (
        f'<tr class="{label.replace("+", "-")}" id="{_e(row["doc_id"])}-{row["bead_id"]}">'
        f"<td>{row['bead_id']}</td><td>{_e(row['alignment_type'])}</td>"
        + _side(tr["ru"], row["omitted_spans"], "omitted", "ru", "— no Russian counterpart —")
        + _side(tr["en"], row["added_spans"], "added", "en", "— not in the English —")
        + f'<td><span class="badge">{_e(label)}</span> <span class="score">{score:.2f}</span>'
        f'<div class="bar"><span style="width:{min(1.0, max(0.0, score)) * 100:.0f}%"></span>'
        "</div></td></tr>"
    )


def _summary(doc: dict, rows: list[dict], labels: list[str], names: list[str]) -> str:
    types = Counter(r["alignment_type"] for r in rows)
    label_counts = Counter(labels)
    items = [
        (
            "Russian",
            f"{doc.get('ru_source', '')} — {doc.get('ru_title', '')} {doc.get('ru_date', '')}",
        ),
        (
            "English",
            f"{doc.get('en_source', '')} — {doc.get('en_title', '')} {doc.get('en_date', '')}",
        ),
        ("sentences", f"{doc['n_ru_sentences']} Russian, {doc['n_en_sentences']} English"),
        ("beads", str(len(rows))),
        ("alignment types", ", ".join(f"{t}: {n}" for t, n in sorted(types.items()))),
        ("labels", ", ".join(f"{k}: {label_counts[k]}" for k in names if label_counts[k])),
        (
            "omitted from the English",
            f"{doc['omitted_share']:.1%} of the Russian text ({doc['omitted_chars']} of "
            f"{doc['ru_chars']} characters)",
        ),
        (
            "added in the English",
            f"{doc['added_share']:.1%} of the English text ({doc['added_chars']} of "
            f"{doc['en_chars']} characters)",
        ),
        ("mean divergence", f"{doc['mean_divergence']:.3f}"),
    ]
    body = "".join(
        f'<tr><th>{_e(k)}</th><td data-field="{_e(k)}">{_e(v)}</td></tr>' for k, v in items
    )
    return f'<table class="summary">{body}</table>'


def render_report(data: Exported, *, title: str | None = None, progress: bool = True) -> str:
    """The report as one HTML string."""
    names = data.label_names
    by_doc: dict[str, list[dict]] = defaultdict(list)
    for row in data.sentences:
        by_doc[row["doc_id"]].append(row)
    docs = list(data.documents)
    title = title or f"Alignment report: {data.path.name}"
    n_beads = data.sentences.num_rows
    all_labels = Counter(names[i] for i in data.sentences["divergence_label"])
    sections = []
    for doc in tqdm(docs, desc="report", unit="doc", disable=not progress):
        rows = sorted(by_doc.get(doc["doc_id"], []), key=lambda r: r["bead_id"])
        labels = [names[r["divergence_label"]] for r in rows]
        body = "".join(_bead_row(r, lab) for r, lab in zip(rows, labels, strict=True))
        sections.append(
            f'<section class="doc" id="{_e(doc["doc_id"])}"><h2>{_e(doc["doc_id"])}</h2>'
            + _summary(doc, rows, labels, names)
            + '<table class="beads"><colgroup><col class="id"><col class="type"><col><col>'
            '<col class="div"></colgroup><thead><tr><th>#</th><th>type</th>'
            '<th lang="ru">Russian</th><th>English</th><th>divergence</th></tr></thead>'
            f"<tbody>{body}</tbody></table></section>"
        )
    toc = ""
    if len(docs) > 1:
        toc = (
            "<nav><p>Documents: "
            + ", ".join(f'<a href="#{_e(d["doc_id"])}">{_e(d["doc_id"])}</a>' for d in docs)
            + "</p></nav>"
        )
    overview = (
        f"{len(docs)} document pair{'s' if len(docs) != 1 else ''}, {n_beads} beads ("
        + ", ".join(f"{lab}: {all_labels[lab]}" for lab in names)
        + ")"
    )
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{_e(title)}</title><style>{CSS}</style></head><body>"
        f'<header><h1>{_e(title)}</h1><p class="overview">{_e(overview)}</p>'
        f'<p class="legend"><span><mark class="omitted">omitted</mark>: Russian text missing '
        f'from the English</span><span><mark class="added">added</mark>: English text with no '
        "Russian counterpart</span></p></header>"
        '<input type="checkbox" id="only-divergent">'
        '<label for="only-divergent" class="muted">show divergent beads only</label>'
        f"<main>{toc}{''.join(sections)}</main></body></html>\n"
    )


def write_report(data: Exported, html_path: str | Path, *, progress: bool = True) -> Path:
    """Render and write the report atomically (temporary file, then rename)."""
    text = render_report(data, progress=progress)
    with atomic_files(html_path) as (tmp,):
        tmp.write_text(text, encoding="utf-8")
    return Path(html_path)
