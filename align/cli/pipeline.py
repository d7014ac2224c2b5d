"""Pipeline commands: the whole pipeline and each stage on its own (thin layers over the library).

align run CORPUS --out OUT      the whole pipeline, written as a Hugging Face dataset folder
                                (CORPUS: a folder, a .jsonl/.parquet file, or --ru F --en F;
                                shards as documents finish, --resume, --engine ray)
align ingest CORPUS             documents, paragraphs and metadata (JSON lines)
align segment CORPUS            sentences with paragraph ids and offsets (JSON lines)
align align CORPUS --out DIR    sentence files and beads in the ``[0]:[0, 1]`` format
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import asdict, replace
from pathlib import Path

from align.cli.args import CORPUS_EPILOG, Adder, Command, encoder_arg, info, out_path, printable


def _at_least_2(value: str) -> int:
    try:
        n = int(value)
    except ValueError:
        n = 0
    if n < 2:
        raise argparse.ArgumentTypeError(f"expected a whole number >= 2; got {value!r}")
    return n


def _positive(value: str) -> float:
    try:
        x = float(value)
    except ValueError:
        x = -1.0
    if not x > 0:
        raise argparse.ArgumentTypeError(f"expected a number > 0; got {value!r}")
    return x


# AlignConfig's defaults, repeated here so that `align --help` loads no aligner
# (tests/test_cli_align_options.py checks that they match)
MAX_ALIGN = 5
SKIP = {"bertalign": 0.1, "cost": 0.55}  # -AlignConfig.skip, AlignConfig.del_cost


def _align_args(p: argparse.ArgumentParser) -> None:
    encoder_arg(p)
    p.add_argument(
        "--no-paragraphs",
        action="store_true",
        help="ignore paragraph structure: align all sentences of a document in one pass, and "
        "do not take a bead that joins sentences of more paragraphs on one side than on the "
        "other as a sign of a missing sentence. Use it when the two sides' paragraphs do not "
        "correspond, e.g. English headlines run into the text after them (measured: false "
        "alarms 1.80%% -> 2.38%% on documents where every one is, docs/divergence.md)",
    )
    p.add_argument(
        "--max-align",
        type=_at_least_2,
        default=MAX_ALIGN,
        metavar="N",
        help=f"largest bead, in sentences on both sides together (default {MAX_ALIGN}: "
        "up to 1-4 or 2-3). Larger allows longer merges (a 1-5 bead needs 6) but takes more "
        "time (about N^2 bead shapes per step) and gives a run of unmatched sentences more "
        "chance to be absorbed into one big bead; smaller is faster but cannot express long "
        "merges",
    )
    p.add_argument(
        "--objective",
        choices=tuple(SKIP),
        default="cost",
        help="how beads are chosen. 'cost' (default): a drop-aware bead cost (each sentence of "
        "a bead must pay for itself and be closer to the bead's other side than to an average "
        "sentence) that finds 1-0 / 0-1 beads and crossed 2-2 beads far better than "
        "bertalign's own pass (real Russian-English documents: +0.02 strict F1; held-out "
        "NTREX-derived: +0.003 to +0.067) but also leaves more noise (captions, fragments) "
        "unaligned, which costs precision (Text+Berg test: -0.006). 'bertalign': bertalign's own "
        "second pass, which keeps merged and split sentences together well but tends to absorb "
        "dropped sentences into merged beads. See docs/alignment.md",
    )
    p.add_argument(
        "--skip",
        type=_positive,
        default=None,
        metavar="COST",
        help=f"cost of leaving a sentence unaligned, i.e. of a 1-0 or 0-1 bead (default "
        f"{SKIP['cost']} with --objective cost, {SKIP['bertalign']} with --objective "
        "bertalign). Lower reports more omitted/added sentences but also splits real translations "
        "off their beads; higher absorbs true omissions into merged beads",
    )
    p.add_argument(
        "--no-split-unaligned",
        action="store_true",
        help="keep a sentence that the divergence scorer finds without a counterpart inside "
        "the m-n bead the aligner put it in (reported as an omitted/added span there) instead "
        "of splitting it out as a 1-0 / 0-1 bead once its m-n beads are scored (the other "
        "beads are scored after the split). The split raised strict F1 on sentence drops "
        "(dev: 0.965 -> 0.986) and lowered no dev set (docs/alignment.md)",
    )
    p.add_argument(
        "--no-join-fragments",
        action="store_true",
        help="with --objective cost: leave a lone unaligned line unaligned even when "
        "typography shows it to be the rest of its neighbour's sentence (a line ending in a "
        "comma, semicolon, colon, dash or open bracket, or one starting in lower case after a "
        "line without a final stop: text cut at line or page breaks). The join raised strict "
        "F1 on Text+Berg dev (0.879 -> 0.889) and changed no other dev set; without it such "
        "fragments are reported as omitted/added sentences (docs/alignment.md)",
    )
    p.add_argument(
        "--presegmented",
        action="store_true",
        help="the text files already hold one sentence per line (no blank lines): every line "
        "is aligned as one sentence, without the sentence splitter and the paragraph pass. "
        "Your segmentation is kept exactly (and its errors with it)",
    )


def _force_arg(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--force",
        action="store_true",
        help="replace --out even when it is not an earlier output of this command (never the "
        "corpus, a folder inside or around it, or a symbolic link)",
    )


def _align_cfg(args: argparse.Namespace):  # -> AlignConfig
    from align.alignment import AlignConfig

    paragraphs = not (args.no_paragraphs or args.presegmented)
    cfg = AlignConfig(
        paragraphs=paragraphs,
        max_align=args.max_align,
        objective=args.objective,
        split_unaligned=not args.no_split_unaligned,
        join_fragments=not args.no_join_fragments,
    )
    if args.skip is None:
        return cfg
    if args.objective == "cost":
        return replace(cfg, del_cost=args.skip)
    return replace(cfg, skip=-args.skip)


def _whole(value: str) -> int:
    if not value.isdigit() or int(value) < 1:
        raise argparse.ArgumentTypeError(f"expected a positive whole number; got {value!r}")
    return int(value)


def _segmenter(args: argparse.Namespace):  # -> Segmenter
    from align.segment import presegmented_pair, segment_pair

    return presegmented_pair if args.presegmented else segment_pair


def cmd_run(args: argparse.Namespace) -> int:
    from align.sources import open_source
    from align.stream import StreamOptions, run_stream

    source = open_source(args.corpus, ru=args.ru, en=args.en)
    opts = StreamOptions(
        encoder=args.encoder,
        align=_align_cfg(args),
        presegmented=args.presegmented,
        shard_docs=args.shard_docs,
    )
    res = run_stream(
        source,
        args.out,
        options=opts,
        engine=args.engine,
        jobs=args.jobs,
        work=args.work,
        resume=args.resume,
        ray_address=args.ray_address,
        force=args.force,
        progress=not args.quiet,
        log=None if args.quiet else lambda m: print(m, file=sys.stderr),
    )
    if args.quiet:
        return 0
    out = printable(str(res.out))
    print(f"dataset written to {out}")
    print(f"  load it: datasets.load_from_disk({out!r}) or datasets.load_dataset({out!r})")
    print_summary(res.dataset, top=args.top, max_docs=MAX_SUMMARY_DOCS)
    if args.timings:
        stages = ", ".join(f"{k} {v:.2f}" for k, v in res.times.as_dict().items())
        print(
            f"timings: {res.n_docs} documents, {res.n_sentences} sentences (both sides) in "
            f"{res.seconds:.1f} s ({res.n_sentences / max(res.seconds, 1e-9):.0f} per second, "
            f"{res.engine} engine, {res.workers} worker(s))"
            + (f"; stages (s, summed over workers): {stages}" if res.engine == "local" else "")
        )
    return 0


MAX_SUMMARY_DOCS = 20  # documents summarised on the terminal; the dataset has them all


def _types(column: list[dict] | str) -> str:
    """The documents table's ``alignment_types`` ([{type, count}]) as "1-0: 1, 1-1: 8"."""
    if isinstance(column, str):
        return column
    return ", ".join(f"{t['type']}: {t['count']}" for t in column)


