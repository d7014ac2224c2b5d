"""`align export-tmx`: TMX 1.4 valid against the LISA DTD, divergence carried as properties."""

from __future__ import annotations

from pathlib import Path

from lxml import etree

from align.cli import main
from align.export.read import Exported, load_exported
from align.tools.tmx import build_tmx

DTD = etree.DTD(str(Path(__file__).parent / "data" / "tmx14.dtd"))
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


def _props(el) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for p in el.findall("prop"):
        out.setdefault(p.get("type"), []).append(p.text or "")
    return out


def test_tmx_is_valid_and_carries_divergence(seed_run, tmp_path):
    tmx = tmp_path / "seed.tmx"
    assert main(["export-tmx", str(seed_run.out), "--out", str(tmx)]) == 0
    tree = etree.parse(str(tmx))
    assert DTD.validate(tree), DTD.error_log.filter_from_errors()
    assert tree.docinfo.doctype == '<!DOCTYPE tmx SYSTEM "tmx14.dtd">'
    root = tree.getroot()
    assert root.get("version") == "1.4"
    header = root.find("header")
    assert header.get("srclang") == "ru" and header.get("segtype") == "sentence"
    data = load_exported(seed_run.out)
    rows = list(data.pairs())
    tus = root.findall("body/tu")
    assert len(tus) == len(rows) and len(rows) < data.sentences.num_rows  # 1-0 bead left out
    for tu, row in zip(tus, rows, strict=True):
        props = _props(tu)
        assert tu.get("tuid") == f"{row['doc_id']}:{row['bead_id']}"
        assert props["x-divergence-score"] == [f"{row['divergence_score']:.4f}"]
        assert props["x-divergence-label"] == [data.label(row)]
        assert props["x-alignment-type"] == [row["alignment_type"]]
        ru, en = tu.findall("tuv")
        assert (ru.get(XML_LANG), en.get(XML_LANG)) == ("ru", "en")
        assert ru.findtext("seg") == row["translation"]["ru"]
        assert en.findtext("seg") == row["translation"]["en"]
        assert _props(ru).get("x-omitted-span", []) == [s["text"] for s in row["omitted_spans"]]
        assert _props(en).get("x-added-span", []) == [s["text"] for s in row["added_spans"]]


def test_markup_and_control_characters_stay_valid(seed_run):
    data = load_exported(seed_run.out)

    def nasty(row):
        t = row["translation"]
        return {"translation": {"ru": t["ru"] and t["ru"] + ' <b>&amp; "x"\x01', "en": t["en"]}}

    odd = Exported(data.path, data.sentences.map(nasty), data.documents)
    text, n = build_tmx(odd)
    tree = etree.fromstring(text.encode("utf-8"), etree.XMLParser())
    assert DTD.validate(tree), DTD.error_log.filter_from_errors()
    segs = tree.findall("body/tu/tuv/seg")
    assert segs[0].text.endswith(' <b>&amp; "x"')  # escaped and read back; \x01 dropped
    assert n == len(list(odd.pairs()))


def test_filters(seed_run):
    data = load_exported(seed_run.out)
    scores = sorted(r["divergence_score"] for r in data.pairs())
    cut = scores[len(scores) // 2]  # the median: some pairs pass, some do not
    text, n = build_tmx(data, max_divergence=cut, types={"1-1"})
    expected = [
        r for r in data.pairs() if r["divergence_score"] <= cut and r["alignment_type"] == "1-1"
    ]
    assert 0 < n == len(expected) < len(list(data.pairs()))
    assert DTD.validate(etree.fromstring(text.encode("utf-8")))


def test_tmx_follows_direction_and_corpus_name(multi_run, seed_run, tmp_path):
    """Mixed directions: srclang="*all*" in the header and per <tu>; titled by the corpus."""
    from tests.conftest import MULTI_NAME

    data = load_exported(multi_run.out)
    text, n = build_tmx(data)
    root = etree.fromstring(text.encode("utf-8"))
    assert DTD.validate(root), DTD.error_log.filter_from_errors()
    header = root.find("header")
    assert header.get("srclang") == "*all*"
    assert _props(header)["x-corpus"] == [MULTI_NAME]  # not the output folder's name
    tus = root.findall("body/tu")
    assert len(tus) == n
    for tu in tus:
        doc_id = tu.get("tuid").split(":")[0]
        assert tu.get("srclang") == ("en" if doc_id == "c-earlier" else "ru")
    seed_header = etree.fromstring(build_tmx(load_exported(seed_run.out))[0].encode()).find(
        "header"
    )
    assert seed_header.get("srclang") == "ru" and _props(seed_header)["x-corpus"] == ["seed"]


def test_labels_filter_and_empty_export_is_an_error(seed_run, tmp_path, capsys):
    data = load_exported(seed_run.out)
    names = data.label_names
    present = {data.label(r) for r in data.pairs()}
    label = sorted(present)[0]
    tmx = tmp_path / "one.tmx"
    assert main(["export-tmx", str(seed_run.out), "--out", str(tmx), "--labels", label]) == 0
    props = [_props(tu) for tu in etree.parse(str(tmx)).getroot().findall("body/tu")]
    assert props and all(p["x-divergence-label"] == [label] for p in props)
    assert len(props) == sum(1 for r in data.pairs() if data.label(r) == label)
    absent = [lab for lab in names if lab not in present]
    capsys.readouterr()
    if absent:  # a label no two-sided bead has: nothing to write, said loudly, nothing written
        empty = tmp_path / "none.tmx"
        assert (
            main(["export-tmx", str(seed_run.out), "--out", str(empty), "--labels", absent[0]]) == 1
        )
        err = capsys.readouterr().err
        assert err.startswith("align: error: ") and "no bead passes the filters" in err
        assert f"--labels {absent[0]} keeps 0" in err and err.count("\n") == 1
        assert not empty.exists()
