"""The dataset card (``README.md``) of an exported dataset folder: YAML metadata + prose.

The YAML is built with ``huggingface_hub.DatasetCardData`` and carries what the Hub reads:
languages, license, task categories, the two configs with their parquet files, and
``dataset_info`` (features, splits, sizes) written by ``datasets`` itself, so the card parses
back with ``DatasetCard.load`` and ``load_dataset`` uses the declared features.
"""

from __future__ import annotations

import html
import itertools
import re
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

from datasets import Dataset, DatasetDict
from datasets.info import DatasetInfo, DatasetInfosDict
from datasets.splits import SplitDict, SplitInfo
from huggingface_hub import DatasetCard, DatasetCardData

from align import __version__
from align.model import DIVERGENCE_LABELS, wording

CONFIGS = ("sentences", "documents")
SCORE_BINS = (0.0, 0.1, 0.3, 0.5, 0.7, 1.0)
MAX_DOC_ROWS = 50  # per-document table in the card; the documents config has them all


def parquet_path(config: str, fingerprint: str) -> str:
    """Where a config's parquet file goes. The name carries a hash of the export's content:
    ``datasets.load_dataset(folder)`` caches by the card's ``data_files`` patterns, so a fixed
    name would make it serve an earlier export of the same folder from its cache."""
    return f"data/{config}/train-{fingerprint}.parquet"


def _size_category(n: int) -> str:
    for limit, name in ((1_000, "n<1K"), (10_000, "1K<n<10K"), (100_000, "10K<n<100K")):
        if n < limit:
            return name
    return "100K<n<1M"


def _info(ds: Dataset, download_size: int | None) -> DatasetInfo:
    nbytes = int(ds.data.nbytes)
    splits = SplitDict()
    splits.add(SplitInfo(name="train", num_bytes=nbytes, num_examples=ds.num_rows))
    return DatasetInfo(
        features=ds.features,
        splits=splits,
        download_size=download_size,
        dataset_size=nbytes,
    )


def _direction(docs: Dataset) -> str:
    """The corpus's translation direction: the documents' one when they agree, else "mixed"."""
    found = set(docs["direction"]) if "direction" in docs.column_names else {"unknown"}
    return found.pop() if len(found) == 1 else "mixed"


def _license_extra(corpus_name: str, corpus_info: dict[str, str]) -> dict[str, str]:
    """``license_name`` and ``license_link``, which the Hub asks for when the licence is "other"."""
    if corpus_info.get("license", "other") != "other":
        return {}
    return {
        "license_name": corpus_info.get("license_name", f"{corpus_name}-sources"),
        "license_link": corpus_info.get("license_link", "LICENSE.md"),
    }


def license_file(dd: DatasetDict, corpus_name: str, corpus_info: dict[str, str]) -> str | None:
    """``LICENSE.md`` for a licence "other" without a ``license_link`` (else ``None``): the card's
    link points at it; it says whose terms apply and lists every source and URL."""
    if _license_extra(corpus_name, corpus_info).get("license_link") != "LICENSE.md":
        return None
    docs = dd["documents"]
    lines = []
    for d in docs:
        for lang, name in (("ru", "Russian"), ("en", "English")):
            where = " ".join(x for x in (d[f"{lang}_source"], d[f"{lang}_url"]) if x)
            where = md_text(where) if where else "(source not recorded)"
            lines.append(f"- `{code_text(d['doc_id'])}` ({name}): {where}")
    name = code_text(_license_extra(corpus_name, corpus_info)["license_name"])
    return f"""# Terms of use: {md_text(corpus_name)}

The corpus declares its licence as "other" (`license_name: {name}`). The texts in this dataset
keep the terms of their sources, listed below; check them before you redistribute the texts or
train on them. The alignments, divergence scores and spans were generated automatically by the align
toolkit (ru-en-align {__version__}).

{chr(10).join(lines)}
"""