def print_summary(dd, *, top: int, max_docs: int) -> None:  # dd: DatasetDict
    """Per document (the first ``max_docs``): counts, one-sided shares, the worst beads."""
    from align.model import wording

    docs = dd["documents"]
    shown = docs.select(range(min(max_docs, docs.num_rows)))
    worst: dict[str, list[dict]] = {d: [] for d in shown["doc_id"]}
    if top:
        labels = dd["sentences"].features["divergence_label"]
        for batch in dd["sentences"].iter(batch_size=1000):  # in document order
            rows = [dict(zip(batch, v, strict=True)) for v in zip(*batch.values(), strict=True)]
            for r in rows:
                if r["doc_id"] in worst and r["divergence_label"] != 0:
                    r["label"] = labels.int2str(r["divergence_label"])
                    worst[r["doc_id"]].append(r)
            if rows and rows[-1]["doc_id"] not in worst:
                break
    for d in shown:
        words = wording(d["direction"])
        print(
            f"{printable(d['doc_id'])}: {d['n_ru_sentences']} ru / {d['n_en_sentences']} en sentences, "
            f"{d['n_beads']} beads ({_types(d['alignment_types'])}); "
            f"{words.omitted}: {d['omitted_share']:.1%}; {words.added}: {d['added_share']:.1%}"
        )
        for b in sorted(worst[d["doc_id"]], key=lambda b: -b["divergence_score"])[:top]:
            print(f"  [{b['label']}, score {b['divergence_score']:.2f}]")
            for sp in b["omitted_spans"]:
                print(f"    - Russian only: {printable(sp['text'])}")
            for sp in b["added_spans"]:
                print(f"    + English only: {printable(sp['text'])}")
    if docs.num_rows > len(shown):
        print(f"... and {docs.num_rows - len(shown)} more documents (see the dataset)")


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
    from align.ingest import read_corpus
    from align.io import check_output_dir, output_lock
    from align.pipeline import quiet_libraries

    quiet_libraries()
    corpus = read_corpus(args.corpus)
    check_output_dir(args.out, kind="alignments", reads=[args.corpus], force=args.force)
    with output_lock(args.out):
        _write_alignments(args, corpus)
    info(args, f"sentences and beads written to {printable(str(args.out))}")
    return 0


