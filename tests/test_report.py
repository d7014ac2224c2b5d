"""`align report`: one self-contained HTML file, checked as rendered by headless Chromium."""

from __future__ import annotations

import json
import re
from html import unescape
from html.parser import HTMLParser

import pytest
from datasets import load_from_disk
from PIL import Image

from align.cli import main
from align.model import wording
from align.tools.report import ADDED_BG, LABEL_COLOUR, OMITTED_BG
from tests.conftest import MULTI_NAME, ROOT
from tests.helpers.browser import dump_dom, find_chromium, screenshot

ARTIFACTS = ROOT / "artifacts"


class _Collect(HTMLParser):
    """Text inside <mark class=...>, text of summary cells, and any external references."""

    def __init__(self) -> None:
        super().__init__()
        self.marks: dict[str, list[str]] = {"omitted": [], "added": []}
        self.fields: dict[str, str] = {}
        self.external: list[str] = []
        self.tags: set[str] = set()
        self.cells: dict[str, list[str]] = {"ru": [], "en": []}
        self._mark: str | None = None
        self._field: str | None = None
        self._cell: str | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        self.tags.add(tag)
        for key in ("src", "href"):
            if a.get(key) and not a[key].startswith("#"):
                self.external.append(a[key])
        if tag == "mark":
            self._mark = a.get("class")
            self.marks[self._mark].append("")
        if tag == "td" and "data-field" in a:
            self._field = a["data-field"]
            self.fields[self._field] = ""
        if tag == "td" and a.get("lang") in self.cells:
            self._cell = a["lang"]
            self.cells[self._cell].append("")

    def handle_endtag(self, tag):
        if tag == "mark":
            self._mark = None
        if tag == "td":
            self._field = None
            self._cell = None

    def handle_data(self, data):
        if self._mark:
            self.marks[self._mark][-1] += data
        if self._field:
            self.fields[self._field] += data
        if self._cell:
            self.cells[self._cell][-1] += data


@pytest.fixture(scope="module")
def report(seed_run, tmp_path_factory):
    html = tmp_path_factory.mktemp("report") / "seed.html"
    assert main(["report", str(seed_run.out), "--html", str(html)]) == 0
    return html


@pytest.fixture(scope="module")
def chromium():
    exe = find_chromium()
    if exe is None:
        pytest.skip("chromium is not installed (scripts/ensure_chromium.sh installs it as root)")
    return exe


def _expected(seed_run):
    rows = load_from_disk(str(seed_run.out))["sentences"]
    omitted = [s["text"] for r in rows for s in r["omitted_spans"]]
    added = [s["text"] for r in rows for s in r["added_spans"]]
    return rows, omitted, added


def test_report_is_self_contained(report):
    text = report.read_text(encoding="utf-8")
    p = _Collect()
    p.feed(text)
    assert p.external == []  # no stylesheet, script, font or image from anywhere
    assert "script" not in p.tags and "link" not in p.tags and "img" not in p.tags
    assert not re.search(r"url\(|@import|https?://", text)


def test_browser_shows_texts_highlights_and_summary(seed_run, report, chromium):
    rows, omitted, added = _expected(seed_run)
    dom = dump_dom(report)
    p = _Collect()
    p.feed(dom)
    (doc,) = load_from_disk(str(seed_run.out))["documents"]
    words = wording(doc["direction"])
    assert doc["direction"] == "ru-en"  # corpora/seed/corpus.toml
    # every bead is a row with its Russian and English text side by side; an empty side says
    # what it means in the corpus's direction
    assert dom.count('<tr class="') == len(rows) + 1  # + the index row
    empty = {"ru": f"— {words.added_short} —", "en": f"— {words.omitted_short} —"}
    for side in ("ru", "en"):
        assert p.cells[side] == [r["translation"][side] or empty[side] for r in rows]
    assert "— missing from the translation —" in p.cells["en"]  # the dropped paragraph
    # exactly the omitted / added spans are highlighted
    assert p.marks["omitted"][1:] == omitted  # [0] is the legend
    assert p.marks["added"][1:] == added
    # the summary numbers of the documents table
    assert p.fields["beads"] == str(len(rows))
    assert p.fields["omitted"].startswith(f"{doc['omitted_share']:.1%} ")
    assert f"({doc['omitted_chars']} of {doc['ru_chars']} characters)" in p.fields["omitted"]
    assert p.fields["added"].startswith(f"{doc['added_share']:.1%} ")
    assert (
        p.fields["sentences"] == f"{doc['n_ru_sentences']} Russian, {doc['n_en_sentences']} English"
    )
    assert p.fields["mean divergence"] == f"{doc['mean_divergence']:.3f}"
    assert p.fields["ru"] == f"Report — {doc['ru_title']} — 2025-11-21"
    assert p.fields["direction"] == "Russian original → English translation"
    assert f"<th>{words.omitted}</th>" in dom
    # titled by the corpus name (corpus.toml), not the output folder's name
    assert "<title>Alignment report: seed</title>" in dom


