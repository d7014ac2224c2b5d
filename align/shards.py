"""Shards of a long run: planned from the input, written as documents finish, resumed, and
assembled into the dataset folder.

Shard ``k`` holds input rows ``k*S .. (k+1)*S - 1`` (``S`` = documents per shard), whoever
computes it and whenever. The work folder holds::

    run.json                      the options and input of the run (checked by --resume)
    shards/sentences-00000k.parquet, shards/documents-00000k.parquet
    shards/00000k.json            written last: the shard is complete (input digest, counts)

The final folder is assembled from the shards in shard order, so its rows and bytes do not
depend on how many runs, workers or machines produced them.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import shutil
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from align.errors import AlignError, InputError
from align.io import atomic_files
from align.model import AlignedPair
from align.sources import RawPair, ShardSpec, Source, to_docpair

RUN_FILE = "run.json"
FORMAT = 1
CONFIGS = ("sentences", "documents")


class ResumeError(AlignError):
    """``--resume`` refused: the earlier run had other options or another input."""


@dataclass(frozen=True)
class Plan:
    """Every shard of the input (rows, input digest, locator) and the whole-input digest."""

    specs: tuple[ShardSpec, ...]
    n_docs: int
    digest: str


def plan_shards(source: Source, shard_docs: int, *, presegmented: bool = False) -> Plan:
    """One streaming pass over the input: cheap checks of every row (structure, decoding,
    empty sides, script; the language detector runs later, per document) and the shards.

    Memory: the shard list plus one doc_id per document (to refuse repeated ids), with its
    row number, not its ``where`` text (that holds the input's path: ~3x the memory at 10^6
    rows); the first row's ``where`` is found again only to word the error."""
    specs: list[ShardSpec] = []
    seen: dict[str, int] = {}
    rows: list[tuple[RawPair, tuple]] = []
    total = hashlib.sha256()

    def close() -> None:
        h = hashlib.sha256()
        for raw, _ in rows:
            h.update(raw.digest())
        digest = h.hexdigest()
        total.update(digest.encode())
        k = len(specs)
        start = rows[0][0].index
        locator = source.locate([piece for _, piece in rows])
        specs.append(ShardSpec(k, start, start + len(rows), digest, locator))
        rows.clear()

    n = 0
    for raw, piece in source.rows():
        if raw.doc_id in seen:
            first = _where(source, seen[raw.doc_id])
            raise InputError(raw.where, f"doc_id {raw.doc_id!r} repeats ({first})")
        seen[raw.doc_id] = raw.index
        to_docpair(raw, presegmented=presegmented, detect=False)
        rows.append((raw, piece))
        n += 1
        if len(rows) == shard_docs:
            close()
    if rows:
        close()
    if not n:
        raise InputError(source.path, "no document pairs found")
    return Plan(tuple(specs), n, total.hexdigest())


def _where(source: Source, index: int) -> str:
    """The ``where`` of input row ``index`` (rows are read again up to it)."""
    for raw, _ in source.rows():
        if raw.index == index:
            return raw.where
    return f"row {index + 1}"  # pragma: no cover - the input changed while it was read


def _name(k: int) -> str:
    return f"{k:06d}"


