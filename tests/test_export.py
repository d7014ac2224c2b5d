"""Export: the dataset folder reloads with `datasets`, column by column; the card is valid."""

from __future__ import annotations

import pytest
import yaml
from datasets import ClassLabel, Translation, load_dataset, load_from_disk

from align.model import DIVERGENCE_LABELS


def test_load_from_disk_and_parquet_agree(seed_run):
    out = str(seed_run.out)
    disk = load_from_disk(out)
    assert set(disk) == {"sentences", "documents"}
    parquet = load_dataset(out)["train"]
    docs = load_dataset(out, "documents")["train"]
    assert parquet.to_list() == disk["sentences"].to_list()
    assert docs.to_list() == disk["documents"].to_list()
    assert isinstance(parquet.features["divergence_label"], ClassLabel)
    assert isinstance(parquet.features["translation"], Translation)


def test_sentence_rows_column_by_column(seed_run):
    (a,) = seed_run.aligned
    rows = load_from_disk(str(seed_run.out))["sentences"]
    assert rows.num_rows == len(a.beads)
    names = rows.features["divergence_label"].names
    assert names == list(DIVERGENCE_LABELS)
    meta = a.seg.pair
    for k, (row, bead) in enumerate(zip(rows, a.beads, strict=True)):
        assert row["doc_id"] == a.doc_id
        assert row["bead_id"] == k
        assert row["translation"] == {"ru": a.text(bead, "ru"), "en": a.text(bead, "en")}
        assert row["ru_sent_ids"] == list(bead.ru_ids)
        assert row["en_sent_ids"] == list(bead.en_ids)
        assert row["alignment_type"] == bead.alignment_type
        if bead.ru_ids and bead.en_ids:
            assert row["similarity"] == pytest.approx(bead.similarity, abs=1e-3)
        else:  # a 1-0 / 0-1 bead: nothing to compare
            assert row["similarity"] is None
        assert row["divergence_score"] == pytest.approx(bead.divergence_score, abs=1e-6)
        assert names[row["divergence_label"]] == bead.divergence_label
        for col, spans, lang in (
            ("omitted_spans", bead.omitted_spans, "ru"),
            ("added_spans", bead.added_spans, "en"),
        ):
            assert [(s["text"], s["start"], s["end"]) for s in row[col]] == [
                (s.text, s.start, s.end) for s in spans
            ]
            for s in row[col]:
                assert row["translation"][lang][s["start"] : s["end"]] == s["text"]
        assert row["ru_source"] == meta.ru.meta.source == "Report"
        assert row["en_source"] == meta.en.meta.source == "Azernews"
        assert row["ru_date"] == "2025-11-21"
        assert row["encoder"] == "use-m3"


def test_document_row(seed_run):
    (a,) = seed_run.aligned
    (doc,) = load_from_disk(str(seed_run.out))["documents"]
    assert doc["doc_id"] == a.doc_id
    assert doc["n_ru_sentences"] == len(a.seg.ru) == 13
    assert doc["n_en_sentences"] == len(a.seg.en) == 12
    assert doc["n_beads"] == len(a.beads)
    assert doc["n_omission"] >= 1  # the Patriot paragraph at least
    assert doc["en_published"] == "21 November 2025 16:29 (UTC+04:00)"
    assert 0.1 < doc["omitted_share"] < 0.5
    assert doc["ru_text"].startswith("МИД России выразил")
    total = doc["n_equivalent"] + doc["n_omission"] + doc["n_addition"] + doc["n_omission_addition"]
    assert total == doc["n_beads"]


def test_dataset_card(seed_run):
    text = (seed_run.out / "README.md").read_text(encoding="utf-8")
    assert text.startswith("---\n")
    header = yaml.safe_load(text.split("---\n")[1])
    assert header["language"] == ["ru", "en"]
    assert "license" in header and "translation" in header["task_categories"]
    configs = {c["config_name"]: c for c in header["configs"]}
    assert set(configs) == {"sentences", "documents"}
    assert configs["sentences"]["default"] is True
    assert "use-m3" in text and "How to load" in text


def test_load_dataset_never_serves_an_earlier_export(tmp_path, seed_run):
    """`datasets` caches a folder by its card's data_files: file names carry a content hash."""
    import copy

    from align.export.write import write_dataset

    out = tmp_path / "again"
    (a,) = seed_run.aligned
    write_dataset([a], out)
    first = load_dataset(str(out), cache_dir=str(tmp_path / "cache"))["train"]["similarity"]
    b = copy.deepcopy(a)
    b.beads[0].similarity = 0.123
    write_dataset([b], out)
    second = load_dataset(str(out), cache_dir=str(tmp_path / "cache"))["train"]["similarity"]
    assert second[0] == pytest.approx(0.123) != first[0]