def test_seed_merged_english_paragraph_is_visible(seed_run, report):
    """The English merges two Russian paragraphs: a row where a Russian paragraph starts but the
    English one goes on. Such rows get a paragraph rule on the Russian side only."""
    rows = sorted(load_from_disk(str(seed_run.out))["sentences"], key=lambda r: r["bead_id"])
    last = {"ru": -1, "en": -1}
    merged = []
    for r in rows:
        starts = {}
        for lang in ("ru", "en"):
            ids = r[f"{lang}_paragraph_ids"]
            starts[lang] = bool(ids) and min(ids) > last[lang]
            last[lang] = max(ids) if ids else last[lang]
        if starts["ru"] and r["en_paragraph_ids"] and not starts["en"]:
            merged.append(r["bead_id"])
    assert merged  # the seed's merged English paragraph
    page = report.read_text(encoding="utf-8")
    for bead_id in merged:
        row = re.search(rf'<tr [^>]*id="[^"]*-{bead_id}">(.*?)</tr>', page, re.S).group(1)
        assert 'class="para para-start" data-lang="ru"' in row
        assert 'class="para" data-lang="en"' in row


def _count(img: Image.Image, hex_colour: str) -> int:
    rgb = tuple(int(hex_colour[i : i + 2], 16) for i in (1, 3, 5))
    return _colours(img).get(rgb, 0)


def _colours(img: Image.Image) -> dict[tuple[int, ...], int]:
    """Pixel count per RGB colour (computed once per image: it is the slow part)."""
    cached = getattr(img, "_align_colours", None)
    if cached is None:
        cached = {c[:3]: n for n, c in img.getcolors(maxcolors=1 << 24)}
        img._align_colours = cached  # type: ignore[attr-defined]
    return cached


def test_screenshot_shows_the_highlights(seed_run, report, chromium):
    _, omitted, added = _expected(seed_run)
    png = screenshot(report, ARTIFACTS / "report-seed.png", width=1400, height=1800)
    img = Image.open(png).convert("RGB")
    assert img.size == (1400, 1800)
    colours = img.getcolors(maxcolors=1 << 24)
    assert len(colours) > 50  # text was drawn, not a blank page
    # highlight backgrounds are painted, in proportion to the highlighted text
    if omitted:
        assert _count(img, OMITTED_BG) > 2000
    if added:
        assert _count(img, ADDED_BG) > 500


# ---- a three-document corpus, checked in the browser ----

PROBE = """<script>
function shown(sel) {
  return [...document.querySelectorAll(sel)].filter(e => e.offsetParent !== null);
}
function state() {
  return {
    sections: shown("section.doc").map(s => s.id),
    rows: shown("table.beads tbody tr").map(r => r.id),
    index: shown("#index tbody tr").map(r => r.dataset.doc),
  };
}
const before = state();
document.getElementById("only-divergent").checked = true;
const after = state();
const out = document.createElement("pre");
out.id = "probe";
out.textContent = JSON.stringify({before, after});
document.body.appendChild(out);
</script>"""


@pytest.fixture(scope="module")
def multi(multi_run, tmp_path_factory):
    html = tmp_path_factory.mktemp("multi-report") / "report.html"
    assert main(["report", str(multi_run.out), "--out", str(html), "-q"]) == 0
    dd = load_from_disk(str(multi_run.out))
    return html, dd["sentences"], dd["documents"]


def _divergent(sents, names) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for r in sents:
        out.setdefault(r["doc_id"], [])
        if names[r["divergence_label"]] != "equivalent":
            out[r["doc_id"]].append(f"{r['doc_id']}-{r['bead_id']}")
    return out