class WorkDir:
    """The work folder of one run: its record, its finished shards."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.shards = path / "shards"

    @staticmethod
    def default_for(out: str | Path) -> Path:
        out = Path(out)
        return out.with_name(out.name + ".shards")

    @classmethod
    def open(
        cls, path: Path, record: dict, plan: Plan, *, resume: bool
    ) -> tuple[WorkDir, list[ShardSpec]]:
        """Create the work folder, or check the earlier run's (``resume``); return the
        shards still to compute."""
        wd = cls(path)
        record = json.loads(json.dumps(record, sort_keys=True))  # as read back (tuples: lists)
        run_file = path / RUN_FILE
        if path.exists() and not path.is_dir():
            raise InputError(path, "work folder path is a file")
        if path.exists() and not run_file.is_file() and any(path.iterdir()):
            raise InputError(path, "work folder exists and was not made by align; remove it")
        if run_file.is_file():
            old = json.loads(run_file.read_text(encoding="utf-8"))
            done = wd.finished()
            if not resume:
                raise ResumeError(
                    f"{path}: holds an unfinished run ({sum(d['n_docs'] for d in done.values())} "
                    "documents done); add --resume to continue it, or delete the folder to "
                    "start over"
                )
            wd._check(old, record, plan, done)
            todo = [s for s in plan.specs if s.k not in done]
            return wd, todo
        wd.shards.mkdir(parents=True, exist_ok=True)
        with atomic_files(run_file) as (tmp,):
            tmp.write_text(json.dumps(record, indent=1, sort_keys=True), encoding="utf-8")
        return wd, list(plan.specs)

    def _check(self, old: dict, record: dict, plan: Plan, done: dict[int, dict]) -> None:
        if old.get("options") != record["options"]:
            changed = sorted(
                k
                for k in set(old.get("options", {})) | set(record["options"])
                if old.get("options", {}).get(k) != record["options"].get(k)
            )
            raise ResumeError(
                f"{self.path}: --resume refused: the earlier run used other options "
                f"({', '.join(changed)} changed); rerun with the same options, or delete the "
                "folder to start over"
            )
        specs = {s.k: s for s in plan.specs}
        for k, d in sorted(done.items()):
            spec = specs.get(k)
            if spec is None or spec.digest != d["digest"] or spec.start != d["start"]:
                raise ResumeError(
                    f"{self.path}: --resume refused: the input changed since the earlier run "
                    f"(documents {d['start'] + 1}-{d['stop']}, shard {k}, differ); rerun "
                    "without --resume after deleting the folder"
                )

    def finished(self) -> dict[int, dict]:
        """Shard number -> its record, for every complete shard."""
        out = {}
        for f in sorted(self.shards.glob("[0-9]*.json")):
            d = json.loads(f.read_text(encoding="utf-8"))
            out[int(d["k"])] = d
        return out

    def file(self, config: str, k: int) -> Path:
        return self.shards / f"{config}-{_name(k)}.parquet"

    def remove(self) -> None:
        """Delete what the run wrote (shards, record, temporaries); the folder if then empty."""
        if not (self.path / RUN_FILE).is_file():
            return
        shutil.rmtree(self.shards, ignore_errors=True)
        for tmp in self.path.glob("assemble-*"):
            shutil.rmtree(tmp, ignore_errors=True)
        (self.path / RUN_FILE).unlink(missing_ok=True)
        with contextlib.suppress(OSError):
            self.path.rmdir()

    def empty(self) -> bool:
        return not self.finished()


def write_shard(
    work: WorkDir, spec: ShardSpec, aligned: Sequence[AlignedPair], corpus_name: str
) -> dict:
    """Write one finished shard (both tables, then its record, each file atomically)."""
    import pyarrow.parquet as pq

    from align.export.write import build_datasets

    dd = build_datasets(aligned, corpus_name)
    for config in CONFIGS:
        with atomic_files(work.file(config, spec.k)) as (tmp,):
            pq.write_table(dd[config].data.table, tmp)
    record = {
        "k": spec.k,
        "start": spec.start,
        "stop": spec.stop,
        "digest": spec.digest,
        "n_docs": len(aligned),
        "n_sentences": sum(len(a.seg.ru) + len(a.seg.en) for a in aligned),
        "n_beads": sum(len(a.beads) for a in aligned),
    }
    with atomic_files(work.shards / f"{_name(spec.k)}.json") as (tmp,):
        tmp.write_text(json.dumps(record, sort_keys=True), encoding="utf-8")
    return record


def assemble(
    work: WorkDir,
    plan: Plan,
    out: str | Path,
    *,
    corpus_name: str,
    corpus_info: dict[str, str],
):  # -> DatasetDict
    """Build the dataset folder from the shards, in shard order, without holding the tables
    in memory: each config is streamed into one Arrow file that ``datasets`` memory-maps."""
    import pyarrow as pa
    import pyarrow.parquet as pq
    from datasets import Dataset, DatasetDict, load_from_disk

    from align.export.write import DOCUMENT_FEATURES, SENTENCE_FEATURES, save_dataset

    features = {"sentences": SENTENCE_FEATURES, "documents": DOCUMENT_FEATURES}
    tmp = Path(tempfile.mkdtemp(prefix="assemble-", dir=work.path))
    try:
        parts = {}
        for config in CONFIGS:
            schema = features[config].arrow_schema
            path = tmp / f"{config}.arrow"
            with pa.OSFile(str(path), "wb") as sink, pa.ipc.new_stream(sink, schema) as w:
                for spec in plan.specs:
                    table = pq.read_table(work.file(config, spec.k)).cast(schema)
                    for batch in table.to_batches():
                        w.write_batch(batch)
            ds = Dataset.from_file(str(path))
            # from_file's fingerprint hashes the (temporary) path; the content decides here
            ds._fingerprint = _file_digest(path)[:16]
            parts[config] = ds
        dd = DatasetDict(parts)
        save_dataset(dd, out, corpus_name=corpus_name, corpus_info=corpus_info)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return load_from_disk(str(out))


def _file_digest(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        while chunk := f.read(1 << 20):
            h.update(chunk)
    return h.hexdigest()


def total_docs(done: dict[int, dict]) -> tuple[int, int]:
    """Documents and sentences in the finished shards."""
    return (
        sum(d["n_docs"] for d in done.values()),
        sum(d["n_sentences"] for d in done.values()),
    )
