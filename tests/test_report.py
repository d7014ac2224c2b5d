"""`align report`: one self-contained HTML file, checked as rendered by headless Chromium."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from datasets import load_from_disk
from PIL import Image

from align.cli import main
from align.tools.report import ADDED_BG, OMITTED_BG
from tests.conftest import ROOT
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
    # every bead is a row with its Russian and English text side by side
    assert dom.count('<tr class="') == len(rows)
    for side, missing in (("ru", "— no Russian counterpart —"), ("en", "— not in the English —")):
        assert p.cells[side] == [r["translation"][side] or missing for r in rows]
    # exactly the omitted / added spans are highlighted
    assert p.marks["omitted"][1:] == omitted  # [0] is the legend
    assert p.marks["added"][1:] == added
    # the summary numbers of the documents table
    (doc,) = load_from_disk(str(seed_run.out))["documents"]
    assert p.fields["beads"] == str(len(rows))
    assert p.fields["omitted from the English"].startswith(f"{doc['omitted_share']:.1%} ")
    assert (
        f"({doc['omitted_chars']} of {doc['ru_chars']} characters)"
        in p.fields["omitted from the English"]
    )
    assert p.fields["added in the English"].startswith(f"{doc['added_share']:.1%} ")
    assert (
        p.fields["sentences"] == f"{doc['n_ru_sentences']} Russian, {doc['n_en_sentences']} English"
    )
    assert p.fields["mean divergence"] == f"{doc['mean_divergence']:.3f}"
    if any(not r["translation"]["en"] for r in rows):
        assert "— not in the English —" in dom


def _count(img: Image.Image, hex_colour: str) -> int:
    rgb = tuple(int(hex_colour[i : i + 2], 16) for i in (1, 3, 5))
    return sum(n for n, c in img.getcolors(maxcolors=1 << 24) if c[:3] == rgb)


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


def test_several_documents_get_a_contents_line_and_a_section_each(seed_run):
    from datasets import concatenate_datasets

    from align.export.read import load_exported
    from align.tools.report import render_report

    data = load_exported(seed_run.out)

    def renamed(ds):
        return ds.map(lambda r: {"doc_id": "second-" + r["doc_id"]})

    two = type(data)(
        data.path,
        concatenate_datasets([data.sentences, renamed(data.sentences)]),
        concatenate_datasets([data.documents, renamed(data.documents)]),
    )
    page = render_report(two, progress=False)
    p = _Collect()
    p.feed(page)
    (doc_id,) = data.documents["doc_id"]
    assert f'<a href="#{doc_id}">' in page and f'<a href="#second-{doc_id}">' in page
    assert page.count('<section class="doc"') == 2
    assert page.count('<tr class="') == 2 * data.sentences.num_rows
    assert p.cells["ru"][: data.sentences.num_rows] == p.cells["ru"][data.sentences.num_rows :]
    assert f"2 document pairs, {2 * data.sentences.num_rows} beads" in page
