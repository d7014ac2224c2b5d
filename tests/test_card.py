"""The exported folder is a complete Hub dataset repository: the card parses and says what is in it."""

from __future__ import annotations

import re
from collections import Counter

from datasets import load_dataset, load_from_disk
from datasets.info import DatasetInfosDict
from huggingface_hub import DatasetCard


def test_card_yaml_parses_with_hub_metadata(seed_run):
    card = DatasetCard.load(seed_run.out / "README.md")
    meta = card.data.to_dict()
    assert meta["language"] == ["ru", "en"]
    assert meta["license"] == "other"  # corpora/seed/corpus.toml
    assert meta["license_name"] == "seed-sources"  # the Hub asks for one with "other"
    assert "translation" in meta["task_categories"]
    assert meta["multilinguality"] == ["translation"]
    configs = {c["config_name"]: c for c in meta["configs"]}
    assert set(configs) == {"sentences", "documents"}
    assert configs["sentences"]["default"] is True
    for name, c in configs.items():
        (files,) = c["data_files"]
        assert files["split"] == "train"
        assert re.fullmatch(rf"data/{name}/train-[0-9a-f]{{16}}\.parquet", files["path"])
        assert (seed_run.out / files["path"]).is_file()


def test_dataset_info_features_match_the_data(seed_run):
    card = DatasetCard.load(seed_run.out / "README.md")
    infos = DatasetInfosDict.from_dataset_card_data(card.data)
    disk = load_from_disk(str(seed_run.out))
    assert set(infos) == {"sentences", "documents"}
    for name, info in infos.items():
        assert info.features == disk[name].features
        assert info.splits["train"].num_examples == disk[name].num_rows
        (parquet,) = (seed_run.out / "data" / name).glob("train-*.parquet")
        assert info.download_size == parquet.stat().st_size
    # load_dataset reads the declared features: the ClassLabel survives the parquet round trip
    beads = load_dataset(str(seed_run.out))["train"]
    assert beads.features == disk["sentences"].features


def test_card_prose_sections_and_statistics(seed_run):
    text = DatasetCard.load(seed_run.out / "README.md").text
    for heading in (
        "## Source corpora",
        "## Method",
        "## Statistics",
        "## How to load",
        "## Limitations",
        "## Citation",
    ):
        assert heading in text
    sents = load_from_disk(str(seed_run.out))["sentences"]
    names = sents.features["divergence_label"].names
    labels = Counter(names[i] for i in sents["divergence_label"])
    types = Counter(sents["alignment_type"])
    assert f"- beads (rows of the `sentences` config): {sents.num_rows}\n" in text
    for lab in names:
        assert f"| {lab} | {labels[lab]} | {labels[lab] / sents.num_rows:.1%} |" in text
    for t, n in types.items():
        assert f"| {t} | {n} | {n / sents.num_rows:.1%} |" in text
    assert "Russian sources: Report (1 document)" in text
    assert "English sources: Azernews (1 document)" in text
    assert "`use-m3`" in text
    assert "@misc{seed_ru_en_aligned" in text
    (doc,) = load_from_disk(str(seed_run.out))["documents"]
    assert f"| {doc['doc_id']} | {doc['n_ru_sentences']} | {doc['n_en_sentences']} |" in text


def test_card_hub_fields_and_licence_file(seed_run, multi_run):
    meta = DatasetCard.load(seed_run.out / "README.md").data.to_dict()
    assert meta["annotations_creators"] == ["machine-generated"]
    assert meta["source_datasets"] == ["original"]
    # licence "other": the Hub wants a name and a link; the link is a file in the repository
    assert meta["license_link"] == "LICENSE.md"
    terms = (seed_run.out / "LICENSE.md").read_text(encoding="utf-8")
    docs = load_from_disk(str(seed_run.out))["documents"]
    for d in docs:
        assert f"`{d['doc_id']}` (Russian): {d['ru_source']}" in terms
        assert f"`{d['doc_id']}` (English): {d['en_source']}" in terms
    # a known licence needs neither
    multi = DatasetCard.load(multi_run.out / "README.md").data.to_dict()
    assert multi["license"] == "cc-by-4.0"
    assert "license_name" not in multi and "license_link" not in multi
    assert not (multi_run.out / "LICENSE.md").exists()


def test_direction_and_structured_columns(seed_run, multi_run):
    from tests.conftest import MULTI_NAME

    docs = load_from_disk(str(multi_run.out))["documents"]
    assert dict(zip(docs["doc_id"], docs["direction"], strict=True)) == {
        "a-full": "ru-en",  # corpus.toml
        "b-meeting": "ru-en",
        "c-earlier": "en-ru",  # its meta.toml
    }
    assert set(docs["corpus"]) == {MULTI_NAME}
    sents = load_from_disk(str(multi_run.out))["sentences"]
    for d in docs:
        types = Counter(r["alignment_type"] for r in sents if r["doc_id"] == d["doc_id"])
        assert d["alignment_types"] == [{"type": t, "count": n} for t, n in sorted(types.items())]
    text = DatasetCard.load(multi_run.out / "README.md").text
    assert "translation direction: differs by document" in text
    seed = DatasetCard.load(seed_run.out / "README.md").text
    assert "translation direction: Russian original, English translation (`ru-en`)" in seed
    assert "Russian source text missing from the English translation (`omitted_spans`)" in seed


def test_card_one_liner_for_mt_training_runs(seed_run):
    """The card's code for keeping two-sided pairs runs as printed and does what it says."""
    text = DatasetCard.load(seed_run.out / "README.md").text
    code = text.split("### Pairs for MT training", 1)[1].split("```python\n", 1)[1]
    code = code.split("```", 1)[0]
    beads = load_dataset(str(seed_run.out))["train"]
    scope = {"beads": beads}
    exec(code, scope)
    pairs, clean = scope["pairs"], scope["clean"]
    one_sided = [r for r in beads if not (r["ru_sent_ids"] and r["en_sent_ids"])]
    assert one_sided and all(r["similarity"] is None for r in one_sided)  # the 1-0 bead
    assert pairs.num_rows == beads.num_rows - len(one_sided)
    assert all(r["translation"]["ru"] and r["translation"]["en"] for r in pairs)
    names = beads.features["divergence_label"].names
    assert {names[i] for i in clean["divergence_label"]} <= {"equivalent"}