def card_data(
    dd: DatasetDict,
    corpus_name: str,
    corpus_info: dict[str, str],
    data_dir: Path | None = None,
    fingerprint: str = "00000-of-00001",
) -> DatasetCardData:
    """The card's YAML metadata; ``data_dir`` (the folder with ``data/``) adds file sizes."""
    license_ = corpus_info.get("license", "other")
    sources = [s.strip() for s in corpus_info.get("source_datasets", "original").split(",")]
    data = DatasetCardData(
        language=["ru", "en"],
        license=license_,
        **_license_extra(corpus_name, corpus_info),
        annotations_creators=["machine-generated"],  # alignments, scores and spans
        source_datasets=[s for s in sources if s],
        multilinguality=["translation"],
        task_categories=["translation", "text-classification"],
        pretty_name=f"{corpus_name}: aligned Russian-English pairs with translation divergences",
        size_categories=[_size_category(dd["sentences"].num_rows)],
        tags=["parallel-corpus", "sentence-alignment", "translation-divergence"],
        configs=[
            {
                "config_name": name,
                **({"default": True} if name == "sentences" else {}),
                "data_files": [{"split": "train", "path": parquet_path(name, fingerprint)}],
            }
            for name in CONFIGS
        ],
    )
    infos = DatasetInfosDict()
    for name in CONFIGS:
        parquet = data_dir / parquet_path(name, fingerprint) if data_dir else None
        size = parquet.stat().st_size if parquet is not None and parquet.is_file() else None
        infos[name] = _info(dd[name], size)
    infos.to_dataset_card_data(data)
    return data


_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")
_MD_SPECIAL = re.compile(r"([\\`*_\[\]|])")


def md_text(value: object) -> str:
    """``value`` as literal text on one line of Markdown: controls and line breaks become
    spaces (no `---` line, no new table row), HTML is escaped (no raw ``<script>``), and the
    characters that make emphasis, links, code or table cells are backslash-escaped."""
    one = " ".join(_CONTROL.sub(" ", str(value)).split())
    return _MD_SPECIAL.sub(r"\\\1", html.escape(one, quote=False))


def code_text(value: object) -> str:
    """``value`` inside a Markdown code span: one line, no backtick to end the span early."""
    return " ".join(_CONTROL.sub(" ", str(value)).split()).replace("`", "'")


def _table(header: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(str(c) for c in r) + " |" for r in rows]
    return "\n".join(lines)


def _score_bins(scores: Sequence[float]) -> list[tuple[str, int]]:
    out = []
    for k, (lo, hi) in enumerate(itertools.pairwise(SCORE_BINS)):
        last = k == len(SCORE_BINS) - 2
        n = sum(1 for s in scores if lo <= s < hi or (last and s == hi))
        out.append((f"[{lo:.1f}, {hi:.1f}{']' if last else ')'}", n))
    return out


def _sources(docs: Dataset, lang: str) -> str:
    counts = Counter(s or "(unknown)" for s in docs[f"{lang}_source"])
    return ", ".join(
        f"{md_text(s)} ({n} document{'s' if n > 1 else ''})" for s, n in counts.most_common()
    )


def _citation(corpus_name: str, docs: Dataset) -> str:
    years = sorted(d[:4] for d in [*docs["ru_date"], *docs["en_date"]] if d[:4].isdigit())
    key = "".join(c if c.isalnum() else "_" for c in corpus_name.lower())
    corpus_name = re.sub(r"[{}\\`]", "", " ".join(_CONTROL.sub(" ", corpus_name).split()))
    year = f"\n  year         = {{{years[-1]}}}," if years else ""
    return f"""```bibtex
@misc{{{key}_ru_en_aligned,
  title        = {{{corpus_name}: Russian-English aligned corpus with translation divergences}},
  note         = {{Aligned and scored with the align toolkit (ru-en-align {__version__})}},{year}
}}
@article{{liu-zhu-2022-bertalign,
  title   = {{Bertalign: Improved word embedding-based sentence alignment for
             Chinese-English parallel corpora of literary texts}},
  author  = {{Liu, Lei and Zhu, Min}},
  journal = {{Digital Scholarship in the Humanities}},
  year    = {{2022}}
}}
@inproceedings{{yang-etal-2020-multilingual,
  title     = {{Multilingual Universal Sentence Encoder for Semantic Retrieval}},
  author    = {{Yang, Yinfei and Cer, Daniel and Ahmad, Amin and others}},
  booktitle = {{Proceedings of ACL 2020: System Demonstrations}},
  year      = {{2020}}
}}
```"""


