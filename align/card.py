"""The dataset card (``README.md``) of an exported dataset folder: YAML metadata + prose."""

from __future__ import annotations

from collections import Counter

import yaml
from datasets import DatasetDict

from align.model import DIVERGENCE_LABELS


def _size_category(n: int) -> str:
    for limit, name in ((1_000, "n<1K"), (10_000, "1K<n<10K"), (100_000, "10K<n<100K")):
        if n < limit:
            return name
    return "100K<n<1M"


def card_metadata(dd: DatasetDict, corpus_name: str, corpus_info: dict[str, str]) -> dict:
    return {
        "language": ["ru", "en"],
        "license": corpus_info.get("license", "other"),
        "multilinguality": ["translation"],
        "task_categories": ["translation", "text-classification"],
        "task_ids": [],
        "pretty_name": f"{corpus_name}: aligned Russian-English pairs with translation divergences",
        "size_categories": [_size_category(dd["sentences"].num_rows)],
        "configs": [
            {
                "config_name": "sentences",
                "default": True,
                "data_files": [{"split": "train", "path": "data/sentences/*.parquet"}],
            },
            {
                "config_name": "documents",
                "data_files": [{"split": "train", "path": "data/documents/*.parquet"}],
            },
        ],
    }


def dataset_card(dd: DatasetDict, corpus_name: str, corpus_info: dict[str, str]) -> str:
    """Render the card: YAML header, then how it was made, counts and how to load it."""
    sents, docs = dd["sentences"], dd["documents"]
    header = yaml.safe_dump(
        card_metadata(dd, corpus_name, corpus_info), sort_keys=False, allow_unicode=True
    )
    types = Counter(sents["alignment_type"])
    labels = Counter(DIVERGENCE_LABELS[i] for i in sents["divergence_label"])
    encoders = sorted(set(sents["encoder"])) or ["(none)"]
    type_rows = "\n".join(f"| {t} | {n} |" for t, n in sorted(types.items(), key=lambda x: -x[1]))
    label_rows = "\n".join(f"| {lab} | {labels[lab]} |" for lab in DIVERGENCE_LABELS)
    n_ru = sum(docs["n_ru_sentences"])
    n_en = sum(docs["n_en_sentences"])
    description = corpus_info.get("description", "")
    return f"""---
{header}---

# {corpus_name}: Russian–English aligned corpus with translation divergences

{description}

Made with the `align` toolkit: documents were read paragraph by paragraph, split into sentences
(rule-based, offline), aligned with bertalign's two-pass algorithm (paragraphs first, then
sentences; 1-1, m-n, 1-0 and 0-1 beads) using the `{", ".join(encoders)}` sentence encoder, and every
aligned pair was scored for translation divergence: Russian clauses with no English counterpart
(`omitted_spans`) and English clauses with no Russian counterpart (`added_spans`).

## Counts

- document pairs: {docs.num_rows}
- Russian sentences: {n_ru}; English sentences: {n_en}
- beads (rows of the `sentences` config): {sents.num_rows}

| alignment type | beads |
|---|---|
{type_rows}

| divergence label | beads |
|---|---|
{label_rows}

## Configs and columns

- `sentences` (default): one row per bead — `doc_id`, `bead_id`, `translation` (`ru`, `en`),
  `ru_sent_ids`, `en_sent_ids`, paragraph ids, `alignment_type` ("1-1", "2-1", "1-0", ...),
  `similarity` (encoder cosine), `divergence_score` in [0, 1] (higher = more divergent),
  `divergence_label` ({", ".join(DIVERGENCE_LABELS)}), `omitted_spans` / `added_spans`
  (`text`, `start`, `end`: character offsets into that side of `translation`), document metadata.
- `documents`: one row per document pair — metadata, full texts, counts, and the share of
  Russian text with no English counterpart (`omitted_share`) and of English text with no Russian
  counterpart (`added_share`).

## How to load

```python
from datasets import load_dataset, load_from_disk
beads = load_dataset("path/to/this/folder")["train"]              # sentences config
docs = load_dataset("path/to/this/folder", "documents")["train"]
both = load_from_disk("path/to/this/folder")                      # DatasetDict: sentences, documents
```

## Limitations

Alignments and divergence spans are automatic and unverified; divergence scores come from a
multilingual sentence encoder plus lexical anchors and can miss paraphrased omissions or flag
free but faithful renderings. The texts keep the licence of their sources.
"""
