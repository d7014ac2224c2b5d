"""The whole pipeline as one library call: ingest → segment → align → score → export."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

from datasets import DatasetDict
from tqdm.auto import tqdm

from align.alignment import AlignConfig, align_pair
from align.divergence import DivergenceConfig, score_pair
from align.encoders import DEFAULT_ENCODER, TextEncoder, get_encoder
from align.export import write_dataset
from align.ingest import Corpus, read_corpus
from align.model import AlignedPair, DocPair
from align.segment import segment_pair


@dataclass
class RunResult:
    corpus: Corpus
    aligned: list[AlignedPair]
    dataset: DatasetDict | None
    out: Path | None


def quiet_libraries() -> None:
    """Silence per-document INFO logs of bertalign and friends (progress bars stay)."""
    for name in ("bertalign", "sentence_transformers", "datasets"):
        logging.getLogger(name).setLevel(logging.WARNING)


def process_pair(
    pair: DocPair,
    encoder: TextEncoder,
    align_cfg: AlignConfig | None = None,
    div_cfg: DivergenceConfig | None = None,
) -> AlignedPair:
    """Segment, align and score one document pair."""
    aligned = align_pair(segment_pair(pair), encoder, align_cfg)
    return score_pair(aligned, encoder, div_cfg)


def run_corpus(
    corpus_dir: str | Path,
    out: str | Path | None = None,
    *,
    encoder: str | TextEncoder = DEFAULT_ENCODER,
    align_cfg: AlignConfig | None = None,
    div_cfg: DivergenceConfig | None = None,
    progress: bool = True,
) -> RunResult:
    """Run every stage on a corpus folder; write the dataset to ``out`` when given.

    Input is fully read and validated before anything is computed or written.
    """
    quiet_libraries()
    corpus = read_corpus(corpus_dir)
    enc = get_encoder(encoder) if isinstance(encoder, str) else encoder
    aligned = [
        process_pair(p, enc, align_cfg, div_cfg)
        for p in tqdm(corpus.pairs, desc="align+score", unit="doc", disable=not progress)
    ]
    dataset = None
    out_path = None
    if out is not None:
        out_path = Path(out)
        dataset = write_dataset(aligned, out_path, corpus_name=corpus.name, corpus_info=corpus.info)
    return RunResult(corpus=corpus, aligned=aligned, dataset=dataset, out=out_path)