def card_body(dd: DatasetDict, corpus_name: str, corpus_info: dict[str, str]) -> str:
    """The prose of the card: sources, method, statistics, loading, limitations, citation."""
    sents, docs = dd["sentences"], dd["documents"]
    cols = sents.select_columns(
        ["alignment_type", "divergence_label", "divergence_score", "encoder"]
    ).to_dict()
    types = Counter(cols["alignment_type"])
    labels = Counter(DIVERGENCE_LABELS[i] for i in cols["divergence_label"])
    scores = [float(s) for s in cols["divergence_score"]]
    encoders = sorted(set(cols["encoder"])) or ["(none)"]
    n_ru, n_en = sum(docs["n_ru_sentences"]), sum(docs["n_en_sentences"])
    ru_chars, en_chars = sum(docs["ru_chars"]), sum(docs["en_chars"])
    om_chars, ad_chars = sum(docs["omitted_chars"]), sum(docs["added_chars"])
    n_rows = max(1, sents.num_rows)
    mean_score = sum(scores) / n_rows
    type_rows = [(t, n, f"{n / n_rows:.1%}") for t, n in sorted(types.items(), key=lambda x: -x[1])]
    label_rows = [(lab, labels[lab], f"{labels[lab] / n_rows:.1%}") for lab in DIVERGENCE_LABELS]
    doc_rows = [
        (
            md_text(d["doc_id"]),
            d["n_ru_sentences"],
            d["n_en_sentences"],
            d["n_beads"],
            f"{d['omitted_share']:.1%}",
            f"{d['added_share']:.1%}",
            f"{d['mean_divergence']:.3f}",
        )
        for d in docs.select(range(min(MAX_DOC_ROWS, docs.num_rows)))
    ]
    more_docs = (
        f"\n\n(First {MAX_DOC_ROWS} of {docs.num_rows} documents; the `documents` config has all.)"
        if docs.num_rows > MAX_DOC_ROWS
        else ""
    )
    urls = [u for lang in ("ru", "en") for u in docs[f"{lang}_url"] if u]
    url_line = f"\n- source URLs: {', '.join(md_text(u) for u in urls[:10])}" if urls else ""
    description = html.escape(corpus_info.get("description", "").strip(), quote=False)
    license_ = md_text(corpus_info.get("license", "other"))
    name = md_text(corpus_name)
    direction = _direction(docs)
    words = wording(direction)
    direction_line = {
        "ru-en": "Russian original, English translation (`ru-en`)",
        "en-ru": "English original, Russian translation (`en-ru`)",
        "unknown": "not declared (`unknown`): the words below say which side has no counterpart, "
        "not which side is the original",
        "mixed": "differs by document (see the `direction` column of the `documents` config)",
    }[direction]
    return f"""# {name}: Russian–English aligned corpus with translation divergences

{description}

## Source corpora

- corpus: {name}; licence field: {license_} (the texts keep the licence of their sources)
- translation direction: {direction_line}
- Russian sources: {_sources(docs, "ru")}
- English sources: {_sources(docs, "en")}{url_line}

## Method

Made with the `align` toolkit (ru-en-align {__version__}). Documents were read paragraph by
paragraph and split into sentences (rule-based, offline). Sentences were aligned with
bertalign's two-pass algorithm — paragraphs first, then sentences; by default the sentences'
second pass scores beads with the toolkit's drop-aware cost, which leaves a sentence without a
translation unaligned rather than merging it into a neighbouring bead (unless typography shows
it to be the rest of its neighbour's sentence, cut at a line break), and a sentence that the
divergence scorer confidently finds without a counterpart at the edge of a merged bead is then
split out of it — into 1-1, m-n, 1-0 and 0-1 beads, using the `{", ".join(encoders)}` sentence
encoder. Every bead was then scored for translation divergence: {words.omitted} (`omitted_spans`), {words.added} (`added_spans`), a
`divergence_score` in [0, 1] (higher = more divergent) and a `divergence_label`
({", ".join(DIVERGENCE_LABELS)}; "omission" and "addition" name the Russian-only and the
English-only side whatever the direction). The scoring is reference-free: it sees only the
Russian and the English.

## Statistics

- document pairs: {docs.num_rows}
- Russian sentences: {n_ru}; English sentences: {n_en}
- beads (rows of the `sentences` config): {sents.num_rows}
- {words.omitted} (characters): {om_chars} of {ru_chars} ({om_chars / max(1, ru_chars):.1%})
- {words.added} (characters): {ad_chars} of {en_chars} ({ad_chars / max(1, en_chars):.1%})
- mean divergence score: {mean_score:.3f}

{_table(("alignment type", "beads", "share"), type_rows)}

{_table(("divergence label", "beads", "share"), label_rows)}

{_table(("divergence score", "beads"), _score_bins(scores))}

Per document (`omitted`: {words.omitted}, as a share of the Russian text; `added`:
{words.added}, as a share of the English text):

{_table(("doc_id", "ru sentences", "en sentences", "beads", "omitted", "added", "mean divergence"), doc_rows)}{more_docs}

## Configs and columns

- `sentences` (default): one row per bead — `doc_id`, `bead_id`, `translation` (`ru`, `en`),
  `ru_sent_ids`, `en_sent_ids`, paragraph ids, `alignment_type` ("1-1", "2-1", "1-0", ...),
  `similarity` (encoder cosine; null for 1-0 and 0-1 beads), `divergence_score`,
  `divergence_label` (a ClassLabel),
  `omitted_spans` / `added_spans` (`text`, `start`, `end`: character offsets into that side of
  `translation`), document metadata (`ru_source`, `ru_date`, `ru_url`, `ru_title`, same for
  `en_`) and `encoder`.
- `documents`: one row per document pair — metadata, `corpus`, `direction` ("ru-en", "en-ru"
  or "unknown"), full texts, counts, `alignment_types` (a list of `type`, `count`), the share
  of Russian text with no English counterpart (`omitted_share`), of English text with no
  Russian counterpart (`added_share`) and the mean divergence score.

## How to load

```python
from datasets import load_dataset, load_from_disk

beads = load_dataset("path/to/this/folder")["train"]              # config "sentences"
docs = load_dataset("path/to/this/folder", "documents")["train"]  # config "documents"
both = load_from_disk("path/to/this/folder")                      # DatasetDict (local folder only)
label = beads.features["divergence_label"].int2str(beads[0]["divergence_label"])
```

From the Hub, use the repository id instead of the path.

### Pairs for MT training

1-0 and 0-1 beads (a sentence with no counterpart: `alignment_type` "1-0", "0-1", ...) have an
empty string on one side of `translation` and a null `similarity`. Keep only beads with text on
both sides, optionally only those labelled equivalent:

```python
pairs = beads.filter(lambda r: r["ru_sent_ids"] and r["en_sent_ids"])
clean = pairs.filter(lambda r: r["divergence_label"] == 0)  # 0 = "equivalent"
```

## Limitations

- Alignments and divergence spans are automatic and unverified. The divergence scores come
  from a multilingual sentence encoder plus lexical evidence: they can miss paraphrased or
  partial omissions and can flag free but faithful renderings as divergent.
- Sentence splitting is rule-based; unusual punctuation can merge or split sentences, which
  shows up as m-n beads.
- Paired documents are often not translations of each other but independent reports of the
  same event: a divergence is a difference between the two texts, not necessarily a
  translation error.
- Scores are calibrated for Russian–English news text; other genres are untested.
- Paragraphs count as evidence: a bead that joins sentences of more paragraphs on one side than
  on the other makes a sentence without a counterpart more likely. Where the English runs
  headlines into the text after them (no line break) this raises false alarms; such corpora
  are better run with `align run --no-paragraphs`.
- Length counts as evidence too: a clause is more likely reported when leaving it out brings its
  bead back to the document's usual ratio of English to Russian length. A translation that
  condenses some passages and expands others gets more clause reports in both.

## How to read `divergence_score`

`divergence_score` is the probability that the bead is divergent — that one side has content
(a sentence, a clause, a word or phrase) the other lacks. It was calibrated on natural
document data: whole WMT and NTREX news documents with their professional translations, most of
their beads untouched, some with English sentences, clauses or words deleted or foreign ones
inserted (the real-document benchmark's dev documents, `align eval-divergence --bench realdoc`).
A bead is labelled divergent exactly when its score is above {_threshold():.2f}, which is exactly
when the scorer found a span (a sentence, clause or run of words) on one side with no
counterpart on the other; below that the label is `equivalent` and no spans are given, and the
score still orders the beads by the remaining evidence. Sort by the score to see the most likely
divergences first; 1-0 and 0-1 beads (a whole sentence on one side only) score 1.0. A score of
0.9 on a 1-1 bead means that about nine in ten such beads had a real difference in the
calibration data; a loose but faithful rendering can still score high, and a single changed
word is found less reliably than a missing sentence or clause (see the toolkit's
docs/divergence.md for the measured recall and precision per kind).

## Citation

{_citation(corpus_name, docs)}
"""


def _threshold() -> float:
    from align.divergence.fitted import load_model

    return float(load_model()["score"]["threshold"])


def dataset_card(
    dd: DatasetDict,
    corpus_name: str,
    corpus_info: dict[str, str],
    data_dir: Path | None = None,
    fingerprint: str = "00000-of-00001",
) -> str:
    """The whole card as text: YAML metadata between ``---`` lines, then the prose."""
    data = card_data(dd, corpus_name, corpus_info, data_dir, fingerprint)
    card = DatasetCard(f"---\n{data.to_yaml()}\n---\n\n{card_body(dd, corpus_name, corpus_info)}")
    return str(card)
