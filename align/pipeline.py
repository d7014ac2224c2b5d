"""The whole pipeline as one library call: ingest → segment → align → score → export.

Documents are independent once the encoder is loaded, so :func:`run_corpus` can process them
in parallel (``jobs`` worker processes forked after the model is loaded, each with one BLAS
thread); the result does not depend on ``jobs``.
"""

from __future__ import annotations

import ctypes
import logging
import multiprocessing
import multiprocessing.pool
import os
import signal
import sys
import time
import warnings
from collections.abc import Callable, Hashable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

from align.alignment import AlignConfig, align_pair
from align.encoders import DEFAULT_ENCODER, TextEncoder, cpu_threads, get_encoder
from align.errors import check_interrupted, signals_deferred
from align.ingest import Corpus, read_corpus
from align.io import check_output_dir, output_lock
from align.model import AlignedPair, DocPair, SegmentedPair
from align.progress import progress_bar
from align.segment import segment_pair

if TYPE_CHECKING:  # imported where used: datasets and the scorer cost ~1 s of every start
    from datasets import DatasetDict

    from align.divergence.scorer import DivergenceConfig, DocumentStats, TextScore

Segmenter = Callable[[DocPair], SegmentedPair]
Tick = Callable[[float], None]  # progress inside one document: called with a share of it

STAGES = ("load", "segment", "embed", "align", "score", "export")
MIN_BEADS_TO_SPLIT = 200  # a document's beads are scored in parallel from this many
# Share of a document's time spent before scoring (segment + align), for the progress bar:
# 30 NTREX documents took 4.1 s to align and 10.4 s to score (README, "Where the time goes"),
# 28%; one 1,039-sentence document (the seed 40 times, --jobs 2) 4 s of 32 s, 12%.
ALIGN_SHARE = 0.2


def _no_tick(share: float) -> None:
    pass


def doc_size(pair: DocPair) -> int:
    """Characters of both sides: the unit of the pipeline's progress bar."""
    return sum(len(p) for doc in (pair.ru, pair.en) for p in doc.paragraphs)


@dataclass
class StageTimes:
    """Seconds spent per pipeline stage. ``embed`` is the time inside the encoder; ``align``
    and ``score`` exclude it. With parallel workers, stage times are summed over workers."""

    load: float = 0.0
    segment: float = 0.0
    embed: float = 0.0
    align: float = 0.0
    score: float = 0.0
    export: float = 0.0

    def add(self, other: StageTimes) -> None:
        for k in STAGES:
            setattr(self, k, getattr(self, k) + getattr(other, k))

    def as_dict(self) -> dict[str, float]:
        return asdict(self)


@dataclass
class RunResult:
    corpus: Corpus
    aligned: list[AlignedPair]
    dataset: DatasetDict | None
    out: Path | None
    times: StageTimes = field(default_factory=StageTimes)
    model_load_s: float = 0.0
    jobs: int = 1


def quiet_libraries() -> None:
    """Silence per-document INFO logs of bertalign and friends (progress bars stay)."""
    for name in ("bertalign", "sentence_transformers", "datasets"):
        logging.getLogger(name).setLevel(logging.WARNING)


@contextmanager
def _timed(times: StageTimes, stage: str, encoder: TextEncoder | None = None) -> Iterator[None]:
    """Add the block's wall time to ``stage``; encoder time inside it goes to ``embed``."""
    e0 = encoder.encode_seconds if encoder is not None else 0.0
    t0 = time.perf_counter()
    yield
    elapsed = time.perf_counter() - t0
    enc = (encoder.encode_seconds - e0) if encoder is not None else 0.0
    setattr(times, stage, getattr(times, stage) + elapsed - enc)
    times.embed += enc


def scoring_config(
    align_cfg: AlignConfig | None, div_cfg: DivergenceConfig | None, segment: Segmenter
) -> DivergenceConfig | None:
    """The divergence settings for beads aligned with ``align_cfg``: without the paragraph pass
    (``--no-paragraphs``) or on one-sentence-per-line text (``--presegmented``: its lines are
    not paragraphs) the sentence units do not use paragraphs either (``use_paragraphs``)."""
    from align.divergence.scorer import DivergenceConfig
    from align.segment import presegmented_pair

    if segment is not presegmented_pair and (align_cfg is None or align_cfg.paragraphs):
        return div_cfg
    return replace(div_cfg or DivergenceConfig(), use_paragraphs=False)


