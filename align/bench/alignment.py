"""Alignment evaluation against gold beads: Text+Berg, the NTREX-derived ru–en set, any folder.

Scores are bertalign's port of Vecalign's scorer (:func:`bertalign.eval.score_multiple`):
strict and lax precision / recall / F1; 1-0 and 0-1 beads count for precision only.

Benchmarks (``BENCH`` of ``align eval``):

* ``textberg`` — the German–French Text+Berg gold set (``<shared>/textberg``): ``test`` = the 7
  documents ``de/NNN``, ``fr/NNN``, ``gold/NNN``; ``dev`` = ``dev/dev.de``, ``dev.fr``, ``dev.defr``.
* ``ntrex-enru`` — derived from NTREX by :mod:`align.bench.ntrex`, built on first use under
  ``ALIGN_BENCH_DIR`` (default ``<repo>/benchmarks``, git-ignored).
* ``wmt-ruen``, ``wmt-ruen-drops`` — real Russian–English documents (the WMT Russian-original
  test documents, one gold bead per translated segment; the second with deleted English segments
  and inserted foreign sentences): :mod:`align.bench.wmt_alignment`.
* a FOLDER holding ``src/``, ``tgt/`` and ``gold/`` with one file per document under the same
  name (one sentence per line; gold beads ``[0]:[0, 1]``), or such a triple under
  ``FOLDER/<split>/``.

``<shared>`` is ``ALIGN_SHARED_DATA`` (default ``<repo>/../shared/data``).
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from align._bertalign import import_bertalign
from align.alignment import AlignConfig, align_beads, bertalign_beads
from align.bench import SYSTEMS, WMT_BENCHES
from align.bench.data import bench_dir, shared_data
from align.bench.generators import GENERATORS
from align.encoders import TextEncoder
from align.errors import InputError
from align.io import RawBead, format_beads, read_beads
from align.model import DocMeta, DocPair, Document
from align.pipeline import default_jobs, process_pair, process_pairs
from align.segment import presegmented_pair

BENCHES = ("textberg", "ntrex-enru")


@dataclass(frozen=True)
class BenchDoc:
    """One gold document: source lines, target lines, gold beads."""

    doc_id: str
    src: list[str]
    tgt: list[str]
    gold: list[RawBead]


@dataclass(frozen=True)
class Bench:
    name: str
    split: str
    docs: list[BenchDoc]

    @property
    def n_sents(self) -> tuple[int, int]:
        return sum(len(d.src) for d in self.docs), sum(len(d.tgt) for d in self.docs)


@dataclass
class EvalResult:
    bench: str
    split: str
    system: str
    encoder: str
    scores: dict[str, float]
    seconds: float
    predictions: list[list[RawBead]] = field(default_factory=list)


def read_lines(path: Path) -> list[str]:
    """One sentence per line (trailing blank lines dropped)."""
    if not path.is_file():
        raise InputError(path, "file does not exist")
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise InputError(path, "not a UTF-8 text file") from None
    lines = [line.strip() for line in text.splitlines()]
    while lines and not lines[-1]:
        lines.pop()
    if not lines:
        raise InputError(path, "empty document")
    return lines


def check_gold(doc: BenchDoc, path: Path) -> None:
    """Gold beads must point at existing lines (gold sets need not cover every line)."""
    src = [i for s, _ in doc.gold for i in s]
    tgt = [j for _, t in doc.gold for j in t]
    bad = [i for i in src if not 0 <= i < len(doc.src)] + [
        j for j in tgt if not 0 <= j < len(doc.tgt)
    ]
    if bad:
        raise InputError(
            path,
            f"gold bead index {bad[0]} is out of range ({len(doc.src)} source, "
            f"{len(doc.tgt)} target lines)",
        )


def load_doc(doc_id: str, src: Path, tgt: Path, gold: Path) -> BenchDoc:
    doc = BenchDoc(doc_id, read_lines(src), read_lines(tgt), read_beads(gold))
    check_gold(doc, gold)
    return doc


def load_textberg(split: str) -> Bench:
    root = shared_data() / "textberg"
    if not root.is_dir():
        raise InputError(root, "Text+Berg data not found (set ALIGN_SHARED_DATA)")
    if split == "dev":
        d = root / "dev"
        docs = [load_doc("dev", d / "dev.de", d / "dev.fr", d / "dev.defr")]
    else:
        names = sorted(p.name for p in (root / "gold").iterdir() if p.is_file())
        docs = [load_doc(n, root / "de" / n, root / "fr" / n, root / "gold" / n) for n in names]
    return Bench("textberg", split, docs)


def load_folder(folder: Path, split: str, name: str | None = None) -> Bench:
    """A FOLDER bench: ``src/``, ``tgt/``, ``gold/`` (directly or under ``FOLDER/<split>/``)."""
    if not folder.exists():
        raise InputError(folder, "does not exist")
    if not folder.is_dir():
        raise InputError(folder, "not a folder (expected src/, tgt/ and gold/ inside)")
    root = folder / split if (folder / split / "gold").is_dir() else folder
    for sub in ("src", "tgt", "gold"):
        if not (root / sub).is_dir():
            raise InputError(root, f"no {sub}/ folder (expected src/, tgt/ and gold/)")
    names = sorted(p.name for p in (root / "gold").iterdir() if p.is_file())
    if not names:
        raise InputError(root / "gold", "no gold files")
    docs = [load_doc(n, root / "src" / n, root / "tgt" / n, root / "gold" / n) for n in names]
    return Bench(name or folder.name, split, docs)


def ntrex_bench_path() -> Path:
    return bench_dir() / "ntrex-enru"


def ensure_ntrex_bench() -> Path:
    """The NTREX-derived benchmark folder, built from the shared data if missing."""
    from align.bench.ntrex import write_bench

    out = ntrex_bench_path()
    if not (out / "bench.json").is_file():
        write_bench(shared_data() / "ntrex-enru", out)
    return out


def load_bench(bench: str | Path, split: str = "test") -> Bench:
    """Load a named benchmark (``textberg``, ``ntrex-enru``, a generator, ``wmt-ruen[-drops]``)
    or a FOLDER."""
    if split not in ("dev", "test"):
        raise InputError(split, "split must be dev or test")
    if str(bench) == "textberg":
        return load_textberg(split)
    if str(bench) == "ntrex-enru":
        return load_folder(ensure_ntrex_bench(), split, name="ntrex-enru")
    if str(bench) in GENERATORS:  # generated in memory; the generator fixes the split
        return generated_bench(str(bench))
    if str(bench) in WMT_BENCHES:
        from align.bench.wmt_alignment import wmt_documents

        docs = [BenchDoc(*d) for d in wmt_documents(str(bench), split, shared_data())]
        return Bench(str(bench), split, docs)
    return load_folder(Path(bench), split)


def generated_bench(name: str) -> Bench:
    """An NTREX-derived benchmark of :mod:`align.bench.generators` (dev-* or heldout-*)."""
    from align.bench.generators import generate

    gen = GENERATORS[name]
    docs = [
        BenchDoc(d.doc_id, d.ru, d.en, d.gold) for d in generate(gen, shared_data() / "ntrex-enru")
    ]
    return Bench(name, gen.split_name, docs)


def _doc_pair(doc: BenchDoc) -> DocPair:
    """A bench document as a document pair of lines (source in the ru slot, target in the en
    slot). The language checks of ingest are bypassed: benchmarks may be in other languages."""
    return DocPair(
        doc_id=doc.doc_id,
        ru=Document(DocMeta(lang="ru"), tuple(doc.src)),
        en=Document(DocMeta(lang="en"), tuple(doc.tgt)),
    )


def as_segmented(doc: BenchDoc):  # -> SegmentedPair
    """A bench document as a pre-segmented pair (each line one sentence)."""
    return presegmented_pair(_doc_pair(doc))


def gale_church_beads(src: Sequence[str], tgt: Sequence[str]) -> list[RawBead]:
    """Gale–Church (``nltk.translate.gale_church``) on character lengths, as beads."""
    from nltk.translate import gale_church

    gale_church.MAX_ALIGN_BLOCKS = max(gale_church.MAX_ALIGN_BLOCKS, len(src) + 1, len(tgt) + 1)
    links = gale_church.align_blocks([len(s) for s in src], [len(t) for t in tgt])
    # links are (src, tgt) pairs of m-n beads; group them into connected beads
    beads: list[RawBead] = []
    si = ti = 0
    for s, t in links:
        if beads and (s in beads[-1][0] or t in beads[-1][1]):
            if s not in beads[-1][0]:
                beads[-1][0].append(s)
            if t not in beads[-1][1]:
                beads[-1][1].append(t)
            si, ti = max(si, s + 1), max(ti, t + 1)
            continue
        beads.extend(([i], []) for i in range(si, s))
        beads.extend(([], [j]) for j in range(ti, t))
        beads.append(([s], [t]))
        si, ti = s + 1, t + 1
    beads.extend(([i], []) for i in range(si, len(src)))
    beads.extend(([], [j]) for j in range(ti, len(tgt)))
    return beads


def align_doc(doc: BenchDoc, system: str, encoder: TextEncoder | None) -> list[RawBead]:
    """Predicted beads of one system on one document."""
    if system == "gale-church":
        return gale_church_beads(doc.src, doc.tgt)
    assert encoder is not None
    if system == "bertalign":
        return bertalign_beads(doc.src, doc.tgt, encoder, AlignConfig.bertalign())
    if system == "default":  # `align run --presegmented`'s beads: aligned, scored, split
        aligned = process_pair(
            _doc_pair(doc),
            encoder,
            AlignConfig(paragraphs=False),
            segment=presegmented_pair,
            score_all=False,
        )
        return [(list(b.ru_ids), list(b.en_ids)) for b in aligned.beads]
    if system == "cost":  # the aligner alone: `align run --presegmented --no-split-unaligned`
        beads = align_beads(
            as_segmented(doc), encoder, AlignConfig.cost(paragraphs=False, split_unaligned=False)
        )
        return [(list(b.ru_ids), list(b.en_ids)) for b in beads]
    raise ValueError(f"unknown system {system!r}")


def score(gold: Sequence[Sequence[RawBead]], pred: Sequence[Sequence[RawBead]]) -> dict[str, float]:
    """Vecalign's strict/lax precision, recall and F1 over documents (bertalign's port)."""
    import_bertalign()
    from bertalign.eval import score_multiple

    return score_multiple(gold_list=list(gold), test_list=list(pred))


def cold_start(encoder: TextEncoder | None) -> None:
    """Empty the encoder's embedding caches and compile bertalign's kernels before timing.

    Systems sharing one encoder would otherwise reuse each other's embeddings; every timed
    run therefore encodes its benchmark from scratch (numba compilation is excluded).
    """
    if encoder is None:
        return
    for cfg in (AlignConfig.cost(), AlignConfig.bertalign()):
        bertalign_beads(["a.", "b.", "c."], ["a.", "b."], encoder, cfg)
    encoder.clear_cache()


def evaluate_alignment(
    bench: Bench,
    system: str = "default",
    encoder: TextEncoder | None = None,
    *,
    progress: bool = True,
) -> EvalResult:
    """Align every document of a benchmark with a system and score it against the gold."""
    from align.progress import progress_bar

    if system not in SYSTEMS:
        raise ValueError(f"unknown system {system!r}")
    cold_start(encoder if system != "gale-church" else None)
    t0 = time.perf_counter()
    if system == "default" and encoder is not None:  # the pipeline, with align run's workers
        preds = _pipeline_beads(bench, encoder, progress)
    else:
        preds = [
            align_doc(d, system, encoder)
            for d in progress_bar(
                bench.docs, show=progress, desc=f"{bench.name} {system}", unit="doc"
            )
        ]
    seconds = time.perf_counter() - t0
    enc_name = "-" if system == "gale-church" else (encoder.model_name if encoder else "-")
    return EvalResult(
        bench=bench.name,
        split=bench.split,
        system=system,
        encoder=enc_name,
        scores=score([d.gold for d in bench.docs], preds),
        seconds=seconds,
        predictions=preds,
    )


def _pipeline_beads(bench: Bench, encoder: TextEncoder, progress: bool) -> list[list[RawBead]]:
    """The beads of `align run --presegmented` for every document (aligned, the beads the split
    needs scored, split), in ``align run``'s default number of worker processes (the same beads
    as one process, and as with every bead scored)."""
    aligned = process_pairs(
        [_doc_pair(d) for d in bench.docs],
        encoder,
        AlignConfig(paragraphs=False),
        jobs=default_jobs(len(bench.docs)),
        progress=progress,
        segment=presegmented_pair,
        score_all=False,
    )
    return [[(list(b.ru_ids), list(b.en_ids)) for b in a.beads] for a in aligned]


def write_predictions(bench: Bench, result: EvalResult, out: Path) -> Path:
    """Write ``<doc>.align`` files (``[0]:[0, 1]`` format) into ``out`` (replaced atomically)."""
    from align.io import atomic_dir

    with atomic_dir(out) as tmp:
        for doc, beads in zip(bench.docs, result.predictions, strict=True):
            (tmp / f"{doc.doc_id}.align").write_text(format_beads(beads), encoding="utf-8")
    return out


TABLE_HEADER = (
    "| benchmark | split | system | encoder | strict P | strict R | strict F1 "
    "| lax P | lax R | lax F1 | time (s) |\n"
    "|---|---|---|---|---|---|---|---|---|---|---|"
)


def table_row(r: EvalResult) -> str:
    s = r.scores
    return (
        f"| {r.bench} | {r.split} | {r.system} | {r.encoder} "
        f"| {s['precision_strict']:.3f} | {s['recall_strict']:.3f} | {s['f1_strict']:.3f} "
        f"| {s['precision_lax']:.3f} | {s['recall_lax']:.3f} | {s['f1_lax']:.3f} "
        f"| {r.seconds:.1f} |"
    )
