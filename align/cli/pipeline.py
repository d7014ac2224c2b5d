"""Pipeline commands: the whole pipeline and each stage on its own (thin layers over the library).

align run CORPUS --out OUT      the whole pipeline, written as a Hugging Face dataset folder
align ingest CORPUS             documents, paragraphs and metadata (JSON lines)
align segment CORPUS            sentences with paragraph ids and offsets (JSON lines)
align align CORPUS --out DIR    sentence files and beads in the ``[0]:[0, 1]`` format
"""

from __future__ import annotations

import argparse
import json
from dataclasses import asdict
from pathlib import Path

from align.cli.args import CORPUS_EPILOG, Adder, Command, encoder_arg, info, out_path


def _align_args(p: argparse.ArgumentParser) -> None:
    encoder_arg(p)
    p.add_argument(
        "--no-paragraphs",
        action="store_true",
        help="ignore paragraph structure (align all sentences of a document in one pass)",
    )


def _align_cfg(args: argparse.Namespace):  # -> AlignConfig
    from align.alignment import AlignConfig

    return AlignConfig(paragraphs=not args.no_paragraphs)


def cmd_run(args: argparse.Namespace) -> int:
    from align.model import wording
    from align.pipeline import run_corpus

    def words(a):  # a: AlignedPair
        return wording(a.seg.pair.direction)

    res = run_corpus(
        args.corpus,
        args.out,
        encoder=args.encoder,
        align_cfg=_align_cfg(args),
        jobs=args.jobs,
        progress=not args.quiet,
    )
    if args.quiet:
        return 0
    print(f"dataset written to {res.out}")
    print(
        f"  load it: datasets.load_from_disk({str(res.out)!r}) or datasets.load_dataset({str(res.out)!r})"
    )
    for a in res.aligned:
        s = a.summary()
        types: dict[str, int] = {}
        for b in a.beads:
            types[b.alignment_type] = types.get(b.alignment_type, 0) + 1
        print(
            f"{a.doc_id}: {len(a.seg.ru)} ru / {len(a.seg.en)} en sentences, {len(a.beads)} beads "
            f"({', '.join(f'{t}: {n}' for t, n in sorted(types.items()))}); "
            f"{words(a).omitted}: {s.omitted_share:.1%}; {words(a).added}: {s.added_share:.1%}"
        )
        if args.top:
            worst = sorted(a.beads, key=lambda b: -b.divergence_score)[: args.top]
            for b in worst:
                if b.divergence_label == "equivalent":
                    continue
                print(f"  [{b.divergence_label}, score {b.divergence_score:.2f}]")
                for sp in b.omitted_spans:
                    print(f"    - Russian only: {sp.text}")
                for sp in b.added_spans:
                    print(f"    + English only: {sp.text}")
    if args.timings:
        n = sum(len(a.seg.ru) + len(a.seg.en) for a in res.aligned)
        total = sum(res.times.as_dict().values())
        stages = ", ".join(f"{k} {v:.2f}" for k, v in res.times.as_dict().items())
        print(
            f"timings (s, summed over {res.jobs} worker(s)): {stages}; model load "
            f"{res.model_load_s:.2f}; {n} sentences (both sides), {n / max(total, 1e-9):.0f} per "
            "second of stage time"
        )
    return 0


def cmd_ingest(args: argparse.Namespace) -> int:
    from align.ingest import read_corpus

    corpus = read_corpus(args.corpus)
    for pair in corpus.pairs:
        for lang in ("ru", "en"):
            doc = pair.side(lang)
            row = {"doc_id": pair.doc_id, **asdict(doc.meta), "paragraphs": list(doc.paragraphs)}
            print(json.dumps(row, ensure_ascii=False))
    return 0


def cmd_segment(args: argparse.Namespace) -> int:
    from align.ingest import read_corpus
    from align.segment import segment_pair

    for pair in read_corpus(args.corpus).pairs:
        seg = segment_pair(pair)
        for lang in ("ru", "en"):
            for s in seg.sents(lang):
                print(
                    json.dumps(
                        {"doc_id": pair.doc_id, "lang": lang, **asdict(s)}, ensure_ascii=False
                    )
                )
    return 0


def cmd_align(args: argparse.Namespace) -> int:
    from align.alignment import align_pair
    from align.encoders import get_encoder
    from align.ingest import read_corpus
    from align.io import atomic_dir, format_beads
    from align.pipeline import quiet_libraries
    from align.progress import progress_bar
    from align.segment import segment_pair

    quiet_libraries()
    corpus = read_corpus(args.corpus)
    encoder = get_encoder(args.encoder)
    cfg = _align_cfg(args)
    with atomic_dir(args.out) as tmp:
        for pair in progress_bar(corpus.pairs, show=not args.quiet, desc="align", unit="doc"):
            aligned = align_pair(segment_pair(pair), encoder, cfg)
            for lang in ("ru", "en"):
                lines = "".join(s.text + "\n" for s in aligned.seg.sents(lang))
                (tmp / f"{pair.doc_id}.{lang}").write_text(lines, encoding="utf-8")
            beads = [(list(b.ru_ids), list(b.en_ids)) for b in aligned.beads]
            (tmp / f"{pair.doc_id}.align").write_text(format_beads(beads), encoding="utf-8")
    info(args, f"sentences and beads written to {args.out}")
    return 0


def register(add_command: Adder) -> None:
    """Add the pipeline commands to the ``align`` parser."""

    def add(name: str, func: Command, help_: str) -> argparse.ArgumentParser:
        return add_command(name, func, help_, CORPUS_EPILOG)

    p = add("run", cmd_run, "run the whole pipeline on a corpus and export a dataset folder")
    p.add_argument("corpus", type=Path, help="corpus folder")
    p.add_argument(
        "--out", type=out_path, required=True, help="output dataset folder (replaced atomically)"
    )
    p.add_argument(
        "--top", type=int, default=5, help="show the N most divergent beads per document"
    )
    p.add_argument(
        "--jobs",
        type=int,
        default=None,
        help="worker processes for the documents (default: one per core, at most one per document)",
    )
    p.add_argument("--timings", action="store_true", help="print the time spent per stage")
    _align_args(p)

    p = add("ingest", cmd_ingest, "print documents, paragraphs and metadata as JSON lines")
    p.add_argument("corpus", type=Path)

    p = add("segment", cmd_segment, "print sentences (paragraph id, offsets) as JSON lines")
    p.add_argument("corpus", type=Path)

    p = add("align", cmd_align, "write sentence files and beads ([0]:[0, 1] format) per document")
    p.add_argument("corpus", type=Path)
    p.add_argument(
        "--out", type=out_path, required=True, help="output folder (replaced atomically)"
    )
    _align_args(p)
