"""Stage 5 — export: a Hugging Face ``datasets`` folder with a dataset card.

The output folder ``OUT`` holds, side by side:

* ``data/sentences/*.parquet`` and ``data/documents/*.parquet`` with a ``README.md`` dataset
  card whose YAML declares two configs, so ``datasets.load_dataset(OUT)`` (config
  ``sentences``, the default) and ``load_dataset(OUT, "documents")`` work, as on the Hub;
* ``dataset_dict.json`` + ``sentences/`` + ``documents/`` (Arrow), so
  ``datasets.load_from_disk(OUT)`` returns a ``DatasetDict`` with those two splits;
* ``LICENSE.md`` when the corpus's licence is "other" with no ``license_link``: the card's
  ``license_link`` points at it (the Hub asks for one), and it lists the sources.

Everything is written to a temporary sibling folder first and moved into place at the end,
so a failed run never leaves a half-written ``OUT``.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import asdict
from pathlib import Path

import datasets
from datasets import (
    ClassLabel,
    Dataset,
    DatasetDict,
    Features,
    Translation,
    Value,
)
from datasets import (
    Sequence as HFSequence,
)

from align.io import atomic_dir, check_output_dir, output_lock
from align.model import DIVERGENCE_LABELS, LANGS, AlignedPair

LICENSE_FILE = "LICENSE.md"  # written when the licence is "other" and corpus.toml has no link
SPAN = {"text": Value("string"), "start": Value("int32"), "end": Value("int32")}
META_COLUMNS = [f"{lang}_{f}" for lang in LANGS for f in ("source", "date", "url", "title")]

SENTENCE_FEATURES = Features(
    {
        "doc_id": Value("string"),
        "bead_id": Value("int32"),
        "translation": Translation(languages=list(LANGS)),
        "ru_sent_ids": HFSequence(Value("int32")),
        "en_sent_ids": HFSequence(Value("int32")),
        "ru_paragraph_ids": HFSequence(Value("int32")),
        "en_paragraph_ids": HFSequence(Value("int32")),
        # a string, not a ClassLabel: the set of types is open-ended (it grows with the largest
        # bead the aligner allows) and users filter on the text ("1-1"), as --types does
        "alignment_type": Value("string"),
        "similarity": Value("float32"),  # null for 1-0 / 0-1 beads: nothing to compare
        "divergence_score": Value("float32"),
        "divergence_label": ClassLabel(names=list(DIVERGENCE_LABELS)),
        "omitted_spans": [SPAN],
        "added_spans": [SPAN],
        **{c: Value("string") for c in META_COLUMNS},
        "encoder": Value("string"),
    }
)

DOCUMENT_FEATURES = Features(
    {
        "doc_id": Value("string"),
        **{c: Value("string") for c in META_COLUMNS},
        "en_published": Value("string"),
        "corpus": Value("string"),
        "direction": Value("string"),  # "ru-en", "en-ru" or "unknown" (see align.model)
        "ru_text": Value("string"),
        "en_text": Value("string"),
        "n_ru_sentences": Value("int32"),
        "n_en_sentences": Value("int32"),
        "n_beads": Value("int32"),
        "alignment_types": [{"type": Value("string"), "count": Value("int32")}],
        "n_equivalent": Value("int32"),
        "n_omission": Value("int32"),
        "n_addition": Value("int32"),
        "n_omission_addition": Value("int32"),
        "ru_chars": Value("int32"),
        "en_chars": Value("int32"),
        "omitted_chars": Value("int32"),
        "added_chars": Value("int32"),
        "omitted_share": Value("float32"),
        "added_share": Value("float32"),
        "mean_divergence": Value("float32"),
        "encoder": Value("string"),
    }
)


def _meta(aligned: AlignedPair) -> dict[str, str]:
    pair = aligned.seg.pair
    out = {}
    for lang in LANGS:
        m = pair.side(lang).meta
        out.update({f"{lang}_source": m.source, f"{lang}_date": m.date, f"{lang}_url": m.url})
        out[f"{lang}_title"] = m.title
    return out


def sentence_rows(aligned: AlignedPair) -> Iterator[dict]:
    meta = _meta(aligned)
    ru, en = aligned.seg.ru, aligned.seg.en
    for k, b in enumerate(aligned.beads):
        yield {
            "doc_id": aligned.doc_id,
            "bead_id": k,
            "translation": {"ru": aligned.text(b, "ru"), "en": aligned.text(b, "en")},
            "ru_sent_ids": list(b.ru_ids),
            "en_sent_ids": list(b.en_ids),
            "ru_paragraph_ids": sorted({ru[i].para for i in b.ru_ids}),
            "en_paragraph_ids": sorted({en[i].para for i in b.en_ids}),
            "alignment_type": b.alignment_type,
            "similarity": round(b.similarity, 4) if b.ru_ids and b.en_ids else None,
            "divergence_score": b.divergence_score,
            "divergence_label": DIVERGENCE_LABELS.index(b.divergence_label),
            "omitted_spans": [asdict(s) for s in b.omitted_spans],
            "added_spans": [asdict(s) for s in b.added_spans],
            **meta,
            "encoder": aligned.encoder,
        }


def document_row(aligned: AlignedPair, corpus_name: str = "corpus") -> dict:
    pair = aligned.seg.pair
    summary = aligned.summary()
    labels = Counter(b.divergence_label for b in aligned.beads)
    types = Counter(b.alignment_type for b in aligned.beads)
    return {
        "doc_id": aligned.doc_id,
        **_meta(aligned),
        "en_published": pair.en.meta.published,
        "corpus": corpus_name,
        "direction": pair.direction,
        "ru_text": "\n\n".join(pair.ru.paragraphs),
        "en_text": "\n\n".join(pair.en.paragraphs),
        "n_ru_sentences": len(aligned.seg.ru),
        "n_en_sentences": len(aligned.seg.en),
        "n_beads": len(aligned.beads),
        "alignment_types": [{"type": t, "count": n} for t, n in sorted(types.items())],
        "n_equivalent": labels["equivalent"],
        "n_omission": labels["omission"],
        "n_addition": labels["addition"],
        "n_omission_addition": labels["omission+addition"],
        **{k: v for k, v in asdict(summary).items()},
        "encoder": aligned.encoder,
    }


def build_datasets(aligned: Sequence[AlignedPair], corpus_name: str = "corpus") -> DatasetDict:
    """The two tables as ``datasets`` objects: ``sentences`` (one row per bead) and ``documents``."""
    rows = [r for a in aligned for r in sentence_rows(a)]
    docs = [document_row(a, corpus_name) for a in aligned]
    return DatasetDict(
        {
            "sentences": Dataset.from_list(rows, features=SENTENCE_FEATURES),
            "documents": Dataset.from_list(docs, features=DOCUMENT_FEATURES),
        }
    )


def write_dataset(
    aligned: Sequence[AlignedPair],
    out: str | Path,
    *,
    corpus_name: str = "corpus",
    corpus_info: dict[str, str] | None = None,
    force: bool = False,
) -> DatasetDict:
    """Write the dataset folder (parquet + Arrow + card) atomically; return the datasets.

    ``out`` may only be new, empty or an earlier export (:func:`align.io.check_output_dir`;
    ``force`` replaces anything else but a symbolic link)."""
    check_output_dir(out, kind="dataset", force=force)
    dd = build_datasets(aligned, corpus_name)
    save_dataset(dd, out, corpus_name=corpus_name, corpus_info=corpus_info)
    return dd


def save_dataset(
    dd: DatasetDict,
    out: str | Path,
    *,
    corpus_name: str = "corpus",
    corpus_info: dict[str, str] | None = None,
) -> None:
    """Write the two tables as the dataset folder (parquet + Arrow + card), atomically
    (``out`` checked by the caller: :func:`align.io.check_output_dir`)."""
    from align.export.card import dataset_card, license_file, parquet_path

    datasets.disable_progress_bars()
    try:
        with output_lock(out), atomic_dir(out, kind="dataset") as tmp:
            dd.save_to_disk(str(tmp))
            digest = hashlib.sha256()
            for split, ds in dd.items():
                ds.to_parquet(str(tmp / f"{split}.parquet"))
                digest.update((tmp / f"{split}.parquet").read_bytes())
            fingerprint = digest.hexdigest()[:16]
            for split in dd:
                (tmp / parquet_path(split, fingerprint)).parent.mkdir(parents=True, exist_ok=True)
                (tmp / f"{split}.parquet").rename(tmp / parquet_path(split, fingerprint))
            card = dataset_card(
                dd,
                corpus_name=corpus_name,
                corpus_info=corpus_info or {},
                data_dir=tmp,
                fingerprint=fingerprint,
            )
            (tmp / "README.md").write_text(card, encoding="utf-8")
            terms = license_file(dd, corpus_name, corpus_info or {})
            if terms is not None:
                (tmp / LICENSE_FILE).write_text(terms, encoding="utf-8")
    finally:
        datasets.enable_progress_bars()