def process_pair(
    pair: DocPair,
    encoder: TextEncoder,
    align_cfg: AlignConfig | None = None,
    div_cfg: DivergenceConfig | None = None,
    times: StageTimes | None = None,
    segment: Segmenter = segment_pair,
    tick: Tick = _no_tick,
    *,
    score_all: bool = True,
) -> AlignedPair:
    """Segment, align and score one document pair (stage times added to ``times``).

    ``segment``: the sentence splitter (e.g. :func:`align.segment.presegmented_pair` for
    text that is already one sentence per line). ``tick``: called with the share of the
    document done, after the alignment and after each batch of scored beads. ``score_all``
    off: only the beads the alignment needs are scored (:func:`score_and_split`)."""
    times = times if times is not None else StageTimes()
    div_cfg = scoring_config(align_cfg, div_cfg, segment)
    encoder.clear_cache()  # a document's results depend on nothing processed before it
    try:
        aligned = _segment_and_align(pair, encoder, align_cfg, times, segment)
        tick(ALIGN_SHARE)
        with _timed(times, "score", encoder):
            return score_and_split(
                aligned,
                encoder,
                align_cfg,
                div_cfg,
                score_all=score_all,
                tick=lambda s: tick(s * (1 - ALIGN_SHARE)),
            )
    finally:  # documents are independent: keep memory flat over a corpus
        encoder.clear_cache()


# scores the beads ``idx`` of a pair (in place) with their document's statistics, calling
# the last argument with the number of beads of each batch done (align.divergence.scorer)
BeadScorer = Callable[[AlignedPair, Sequence[int], "DocumentStats", Callable[[int], None]], None]


def score_and_split(
    aligned: AlignedPair,
    encoder: TextEncoder,
    align_cfg: AlignConfig | None,
    div_cfg: DivergenceConfig | None,
    *,
    score_all: bool = True,
    tick: Tick = _no_tick,
    scorer: BeadScorer | None = None,
) -> AlignedPair:
    """Score an aligned pair's beads and split unaligned sentences out of its m-n beads
    (:mod:`align.refine`, unless ``AlignConfig.split_unaligned`` is off), in three steps: the
    beads the split may change (:func:`align.refine.split_candidates`), the split, then every
    bead not scored yet (the others and the beads the split created). Each step scores in its
    own batches, so a bead's score depends only on its document, and an alignment alone
    (``score_all`` off: `align align`, `align eval`) stops after the split with the same beads
    as `align run` — without scoring the 1-1 beads, most of a document. ``tick``: called with
    each share of the scoring done; ``scorer``: how batches are scored (default: here)."""
    from align.divergence.scorer import document_stats, score_beads
    from align.refine import split_candidates, split_unaligned

    def here(ap: AlignedPair, idx: Sequence[int], doc: DocumentStats, done) -> None:
        score_beads(ap, idx, encoder, div_cfg, doc, done)

    run = scorer or here
    doc = document_stats(aligned)  # of the aligner's beads, for every step
    n = max(1, len(aligned.beads))
    if not (align_cfg or AlignConfig()).split_unaligned:
        run(aligned, range(len(aligned.beads)), doc, lambda k: tick(k / n))
        return aligned
    first = split_candidates(aligned)
    run(aligned, first, doc, lambda k: tick(k / n))
    refined = split_unaligned(aligned, encoder, div_cfg)
    if not score_all:
        return refined
    scored = {id(aligned.beads[i]) for i in first}
    rest = [i for i, b in enumerate(refined.beads) if id(b) not in scored]
    share = (1 - len(first) / n) / max(1, len(rest))
    run(refined, rest, doc, lambda k: tick(k * share))
    return refined