def test_multi_document_report_in_the_browser(multi, chromium):
    html, sents, docs = multi
    names = sents.features["divergence_label"].names
    divergent = _divergent(sents, names)
    mean = dict(zip(docs["doc_id"], docs["mean_divergence"], strict=True))
    order = sorted(divergent, key=lambda d: (-len(divergent[d]), -mean[d], d))
    assert len(order) == 3
    # the corpus has documents with and without divergent beads (else the filter test is empty)
    assert any(divergent[d] for d in order) and any(not divergent[d] for d in order), divergent

    probe = html.with_name("probe.html")
    probe.write_text(html.read_text(encoding="utf-8").replace("</body>", PROBE + "</body>"))
    dom = dump_dom(probe)
    state = json.loads(unescape(re.search(r'<pre id="probe">(.*?)</pre>', dom, re.S).group(1)))

    # documents appear most divergent first, in the index and in the page
    assert state["before"]["sections"] == order
    assert state["before"]["index"] == order
    assert len(state["before"]["rows"]) == sents.num_rows
    # "divergent only": equivalent beads go, and documents with nothing to show go entirely
    with_divergence = [d for d in order if divergent[d]]
    assert state["after"]["sections"] == with_divergence
    assert state["after"]["index"] == with_divergence
    assert sorted(state["after"]["rows"]) == sorted(b for d in order for b in divergent[d])

    # the index counts, per document and label
    for d in order:
        row = re.search(rf'<tr class="[^"]*" data-doc="{d}">(.*?)</tr>', dom, re.S).group(1)
        counts = dict(re.findall(r'<td data-count="([^"]+)">(\d+)</td>', row))
        labels = [names[r["divergence_label"]] for r in sents if r["doc_id"] == d]
        assert counts["beads"] == str(len(labels))
        assert counts["divergent"] == str(len(divergent[d]))
        for lab in names:
            assert counts[lab] == str(labels.count(lab))

    # titled by the corpus name; missing metadata leaves no dangling dash
    assert f"<title>Alignment report: {MULTI_NAME}</title>" in dom
    fields = re.findall(r'<td data-field="(ru|en)">([^<]*)</td>', dom)
    assert ("ru", "(no metadata)") in fields and ("en", "Azernews — 2025-11-21") in fields
    assert not any(v.startswith("—") or v.endswith("—") or "— —" in v for _, v in fields)
    # wording follows each document's direction
    section = dom.split('id="c-earlier"', 1)[1].split("</section>", 1)[0]
    assert "English original → Russian translation" in section
    assert f"<th>{wording('en-ru').added}</th>" in section
    # an alignment-path picture per document, one box per bead
    for d in order:
        section = dom.split(f'id="{d}"', 1)[1]
        svg = section.split("</svg>", 1)[0]
        assert svg.count('<rect class="bead"') == sum(1 for r in sents if r["doc_id"] == d)


def test_multi_document_screenshots(multi, chromium):
    html, sents, _ = multi
    png = screenshot(html, ARTIFACTS / "report-multi.png", width=1400, height=4000)
    img = Image.open(png).convert("RGB")
    names = sents.features["divergence_label"].names
    present = {names[i] for i in sents["divergence_label"]}
    # score bars and path boxes are painted in their label's colour
    for lab in present:
        assert _count(img, LABEL_COLOUR[lab]) > 50, lab
    checked = html.with_name("divergent-only.html")
    checked.write_text(
        html.read_text(encoding="utf-8").replace(
            '<input type="checkbox" id="only-divergent">',
            '<input type="checkbox" id="only-divergent" checked>',
        )
    )
    png = screenshot(
        checked, ARTIFACTS / "report-multi-divergent-only.png", width=1400, height=1800
    )
    filtered = Image.open(png).convert("RGB")
    # with the filter on, no equivalent bar is drawn (equivalent beads are hidden)
    assert _count(filtered, LABEL_COLOUR["equivalent"]) < _count(img, LABEL_COLOUR["equivalent"])


@pytest.mark.parametrize(
    ("direction", "ru_empty", "en_empty"),
    [
        ("ru-en", "— added in the translation —", "— missing from the translation —"),
        ("en-ru", "— missing from the translation —", "— added in the translation —"),
        ("unknown", "— no Russian counterpart —", "— no English counterpart —"),
    ],
)
def test_an_empty_side_is_worded_by_the_direction(direction, ru_empty, en_empty):
    """A 0-1 bead is English text with no Russian counterpart: added in a ru-en translation,
    missing from an en-ru one; and the reverse for a 1-0 bead."""
    from align.tools.report import _cells

    def row(ru: str, en: str) -> dict:
        return {
            "translation": {"ru": ru, "en": en},
            "omitted_spans": [],
            "added_spans": [],
            "ru_paragraph_ids": [0] if ru else [],
            "en_paragraph_ids": [0] if en else [],
        }

    (ru_cell, _), (_, en_cell) = _cells([row("", "Hello."), row("Привет.", "")], direction)
    assert (ru_cell.empty_text, en_cell.empty_text) == (ru_empty, en_empty)