def _write_alignments(args: argparse.Namespace, corpus) -> None:
    from align.alignment import align_pair
    from align.encoders import get_encoder
    from align.io import atomic_dir, format_beads
    from align.pipeline import process_pair
    from align.progress import progress_bar

    encoder = get_encoder(args.encoder)
    cfg = _align_cfg(args)
    segment = _segmenter(args)
    with atomic_dir(args.out, kind="alignments") as tmp:
        for pair in progress_bar(corpus.pairs, show=not args.quiet, desc="align", unit="doc"):
            if cfg.split_unaligned:  # the beads of `align run`: the split's beads scored
                aligned = process_pair(pair, encoder, cfg, segment=segment, score_all=False)
            else:  # the aligner alone (faster: no scoring)
                aligned = align_pair(segment(pair), encoder, cfg)
            for lang in ("ru", "en"):
                lines = "".join(s.text + "\n" for s in aligned.seg.sents(lang))
                (tmp / f"{pair.doc_id}.{lang}").write_text(lines, encoding="utf-8")
            beads = [(list(b.ru_ids), list(b.en_ids)) for b in aligned.beads]
            (tmp / f"{pair.doc_id}.align").write_text(format_beads(beads), encoding="utf-8")


def register(add_command: Adder) -> None:
    """Add the pipeline commands to the ``align`` parser."""

    def add(name: str, func: Command, help_: str) -> argparse.ArgumentParser:
        return add_command(name, func, help_, CORPUS_EPILOG)

    p = add("run", cmd_run, "run the whole pipeline on a corpus and export a dataset folder")
    p.add_argument(
        "corpus",
        type=Path,
        nargs="?",
        help="corpus folder, or a .jsonl / .parquet file of document pairs (doc_id, ru, en)",
    )
    p.add_argument("--ru", type=Path, help="one pair: the Russian file (with --en)")
    p.add_argument("--en", type=Path, help="one pair: the English file (with --ru)")
    p.add_argument(
        "--out",
        type=out_path,
        required=True,
        help="output dataset folder: new, empty or an earlier `align run` output (replaced "
        "atomically); never inside or around the corpus",
    )
    _force_arg(p)
    p.add_argument(
        "--top", type=int, default=5, help="show the N most divergent beads per document"
    )
    p.add_argument(
        "--jobs",
        type=int,
        default=None,
        help="worker processes (local) or Ray workers for the documents (default: one per core)",
    )
    p.add_argument(
        "--engine",
        choices=("local", "ray"),
        default="local",
        help="local worker processes (default) or Ray Data (pip install 'ru-en-align[ray]')",
    )
    p.add_argument(
        "--ray-address",
        metavar="ADDR",
        help="join this Ray cluster (e.g. 10.0.0.1:6379 or auto); default: start a local one",
    )
    p.add_argument(
        "--resume",
        action="store_true",
        help="continue an interrupted run of the same command: skip the shards it wrote",
    )
    p.add_argument(
        "--work",
        type=Path,
        metavar="DIR",
        help="folder for the shards while the run lasts (default: OUT.shards; on a cluster, a "
        "folder every node sees); removed when the dataset is written",
    )
    p.add_argument(
        "--shard-docs",
        type=_whole,
        default=64,
        metavar="N",
        help="documents per shard (default 64): at most one shard per worker is redone on resume",
    )
    p.add_argument("--timings", action="store_true", help="print the time spent per stage")
    _align_args(p)

    p = add("ingest", cmd_ingest, "print documents, paragraphs and metadata as JSON lines")
    p.add_argument("corpus", type=Path)

    p = add("segment", cmd_segment, "print sentences (paragraph id, offsets) as JSON lines")
    p.add_argument("corpus", type=Path)

    p = add(
        "align",
        cmd_align,
        "write sentence files and beads ([0]:[0, 1] format) per document: the beads `align run` "
        "gives (--no-split-unaligned: the aligner alone, faster)",
    )
    p.add_argument("corpus", type=Path)
    p.add_argument(
        "--out",
        type=out_path,
        required=True,
        help="output folder: new, empty or an earlier `align align` output (replaced "
        "atomically); never inside or around the corpus",
    )
    _force_arg(p)
    _align_args(p)
