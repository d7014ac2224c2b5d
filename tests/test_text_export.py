"""`align export-text`: line-aligned PREFIX.ru / PREFIX.en, filters, atomic writes."""

from __future__ import annotations

import pytest

from align.cli import main
from align.export.read import load_exported
from align.io import atomic_files


def _lines(path) -> list[str]:
    return path.read_text(encoding="utf-8").splitlines()


def test_line_aligned_files(seed_run, tmp_path, capsys):
    prefix = tmp_path / "txt" / "seed"
    assert main(["export-text", str(seed_run.out), "--out", str(prefix)]) == 0
    assert "line pairs written" in capsys.readouterr().out
    data = load_exported(seed_run.out)
    rows = [r for r in data.sentences if r["translation"]["ru"] and r["translation"]["en"]]
    ru, en, ids = (_lines(prefix.with_suffix(s)) for s in (".ru", ".en", ".ids"))
    assert len(ru) == len(en) == len(ids) == len(rows) == data.sentences.num_rows - 1
    for r, a, b, i in zip(rows, ru, en, ids, strict=True):
        assert a == " ".join(r["translation"]["ru"].split())
        assert b == " ".join(r["translation"]["en"].split())
        assert i == f"{r['doc_id']}\t{r['bead_id']}"


def test_filters_on_divergence_and_type(seed_run, tmp_path):
    prefix = tmp_path / "f"
    args = ["export-text", str(seed_run.out), "--out", str(prefix)]
    data = load_exported(seed_run.out)
    scores = sorted(r["divergence_score"] for r in data.pairs())
    cut = round(scores[len(scores) // 2], 4)  # the median: some pairs pass, some do not
    assert main([*args, "--max-divergence", str(cut), "--types", "1-1,2-1"]) == 0
    keep = [
        f"{r['doc_id']}\t{r['bead_id']}"
        for r in data.pairs()
        if r["divergence_score"] <= cut and r["alignment_type"] in {"1-1", "2-1"}
    ]
    assert _lines(prefix.with_suffix(".ids")) == keep
    assert 0 < len(keep) < len(list(data.pairs()))
    assert len(_lines(prefix.with_suffix(".ru"))) == len(_lines(prefix.with_suffix(".en")))


@pytest.mark.parametrize("bad", [["--types", "one-one"], ["--max-divergence", "2"]])
def test_bad_filter_arguments(seed_run, tmp_path, capsys, bad):
    with pytest.raises(SystemExit) as exc:
        main(["export-text", str(seed_run.out), "--out", str(tmp_path / "x"), *bad])
    assert exc.value.code == 2
    assert "expected" in capsys.readouterr().err
    assert not list(tmp_path.iterdir())


def test_missing_dataset_one_line_error(tmp_path, capsys):
    assert main(["export-text", str(tmp_path / "nope"), "--out", str(tmp_path / "x")]) == 1
    err = capsys.readouterr().err
    assert err.startswith("align: error: ") and "does not exist" in err and err.count("\n") == 1
    not_a_dataset = tmp_path / "plain"
    not_a_dataset.mkdir()
    assert main(["export-tmx", str(not_a_dataset), "--out", str(tmp_path / "x.tmx")]) == 1
    assert "not an exported dataset folder" in capsys.readouterr().err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["plain"]


def test_atomic_files_leave_nothing_half_written(tmp_path):
    old = tmp_path / "a.ru"
    old.write_text("old\n", encoding="utf-8")
    with pytest.raises(RuntimeError), atomic_files(old, tmp_path / "a.en") as (ru, _en):
        ru.write_text("new\n", encoding="utf-8")
        raise RuntimeError("failed half-way")
    assert old.read_text(encoding="utf-8") == "old\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.ru"]


def test_an_export_that_would_write_nothing_fails_loudly(seed_run, tmp_path, capsys):
    """`--max-divergence 0 --types 9-9`: no bead passes; exit 1, what each filter keeps, no files."""
    prefix = tmp_path / "none"
    args = ["export-text", str(seed_run.out), "--out", str(prefix)]
    assert main([*args, "--max-divergence", "0", "--types", "9-9"]) == 1
    err = capsys.readouterr().err
    n = sum(1 for _ in load_exported(seed_run.out).pairs())
    assert f"no bead passes the filters: 0 of {n} beads with text on both sides" in err
    assert "--types 9-9 keeps 0" in err and "--max-divergence 0.0 keeps" in err
    assert err.count("\n") == 1 and not list(tmp_path.iterdir())


def test_labels_filter(seed_run, tmp_path):
    data = load_exported(seed_run.out)
    prefix = tmp_path / "eq"
    assert (
        main(["export-text", str(seed_run.out), "--out", str(prefix), "--labels", "equivalent"])
        == 0
    )
    keep = [f"{r['doc_id']}\t{r['bead_id']}" for r in data.pairs() if data.label(r) == "equivalent"]
    assert _lines(prefix.with_suffix(".ids")) == keep
    with pytest.raises(SystemExit) as exc:
        main(["export-text", str(seed_run.out), "--out", str(prefix), "--labels", "same"])
    assert exc.value.code == 2