def _segment_and_align(
    pair: DocPair,
    encoder: TextEncoder,
    align_cfg: AlignConfig | None,
    times: StageTimes,
    segment: Segmenter,
) -> AlignedPair:
    with _timed(times, "segment"):
        seg = segment(pair)
    with _timed(times, "align", encoder):
        return align_pair(seg, encoder, align_cfg)


# ---- parallel documents: workers forked after the model is loaded ----
_WORKER: dict[str, object] = {}


def _work(i: int) -> tuple[int, AlignedPair, StageTimes]:
    enc = _WORKER["encoder"]
    assert isinstance(enc, TextEncoder)
    pairs: list[DocPair] = _WORKER["pairs"]  # type: ignore[assignment]
    times = StageTimes()
    aligned = process_pair(
        pairs[i],
        enc,
        _WORKER["align_cfg"],  # type: ignore[arg-type]
        _WORKER["div_cfg"],  # type: ignore[arg-type]
        times,
        _WORKER["segment"],  # type: ignore[arg-type]
        score_all=bool(_WORKER["score_all"]),
    )
    return i, aligned, times


def _worker_init(parent: int) -> None:
    """One BLAS / torch thread per worker process (the workers are the parallelism); a worker
    ends with its parent (no orphan printing BrokenPipe tracebacks after a kill -9) and leaves
    Ctrl-C and SIGTERM handling to the parent, which stops the pool."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    _die_with_parent(parent)
    enc = _WORKER["encoder"]
    if hasattr(enc, "threads"):
        enc.threads = 1  # type: ignore[attr-defined]
    torch = sys.modules.get("torch")  # loaded by a sentence-transformers encoder
    if torch is not None and hasattr(torch, "set_num_threads"):
        torch.set_num_threads(1)  # one thread also keeps OpenMP fork-safe


def _score_chunk(
    task: tuple[list[tuple[str, str]], list, DocumentStats],
) -> tuple[list[TextScore], float]:
    """One scoring batch in a worker: its beads' texts and layouts, and their document's stats."""
    enc = _WORKER["encoder"]
    assert isinstance(enc, TextEncoder)
    from align.divergence.scorer import score_texts

    texts, layouts, doc = task
    e0 = enc.encode_seconds
    enc.clear_cache()  # as score_beads does before each batch: same state, same floats
    res = score_texts(texts, enc, _WORKER["div_cfg"], layouts, doc)  # type: ignore[arg-type]
    enc.clear_cache()
    return res, enc.encode_seconds - e0


def _die_with_parent(parent: int) -> None:
    try:  # Linux: SIGTERM when the parent process dies
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGTERM, 0, 0, 0)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):  # pragma: no cover - not Linux
        pass
    if os.getppid() != parent:  # the parent died before prctl
        os._exit(0)


@contextmanager
def _fork_pool(jobs: int) -> Iterator[multiprocessing.pool.Pool]:
    """A pool of forked workers, terminated when the block ends however it ends.

    Built with SIGTERM/SIGINT deferred: interrupted half-way, it would leave workers no one
    stops, and its helper thread forking new ones at interpreter shutdown (with a traceback)."""
    ctx = multiprocessing.get_context("fork")
    pool = None
    try:
        with signals_deferred(), warnings.catch_warnings():
            # Python warns that forking a process with threads may deadlock; ours are idle
            # BLAS/torch pool threads here, and workers reset their pools to one thread.
            warnings.simplefilter("ignore", DeprecationWarning)
            pool = ctx.Pool(jobs, initializer=_worker_init, initargs=(os.getpid(),))
        yield pool
    finally:
        if pool is not None:
            with signals_deferred():
                pool.terminate()
                pool.join()


def process_long_pair(
    pair: DocPair,
    encoder: TextEncoder,
    align_cfg: AlignConfig | None = None,
    div_cfg: DivergenceConfig | None = None,
    *,
    jobs: int = 2,
    times: StageTimes | None = None,
    segment: Segmenter = segment_pair,
    tick: Tick = _no_tick,
    score_all: bool = True,
) -> AlignedPair:
    """One document with ``jobs`` processes: aligned here (bertalign's passes are sequential),
    its beads scored in forked workers, one scoring batch per task (the batches of
    :func:`align.divergence.scorer.score_beads`, so every bead is scored in the same batch,
    from the same encoder state, as with one process: bit-identical results whatever
    ``--jobs``)."""
    times = times if times is not None else StageTimes()
    div_cfg = scoring_config(align_cfg, div_cfg, segment)
    try:
        aligned = _segment_and_align(pair, encoder, align_cfg, times, segment)
    finally:
        encoder.clear_cache()
    tick(ALIGN_SHARE)

    def scoring_tick(s: float) -> None:
        tick(s * (1 - ALIGN_SHARE))

    if len(aligned.beads) < MIN_BEADS_TO_SPLIT:  # not worth forking for
        with _timed(times, "score", encoder):
            try:
                return score_and_split(
                    aligned, encoder, align_cfg, div_cfg, score_all=score_all, tick=scoring_tick
                )
            finally:
                encoder.clear_cache()
    _WORKER.update(encoder=encoder, div_cfg=div_cfg)
    t0 = time.perf_counter()
    e0 = encoder.encode_seconds
    enc_s = [0.0]  # the workers' encoder seconds
    try:
        with _fork_pool(jobs) as pool:

            def in_pool(ap: AlignedPair, idx: Sequence[int], doc: DocumentStats, done) -> None:
                enc_s[0] += _score_in_pool(pool, ap, idx, doc, done)

            return score_and_split(
                aligned,
                encoder,
                align_cfg,
                div_cfg,
                score_all=score_all,
                tick=scoring_tick,
                scorer=in_pool,
            )
    finally:
        _WORKER.clear()
        encoder.clear_cache()
        # wall time of the scoring, split between encoder and scorer in the workers' ratio
        wall = time.perf_counter() - t0
        ratio = min(1.0, enc_s[0] / max(wall * jobs, 1e-9))
        here = encoder.encode_seconds - e0  # the split's similarities of the kept parts
        times.embed += wall * ratio + here
        times.score += max(0.0, wall * (1 - ratio) - here)


def _score_in_pool(
    pool: multiprocessing.pool.Pool,
    aligned: AlignedPair,
    idx: Sequence[int],
    doc: DocumentStats,
    done: Callable[[int], None],
) -> float:
    """Score the beads ``idx`` (in place) in the pool's workers, one batch per task; return
    the workers' encoder seconds."""
    from align.divergence.scorer import apply_score, bead_texts, score_batches
    from align.divergence.units import bead_layouts

    texts, layouts = bead_texts(aligned), bead_layouts(aligned)
    batches = score_batches(idx)
    tasks = [([texts[i] for i in b], [layouts[i] for i in b], doc) for b in batches]
    enc_s = 0.0
    for batch, (res, e) in zip(batches, pool.imap(_score_chunk, tasks), strict=True):
        for i, r in zip(batch, res, strict=True):
            apply_score(aligned.beads[i], r)
        enc_s += e
        done(len(batch))
        check_interrupted()
    return enc_s


class _Progress:
    """The pipeline's progress bar. It counts characters, so that a long document moves it
    while it is processed (its ticks), not only when it is done."""

    def __init__(self, pairs: list[DocPair], show: bool) -> None:
        self.n = len(pairs)
        self.done = 0
        self.credited: dict[str, float] = {}
        self.bar = progress_bar(
            total=sum(map(doc_size, pairs)),
            show=show,
            desc="align+score",
            unit="char",
            unit_scale=True,
            postfix=f"0/{self.n} documents",
        )

    def tick_for(self, pair: DocPair) -> Tick:
        size = doc_size(pair)

        def tick(share: float) -> None:
            self.bar.update(share * size)
            self.credited[pair.doc_id] = self.credited.get(pair.doc_id, 0.0) + share * size

        return tick

    def finished(self, pair: DocPair) -> None:
        self.done += 1
        self.bar.update(doc_size(pair) - self.credited.pop(pair.doc_id, 0.0))
        self.bar.set_postfix_str(f"{self.done}/{self.n} documents", refresh=False)

    def close(self) -> None:
        self.bar.close()


def default_jobs(n_docs: int) -> int:
    """Worker processes: one per core (a single document is then scored in parallel)."""
    return max(1, cpu_threads()) if n_docs else 1


def process_pairs(
    pairs: list[DocPair],
    encoder: TextEncoder,
    align_cfg: AlignConfig | None = None,
    div_cfg: DivergenceConfig | None = None,
    *,
    jobs: int = 1,
    progress: bool = True,
    times: StageTimes | None = None,
    segment: Segmenter = segment_pair,
    score_all: bool = True,
) -> list[AlignedPair]:
    """Segment, align and score many pairs, in ``jobs`` forked worker processes when > 1.

    Fork shares the loaded model with the workers; where fork is unavailable, or the encoder
    runs on a GPU, documents are processed in this process. ``score_all`` off: only the beads
    the alignment needs are scored (:func:`score_and_split`).
    """
    times = times if times is not None else StageTimes()
    bar = _Progress(pairs, progress)

    def one_by_one(run: Callable[[DocPair, Tick], AlignedPair]) -> list[AlignedPair]:
        out = []
        for p in pairs:
            out.append(run(p, bar.tick_for(p)))
            bar.finished(p)
            check_interrupted()  # a signal taken in a library's __del__
        bar.close()
        return out

    gpu = not encoder.device.startswith("cpu")
    if jobs <= 1 or gpu or "fork" not in multiprocessing.get_all_start_methods():
        return one_by_one(
            lambda p, tick: process_pair(
                p, encoder, align_cfg, div_cfg, times, segment, tick, score_all=score_all
            )
        )
    if len(pairs) < jobs:  # fewer documents than workers: parallel inside each document
        return one_by_one(
            lambda p, tick: process_long_pair(
                p,
                encoder,
                align_cfg,
                div_cfg,
                jobs=jobs,
                times=times,
                segment=segment,
                tick=tick,
                score_all=score_all,
            )
        )
    _WORKER.update(
        encoder=encoder,
        pairs=pairs,
        align_cfg=align_cfg,
        div_cfg=div_cfg,
        segment=segment,
        score_all=score_all,
    )
    # longest documents first so that no worker is left with a long one at the end
    order = sorted(range(len(pairs)), key=lambda i: -sum(map(len, pairs[i].ru.paragraphs)))
    results: list[AlignedPair | None] = [None] * len(pairs)
    try:
        with _fork_pool(jobs) as pool:
            for i, aligned, t in pool.imap_unordered(_work, order):
                results[i] = aligned
                times.add(t)
                bar.finished(pairs[i])
                check_interrupted()  # a signal taken in a library's __del__
    finally:
        _WORKER.clear()
        bar.close()
    return [a for a in results if a is not None]


def _stream_work(task: tuple[Hashable, object]) -> tuple[Hashable, AlignedPair, StageTimes]:
    key, item = task
    enc = _WORKER["encoder"]
    assert isinstance(enc, TextEncoder)
    prepare: Callable[[object], DocPair] = _WORKER["prepare"]  # type: ignore[assignment]
    times = StageTimes()
    with _timed(times, "load"):
        pair = prepare(item)
    aligned = process_pair(
        pair,
        enc,
        _WORKER["align_cfg"],  # type: ignore[arg-type]
        _WORKER["div_cfg"],  # type: ignore[arg-type]
        times,
        _WORKER["segment"],  # type: ignore[arg-type]
    )
    return key, aligned, times


def process_stream[K: Hashable, T](
    tasks: Iterable[tuple[K, T]],
    prepare: Callable[[T], DocPair],
    encoder: TextEncoder,
    align_cfg: AlignConfig | None = None,
    div_cfg: DivergenceConfig | None = None,
    *,
    jobs: int = 1,
    segment: Segmenter = segment_pair,
) -> Iterator[tuple[K, AlignedPair, StageTimes]]:
    """Documents as a stream: ``prepare`` each item (in the worker: e.g. a raw input row to a
    :class:`DocPair`, with its language checks), segment, align and score it; yield
    ``(key, AlignedPair, stage times)`` as documents finish (in any order with ``jobs`` > 1).

    One pool of ``jobs`` workers is forked for the whole stream, and ``tasks`` is read while
    they work, so the workers never wait for the caller between documents (a pool per batch
    of documents idled both workers at every batch's end and while the caller read, checked
    and wrote: issue 14's profile). ``tasks`` is consumed in the pool's feeder thread, ahead
    of the workers by what the pipe to them holds (64 KiB of pickled items). Close the
    generator (``contextlib.closing``) to stop the workers early."""
    gpu = not encoder.device.startswith("cpu")
    if jobs <= 1 or gpu or "fork" not in multiprocessing.get_all_start_methods():
        for key, item in tasks:
            times = StageTimes()
            with _timed(times, "load"):
                pair = prepare(item)
            yield key, process_pair(pair, encoder, align_cfg, div_cfg, times, segment), times
            check_interrupted()
        return
    _WORKER.update(
        encoder=encoder, prepare=prepare, align_cfg=align_cfg, div_cfg=div_cfg, segment=segment
    )
    try:
        with _fork_pool(jobs) as pool:
            for res in pool.imap_unordered(_stream_work, tasks):
                yield res  # type: ignore[misc]
                check_interrupted()
    finally:
        _WORKER.clear()


def run_corpus(
    corpus_dir: str | Path,
    out: str | Path | None = None,
    *,
    encoder: str | TextEncoder = DEFAULT_ENCODER,
    align_cfg: AlignConfig | None = None,
    div_cfg: DivergenceConfig | None = None,
    progress: bool = True,
    jobs: int | None = None,
    segment: Segmenter = segment_pair,
    force: bool = False,
) -> RunResult:
    """Run every stage on a corpus folder; write the dataset to ``out`` when given.

    Input is fully read and validated, and ``out`` checked (never the input or a folder around
    it; only an earlier export unless ``force``; writable) and locked, before anything is
    computed or written. ``jobs``: worker processes for the documents (default: one per core,
    at most one per document); results are bit-identical whatever ``jobs``. ``segment``: the
    sentence splitter (:func:`align.segment.presegmented_pair` for text that is already one
    sentence per line).
    """
    quiet_libraries()
    times = StageTimes()
    with _timed(times, "load"):
        corpus = read_corpus(corpus_dir)
    settings = {"align_cfg": align_cfg, "div_cfg": div_cfg, "progress": progress, "jobs": jobs}
    settings |= {"segment": segment, "force": force, "times": times}
    if out is None:
        return _run(corpus, None, encoder, **settings)  # type: ignore[arg-type]
    check_output_dir(out, kind="dataset", reads=[corpus_dir], force=force)
    with output_lock(out):
        return _run(corpus, Path(out), encoder, **settings)  # type: ignore[arg-type]


def _run(
    corpus: Corpus,
    out_path: Path | None,
    encoder: str | TextEncoder,
    *,
    align_cfg: AlignConfig | None,
    div_cfg: DivergenceConfig | None,
    progress: bool,
    jobs: int | None,
    segment: Segmenter,
    force: bool,
    times: StageTimes,
) -> RunResult:
    t0 = time.perf_counter()
    enc = get_encoder(encoder) if isinstance(encoder, str) else encoder
    model_load_s = time.perf_counter() - t0
    n_jobs = default_jobs(len(corpus.pairs)) if jobs is None else max(1, jobs)
    aligned = process_pairs(
        list(corpus.pairs),
        enc,
        align_cfg,
        div_cfg,
        jobs=n_jobs,
        progress=progress,
        times=times,
        segment=segment,
    )
    dataset = None
    if out_path is not None:
        check_interrupted()
        from align.export.write import write_dataset

        with _timed(times, "export"):
            dataset = write_dataset(
                aligned, out_path, corpus_name=corpus.name, corpus_info=corpus.info, force=force
            )
    return RunResult(
        corpus=corpus,
        aligned=aligned,
        dataset=dataset,
        out=out_path,
        times=times,
        model_load_s=model_load_s,
        jobs=n_jobs,
    )
