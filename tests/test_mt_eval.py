"""`align mt-eval`: sacrebleu scores overall and per divergence label, line-count check."""

from __future__ import annotations

import json

import pytest
from sacrebleu.metrics import BLEU, CHRF, TER

from align.cli import main
from align.export.read import load_exported
from align.tools.mt_eval import score_mt


@pytest.fixture(scope="module")
def data(seed_run):
    return load_exported(seed_run.out)


def _write(path, lines):
    path.write_text("".join(ln + "\n" for ln in lines), encoding="utf-8")
    return path


def test_reference_as_hypothesis_scores_perfectly(seed_run, data, tmp_path, capsys):
    hyp = _write(tmp_path / "hyp.en", [r["translation"]["en"] for r in data.pairs()])
    js = tmp_path / "scores.json"
    assert main(["mt-eval", str(seed_run.out), "--hyp", str(hyp), "--json", str(js)]) == 0
    out = capsys.readouterr().out
    assert (
        "BLEU signature: nrefs:1|" in out and "chrF signature:" in out and "TER signature:" in out
    )
    res = json.loads(js.read_text(encoding="utf-8"))
    for g in res["groups"]:
        assert g["bleu"] == pytest.approx(100) and g["chrf"] == pytest.approx(100)
        assert g["ter"] == pytest.approx(0)
    labels = {data.label(r) for r in data.pairs()}
    expected = {"all"} | {"equivalent" if lab == "equivalent" else "divergent" for lab in labels}
    assert {g["group"] for g in res["groups"]} >= expected


def test_groups_match_sacrebleu_on_each_subset(data):
    rows = list(data.pairs())
    # a deterministic, imperfect "MT": every reference with its first word dropped and a word added
    hyps = [" ".join([*r["translation"]["en"].split()[1:], "indeed"]) for r in rows]
    res = score_mt(data, hyps)
    labels = [data.label(r) for r in rows]
    for g in res.groups:
        idx = [
            i
            for i, lab in enumerate(labels)
            if g.group == "all"
            or (g.group == "divergent" and lab != "equivalent")
            or g.group == lab
        ]
        assert g.n == len(idx) > 0
        h = [hyps[i] for i in idx]
        refs = [[rows[i]["translation"]["en"] for i in idx]]
        assert g.bleu == pytest.approx(BLEU().corpus_score(h, refs).score)
        assert g.chrf == pytest.approx(CHRF().corpus_score(h, refs).score)
        assert g.ter == pytest.approx(TER().corpus_score(h, refs).score)
        assert 0 < g.bleu < 100
    assert sum(g.n for g in res.groups if g.group in data.label_names) == len(rows)


def test_line_count_mismatch_is_a_clear_error(seed_run, data, tmp_path, capsys):
    n = len(list(data.pairs()))
    hyp = _write(tmp_path / "short.en", ["x"] * (n - 1))
    assert main(["mt-eval", str(seed_run.out), "--hyp", str(hyp)]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert f"short.en: has {n - 1} lines, expected {n}" in err
    assert main(["mt-eval", str(seed_run.out), "--hyp", str(tmp_path / "none")]) == 1
    assert "does not exist" in capsys.readouterr().err
