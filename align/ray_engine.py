"""The Ray engine (``align run ... --engine ray``): the same stages on Ray Data.

The shard list becomes a Ray Dataset (one small row per shard: rows and locator, never the
text); ``map_batches`` runs it through a pool of :class:`ShardWorker` actors, each loading the
encoder once and then, per shard, reading its rows from the input, segmenting, aligning,
scoring and writing the shard files into the work folder. The driver only counts finished
shards. Input and work folder must be on a filesystem every node sees (one machine: any
folder). Ray is an optional dependency: ``pip install 'ru-en-align[ray]'``.
"""

from __future__ import annotations

import json
import logging
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from align.errors import AlignError, InputError

if TYPE_CHECKING:
    from align.shards import WorkDir
    from align.sources import ShardSpec, Source
    from align.stream import Progress, StreamOptions

# the folder holding the ``align`` package: workers of a cluster started here import it from there
PACKAGE_ROOT = Path(__file__).resolve().parents[1]


class ShardWorker:
    """A Ray Data actor: the encoder is loaded once, then shards are computed one by one."""

    def __init__(self, source: dict[str, str], options: StreamOptions, work: str) -> None:
        from align.encoders import get_encoder
        from align.pipeline import quiet_libraries
        from align.shards import WorkDir
        from align.sources import source_from

        quiet_libraries()
        self.source = source_from(source)
        self.opts = options
        self.work = WorkDir(Path(work))
        self.encoder = get_encoder(options.encoder)
        # one BLAS / torch thread per actor, as in the local engine's forked workers
        if hasattr(self.encoder, "threads"):
            self.encoder.threads = 1
        torch = sys.modules.get("torch")
        if torch is not None and hasattr(torch, "set_num_threads"):
            torch.set_num_threads(1)

    def __call__(self, batch: dict[str, Any]) -> dict[str, list]:
        from align.pipeline import process_pair
        from align.shards import write_shard
        from align.sources import ShardSpec, to_docpair

        out: dict[str, list] = {"k": [], "n_docs": [], "n_sentences": [], "error": []}
        for k, start, stop, digest, locator in zip(
            batch["k"],
            batch["start"],
            batch["stop"],
            batch["digest"],
            batch["locator"],
            strict=True,
        ):
            spec = ShardSpec(int(k), int(start), int(stop), str(digest), _locator(locator))
            error = ""
            n_docs = n_sents = 0
            try:
                self.encoder.reset()  # as in the local engine: shards independent of history
                pairs = [
                    to_docpair(r, presegmented=self.opts.presegmented)
                    for r in self.source.read(spec)
                ]
                aligned = [
                    process_pair(
                        p,
                        self.encoder,
                        self.opts.align_cfg(),
                        self.opts.divergence,
                        segment=self.opts.segmenter(),
                    )
                    for p in pairs
                ]
                rec = write_shard(self.work, spec, aligned, self.source.name)
                n_docs, n_sents = rec["n_docs"], rec["n_sentences"]
            except InputError as err:  # sent back as data: the driver prints one line
                error = json.dumps([err.path, err.problem])
            out["k"].append(spec.k)
            out["n_docs"].append(n_docs)
            out["n_sentences"].append(n_sents)
            out["error"].append(error)
        return out


def _locator(value: str) -> tuple:
    return tuple(json.loads(value))


def connect(address: str | None, workers: int) -> bool:
    """Join the cluster at ``address``, or start a local one with ``workers`` CPUs.

    Returns whether this call started Ray (and so must shut it down)."""
    try:
        import ray
    except ImportError:
        raise AlignError(
            "--engine ray needs Ray: pip install 'ru-en-align[ray]' (or pip install 'ray[data]')"
        ) from None
    if ray.is_initialized():
        return False
    kwargs: dict[str, Any] = {"logging_level": logging.WARNING, "log_to_driver": False}
    if address:
        ray.init(address=address, **kwargs)
    else:
        # The package reaches the workers through the environment they inherit from the
        # raylet started here, not a runtime_env: with one, every worker is started through
        # Ray's setup_worker (one more Python start-up each) and cannot be one of the workers
        # Ray prestarts, which cost issue 14's profile ~2 CPU s per process (see README).
        with _environ(PYTHONPATH=os.pathsep.join([str(PACKAGE_ROOT), *_pythonpath()])):
            ray.init(num_cpus=workers, include_dashboard=False, **kwargs)
    return True


def _pythonpath() -> list[str]:
    return [p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p]


@contextmanager
def _environ(**values: str) -> Iterator[None]:
    """Set environment variables for the block (the processes it starts inherit them)."""
    old = {k: os.environ.get(k) for k in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for k, v in old.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


def _quiet_ray_data() -> None:
    """Ray Data logs every execution at INFO on its own child loggers: our bar says it all."""
    for name in list(logging.root.manager.loggerDict):
        if name.startswith("ray.data"):
            logging.getLogger(name).setLevel(logging.ERROR)


def run_ray(
    source: Source,
    todo: list[ShardSpec],
    work: WorkDir,
    opts: StreamOptions,
    workers: int,
    progress: Progress,
    *,
    address: str | None = None,
) -> None:
    """Compute the shards ``todo`` on Ray with ``workers`` actors; shards land in ``work``."""
    started = connect(address, workers)
    import ray

    try:
        _quiet_ray_data()
        ctx = ray.data.DataContext.get_current()
        ctx.enable_progress_bars = False  # ours counts documents and sentences
        ctx.print_on_execution_start = False
        items = [
            {
                "k": s.k,
                "start": s.start,
                "stop": s.stop,
                "digest": s.digest,
                "locator": json.dumps(list(s.locator)),
            }
            for s in todo
        ]
        ds = ray.data.from_items(items, override_num_blocks=len(items)).map_batches(
            ShardWorker,
            batch_size=1,
            compute=ray.data.ActorPoolStrategy(size=workers),
            num_cpus=1,
            fn_constructor_kwargs={
                "source": source.describe(),
                "options": opts,
                "work": str(work.path.resolve()),
            },
        )
        try:
            for row in ds.iter_rows():
                if row["error"]:
                    path, problem = json.loads(row["error"])
                    raise InputError(path, problem)
                progress.update(int(row["n_docs"]), int(row["n_sentences"]))
        except ray.exceptions.RayError as err:  # a worker died, the cluster went away, ...
            first = str(err).strip().splitlines()[0] if str(err).strip() else type(err).__name__
            raise AlignError(
                f"Ray engine failed ({first}); the finished shards are kept in {work.path}: "
                "rerun with --resume"
            ) from None
    finally:
        if started:
            ray.shutdown()
