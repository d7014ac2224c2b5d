"""Long runs: the input read as a stream, documents written in shards as they finish,
``--resume`` after an interruption, and the local or the Ray engine.

``run_stream`` plans the shards (one cheap pass over the input), opens the work folder (or
checks the earlier run's on resume), computes the missing shards with an engine, then
assembles the dataset folder from the shards (:mod:`align.shards`). Memory holds a few shards
of documents at a time, never the corpus. The local engine computes each shard with
:func:`align.pipeline.process_pairs` (``jobs`` forked workers), so a shard's rows are the rows
``align.pipeline.run_corpus`` gives for the same documents and ``jobs``.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import closing
from dataclasses import asdict, dataclass, field, replace
from functools import partial
from pathlib import Path

from tqdm.auto import tqdm

from align import __version__
from align.alignment import AlignConfig
from align.divergence.scorer import DivergenceConfig
from align.encoders import DEFAULT_ENCODER, TextEncoder, get_encoder
from align.errors import InputError
from align.io import check_output_dir, output_lock
from align.model import AlignedPair
from align.pipeline import (
    Segmenter,
    StageTimes,
    _timed,
    default_jobs,
    process_pairs,
    process_stream,
    quiet_libraries,
)
from align.progress import progress_wanted
from align.segment import presegmented_pair, segment_pair
from align.shards import Plan, WorkDir, assemble, plan_shards, write_shard
from align.sources import RawPair, ShardSpec, Source, to_docpair

ENGINES = ("local", "ray")
DEFAULT_SHARD_DOCS = 64  # documents per shard: at most this many are redone after a kill


@dataclass(frozen=True)
class StreamOptions:
    """Everything that decides the rows (recorded in the work folder; --resume checks it)."""

    encoder: str = DEFAULT_ENCODER
    align: AlignConfig = field(default_factory=AlignConfig)
    presegmented: bool = False
    shard_docs: int = DEFAULT_SHARD_DOCS
    divergence: DivergenceConfig = field(default_factory=DivergenceConfig)

    def align_cfg(self) -> AlignConfig:
        # pre-segmented lines are sentences, not paragraphs
        return replace(self.align, paragraphs=self.align.paragraphs and not self.presegmented)

    def segmenter(self) -> Segmenter:
        return presegmented_pair if self.presegmented else segment_pair

    def record(self) -> dict:
        return {
            "encoder": self.encoder,
            **{f"align.{k}": v for k, v in asdict(self.align_cfg()).items()},
            "presegmented": self.presegmented,
            "shard_docs": self.shard_docs,
            **{f"divergence.{k}": v for k, v in asdict(self.divergence).items()},
            "align_version": __version__,
        }


@dataclass
class StreamResult:
    out: Path
    dataset: object  # DatasetDict of the written folder (memory-mapped)
    n_docs: int
    n_sentences: int
    resumed_docs: int
    seconds: float
    engine: str
    workers: int
    times: StageTimes = field(default_factory=StageTimes)


class Progress:
    """Documents and sentences done, rates and ETA (tqdm; quiet when asked or not a terminal)."""

    def __init__(self, total: int, done: int, enabled: bool) -> None:
        self.bar = tqdm(
            total=total,
            initial=done,
            desc="documents",
            unit="doc",
            disable=not progress_wanted(enabled),  # -q, not a terminal, TQDM_DISABLE
        )
        self.sentences = 0
        self.t0 = time.perf_counter()

    def update(self, docs: int, sentences: int) -> None:
        self.sentences += sentences
        rate = self.sentences / max(time.perf_counter() - self.t0, 1e-9)
        self.bar.set_postfix_str(f"{self.sentences} sentences, {rate:.0f} sent/s", refresh=False)
        self.bar.update(docs)

    def close(self) -> None:
        self.bar.close()


def _local_engine(
    source: Source,
    todo: list[ShardSpec],
    work: WorkDir,
    opts: StreamOptions,
    encoder: TextEncoder,
    jobs: int,
    progress: Progress,
    times: StageTimes,
) -> None:
    """Every document of ``todo`` through one stream of workers (:func:`process_stream`); a
    shard is written as soon as its last document is back, while the workers go on."""
    if jobs > 1 and sum(s.stop - s.start for s in todo) < jobs:
        # fewer documents than workers: each is scored in parallel (process_long_pair)
        return _shard_by_shard(source, todo, work, opts, encoder, jobs, progress, times)
    specs = {s.k: s for s in todo}
    got: dict[int, dict[int, AlignedPair]] = {}
    # Each document is computed from a cleared encoder (process_pair), so its rows do not
    # depend on which worker computed it or what ran before; reset() also frees the tables
    # grown by an earlier run of this process before the workers are forked.
    encoder.reset()
    stream = process_stream(
        _documents(source, todo),
        partial(to_docpair, presegmented=opts.presegmented),
        encoder,
        opts.align_cfg(),
        opts.divergence,
        jobs=jobs,
        segment=opts.segmenter(),
    )
    with closing(stream):
        for (k, i), aligned, t in stream:
            times.add(t)
            progress.update(1, len(aligned.seg.ru) + len(aligned.seg.en))
            done = got.setdefault(k, {})
            done[i] = aligned
            spec = specs[k]
            if len(done) == spec.stop - spec.start:
                del got[k]
                with _timed(times, "export"):
                    write_shard(work, spec, [done[j] for j in range(len(done))], source.name)
    return None


def _documents(source: Source, todo: list[ShardSpec]) -> Iterator[tuple[tuple[int, int], RawPair]]:
    """The raw rows of the shards ``todo``, keyed (shard, position); each shard's longest
    documents first, so that the stream ends on short ones (no worker left alone with a long
    document at the end)."""
    for spec in todo:
        raws = source.read(spec)
        order = sorted(range(len(raws)), key=lambda i: -len(raws[i].text["ru"]))
        for i in order:
            yield (spec.k, i), raws[i]


def _shard_by_shard(
    source: Source,
    todo: list[ShardSpec],
    work: WorkDir,
    opts: StreamOptions,
    encoder: TextEncoder,
    jobs: int,
    progress: Progress,
    times: StageTimes,
) -> None:
    for spec in todo:
        encoder.reset()  # each shard computed as in a fresh process, whatever ran before
        pairs = [to_docpair(raw, presegmented=opts.presegmented) for raw in source.read(spec)]
        aligned = process_pairs(
            pairs,
            encoder,
            opts.align_cfg(),
            opts.divergence,
            jobs=jobs,
            progress=False,
            times=times,
            segment=opts.segmenter(),
        )
        rec = write_shard(work, spec, aligned, source.name)
        progress.update(rec["n_docs"], rec["n_sentences"])


def run_stream(
    source: Source,
    out: str | Path,
    *,
    options: StreamOptions | None = None,
    engine: str = "local",
    jobs: int | None = None,
    work: str | Path | None = None,
    resume: bool = False,
    ray_address: str | None = None,
    progress: bool = True,
    encoder: TextEncoder | None = None,
    log: Callable[[str], None] | None = None,
    force: bool = False,
) -> StreamResult:
    """Compute every shard not yet written, then assemble the dataset folder ``out``.

    ``jobs``: local worker processes or Ray workers (default: one per core). ``encoder``: an
    already loaded encoder for the local engine (must match ``options.encoder``). On success
    the work folder is removed; after a failure or a kill it stays for ``--resume``.
    """
    if engine not in ENGINES:
        raise ValueError(f"engine must be one of {ENGINES}")
    # the output is checked (never the input; only an earlier export unless ``force``) and
    # locked before anything is computed, as in run_corpus
    reads = [v for k, v in source.describe().items() if k in ("path", "ru", "en")]
    check_output_dir(out, kind="dataset", reads=reads, force=force)
    with output_lock(out):
        return _run_stream(
            source, out, options or StreamOptions(), engine, jobs, work, resume, ray_address,
            progress, encoder, log,
        )  # fmt: skip


def _run_stream(
    source: Source,
    out: str | Path,
    opts: StreamOptions,
    engine: str,
    jobs: int | None,
    work: str | Path | None,
    resume: bool,
    ray_address: str | None,
    progress: bool,
    encoder: TextEncoder | None,
    log: Callable[[str], None] | None,
) -> StreamResult:
    quiet_libraries()
    t0 = time.perf_counter()
    plan: Plan = plan_shards(source, opts.shard_docs, presegmented=opts.presegmented)
    work_path = Path(work) if work is not None else WorkDir.default_for(out)
    record = {"options": opts.record(), "input": source.describe()}
    wd, todo = WorkDir.open(work_path, record, plan, resume=resume)
    done = wd.finished()
    resumed = sum(d["n_docs"] for d in done.values())
    if log and resume:
        log(f"resuming: {resumed} of {plan.n_docs} documents already written in {work_path}")
    n_workers = max(1, jobs) if jobs is not None else default_jobs(plan.n_docs)
    bar = Progress(plan.n_docs, resumed, progress)
    times = StageTimes()
    try:
        if todo and engine == "local":
            enc = encoder if encoder is not None else get_encoder(opts.encoder)
            _local_engine(source, todo, wd, opts, enc, n_workers, bar, times)
        elif todo:
            from align.ray_engine import run_ray

            run_ray(source, todo, wd, opts, n_workers, bar, address=ray_address)
    except InputError as err:  # a row the language detector refused, midway
        bar.close()
        if wd.empty():  # nothing worth resuming: leave no trace
            wd.remove()
            raise
        kept = sum(d["n_docs"] for d in wd.finished().values())
        raise InputError(
            err.path,
            f"{err.problem} ({kept} finished documents kept in {work_path}: fix the row and "
            "rerun with --resume)",
        ) from None
    except BaseException:
        bar.close()
        if wd.empty():
            wd.remove()
        raise
    bar.close()
    finished = wd.finished()
    missing = [s.k for s in plan.specs if s.k not in finished]
    if missing:
        raise InputError(work_path, f"shards {missing[:5]} were not written")
    dd = assemble(wd, plan, out, corpus_name=source.name, corpus_info=source.info)
    wd.remove()
    return StreamResult(
        out=Path(out),
        dataset=dd,
        n_docs=plan.n_docs,
        n_sentences=sum(d["n_sentences"] for d in finished.values()),
        resumed_docs=resumed,
        seconds=time.perf_counter() - t0,
        engine=engine,
        workers=n_workers,
        times=times,
    )
