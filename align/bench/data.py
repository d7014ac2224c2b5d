"""Where the shared reference data is, how it is read, and how it is split into dev and test.

The data lives in ``<repo>/../shared/data`` (``$ALIGN_SHARED_DATA`` overrides) and is read
from there, never copied into the repository; derived benchmarks are built under
``<repo>/benchmarks`` (``$ALIGN_BENCH_DIR``).

NTREX has two dev/test splits, one per benchmark, and each benchmark's reported numbers were
tuned on its own dev part, so neither can change without re-tuning:

* alignment (:mod:`align.bench.ntrex`): every 4th document is dev (:func:`ntrex_alignment_split`)
  — interleaved, so both parts mix the corpus's topics;
* divergence (:mod:`align.bench.divergence`): the first 40% of documents in file order are dev
  (:func:`ntrex_divergence_split`) — a larger dev part, as the scorer's fit needs more pairs.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

from align.errors import InputError

REPO = Path(__file__).resolve().parents[2]
SPLITS = ("dev", "test")
NTREX_FILES = {
    "en": "newstest2019-src.eng.txt",
    "ru": "newstest2019-ref.rus.txt",
    "ids": "DOCUMENT_IDS.tsv",
}
NTREX_ALIGNMENT_DEV_EVERY = 4
NTREX_DIVERGENCE_DEV_SHARE = 0.4


def shared_data() -> Path:
    """The shared reference data: ``$ALIGN_SHARED_DATA`` or ``<repo>/../shared/data``."""
    return Path(os.environ.get("ALIGN_SHARED_DATA") or REPO.parent / "shared" / "data")


def bench_dir() -> Path:
    """Where derived benchmarks are built: ``$ALIGN_BENCH_DIR`` or ``<repo>/benchmarks``."""
    return Path(os.environ.get("ALIGN_BENCH_DIR") or REPO / "benchmarks")


def check_split(split: str) -> None:
    if split not in SPLITS:
        raise ValueError(f"split must be one of {SPLITS}, not {split!r}")


def ntrex_lines(folder: Path | None = None) -> tuple[list[str], list[str], list[str]]:
    """NTREX line-aligned: Russian lines, English lines, document id per line."""
    folder = folder or shared_data() / "ntrex-enru"
    paths = {k: folder / name for k, name in NTREX_FILES.items()}
    for p in paths.values():
        if not p.is_file():
            raise InputError(p, "NTREX file does not exist")
    ru, en, ids = (paths[k].read_text(encoding="utf-8").splitlines() for k in ("ru", "en", "ids"))
    if not len(en) == len(ru) == len(ids):
        raise InputError(folder, f"line counts differ: en {len(en)}, ru {len(ru)}, ids {len(ids)}")
    return ru, en, ids


def ntrex_documents(folder: Path | None = None) -> list[tuple[str, list[str], list[str]]]:
    """NTREX documents in order: (document id, Russian sentences, English sentences)."""
    ru, en, ids = ntrex_lines(folder)
    docs: list[tuple[str, list[str], list[str]]] = []
    for i, doc_id in enumerate(ids):
        if not docs or docs[-1][0] != doc_id.strip():
            docs.append((doc_id.strip(), [], []))
        docs[-1][1].append(ru[i].strip())
        docs[-1][2].append(en[i].strip())
    return docs


def ntrex_alignment_split(index: int) -> str:
    """The alignment benchmark's split of the document at ``index`` (file order)."""
    return "dev" if index % NTREX_ALIGNMENT_DEV_EVERY == 0 else "test"


def ntrex_divergence_split(ids: Sequence[str], split: str) -> set[str]:
    """The divergence benchmark's NTREX document ids of ``split``: dev = the first 40% in file
    order, test = the rest."""
    docs = list(dict.fromkeys(ids))
    n_dev = round(len(docs) * NTREX_DIVERGENCE_DEV_SHARE)
    return set(docs[:n_dev] if split == "dev" else docs[n_dev:])
