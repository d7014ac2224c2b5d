"""Inputs for large runs, read as a stream: a corpus folder, a JSON Lines or Parquet file of
document pairs, or one pair given as two files.

Every source yields :class:`RawPair` rows (text not yet split) and can re-read the rows of one
shard from a small :class:`ShardSpec` (byte range, row range or folder names), so a worker
process or a Ray actor reads its own shard and the driver never holds the corpus.

JSON Lines / Parquet rows: ``doc_id``, ``ru``, ``en`` (strings), optional metadata columns
``ru_source``, ``ru_date``, ``ru_url``, ``ru_title`` and the same for ``en_``, and
``direction`` ("ru-en": Russian original, "en-ru"); other columns are ignored.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from align.errors import InputError
from align.ingest import (
    META_FIELDS,
    _check_regular_file,
    _direction,
    _doc_id,
    _document_folders,
    _read_bytes,
    _read_toml,
    check_language,
    corpus_fields,
    decode_text,
    meta_fields,
    parse_document,
)
from align.model import LANGS, Direction, DocPair, Lang

TABLE_META = tuple(f"{lang}_{f}" for lang in LANGS for f in META_FIELDS)
TABLE_COLUMNS = ("doc_id", *LANGS, "direction", *TABLE_META)
PARQUET_BATCH = 256  # rows per Arrow batch read from a Parquet file


@dataclass(frozen=True)
class RawPair:
    """One input document pair before splitting: where it came from, its texts and metadata."""

    index: int  # position in the input, from 0
    doc_id: str
    where: str  # names the row in error messages: "FILE, line 12" or a folder
    text: dict[str, str]  # lang -> decoded text
    meta: dict[str, dict[str, str]]  # lang -> metadata fields
    encoding: dict[str, str] = field(default_factory=dict)
    paths: dict[str, str] = field(default_factory=dict)  # lang -> file (folder inputs)
    direction: Direction = "unknown"

    def digest(self) -> bytes:
        """Hash of everything the pipeline reads from this row."""
        blob = json.dumps(
            [self.doc_id, self.text, self.meta, self.direction], sort_keys=True, ensure_ascii=False
        )
        return hashlib.sha256(blob.encode("utf-8")).digest()


@dataclass(frozen=True)
class ShardSpec:
    """Rows ``start``..``stop`` of the input; ``locator`` lets any process re-read them."""

    k: int
    start: int
    stop: int
    digest: str  # sha256 over the rows' digests: detects a changed input on --resume
    locator: tuple = ()


class Source:
    """Base class: ``rows()`` streams every :class:`RawPair`; ``read(spec)`` one shard."""

    kind = ""
    path: Path
    name: str = "corpus"
    info: dict[str, str]

    def rows(self) -> Iterator[tuple[RawPair, tuple]]:
        """Each row with its locator piece (byte offsets, row number or folder name)."""
        raise NotImplementedError

    def read(self, spec: ShardSpec) -> list[RawPair]:
        raise NotImplementedError

    def locate(self, pieces: list[tuple]) -> tuple:
        """The locator of a shard from its rows' locator pieces (default: none needed)."""
        return ()

    def describe(self) -> dict[str, str]:
        return {"kind": self.kind, "path": str(self.path.resolve())}


def _need_text(value: object, where: str, column: str) -> str:
    if not isinstance(value, str):
        what = "missing" if value is None else f"not a string ({type(value).__name__})"
        raise InputError(where, f"column {column!r} is {what}")
    if not value.strip():
        raise InputError(where, f"empty document (column {column!r})")
    return value


def row_pair(index: int, row: object, where: str, default: Direction = "unknown") -> RawPair:
    """A table row (JSON object / Parquet row) -> :class:`RawPair`; bad rows raise InputError.
    An optional ``direction`` column ("ru-en", "en-ru") declares the original side."""
    if not isinstance(row, dict):
        raise InputError(where, f"expected a JSON object with doc_id, ru, en; got {row!r:.40}")
    doc_id = row.get("doc_id")
    if isinstance(doc_id, int) and not isinstance(doc_id, bool):
        doc_id = str(doc_id)
    if not isinstance(doc_id, str) or not doc_id.strip():
        raise InputError(where, "column 'doc_id' is missing or empty")
    where = f"{where} (doc_id {doc_id})"
    text = {lang: _need_text(row.get(lang), where, lang) for lang in LANGS}
    meta: dict[str, dict[str, str]] = {lang: {} for lang in LANGS}
    for col in TABLE_META:
        value = row.get(col)
        if value is not None and value != "":
            lang, f = col.split("_", 1)
            meta[lang][f] = str(value)
    direction = row.get("direction")
    checked = _direction(direction, where) if direction not in (None, "") else default
    return RawPair(index, doc_id, where, text, meta, direction=checked)


class JsonlSource(Source):
    kind = "jsonl"

    def __init__(self, path: Path) -> None:
        self.path = path
        self.name = path.name.split(".")[0]
        self.info = {}

    def _lines(self, start: int = 0, stop: int | None = None) -> Iterator[tuple[int, int, bytes]]:
        with self.path.open("rb") as f:
            f.seek(start)
            pos = start
            for line in f:
                if stop is not None and pos >= stop:
                    return
                yield pos, pos + len(line), line
                pos += len(line)

    def _parse(self, index: int, lineno: int, line: bytes) -> RawPair:
        where = f"{self.path}, line {lineno}"
        try:
            row = json.loads(line.decode("utf-8"))
        except UnicodeDecodeError as err:
            raise InputError(where, f"not valid UTF-8 (byte offset {err.start})") from None
        except json.JSONDecodeError as err:
            raise InputError(where, f"invalid JSON: {err.msg} (column {err.colno})") from None
        return row_pair(index, row, where)

    def rows(self) -> Iterator[tuple[RawPair, tuple]]:
        index = 0
        for lineno, (start, end, line) in enumerate(self._lines(), 1):
            if line.strip():
                yield self._parse(index, lineno, line), (start, end, lineno)
                index += 1

    def locate(self, pieces: list[tuple]) -> tuple:
        return (pieces[0][0], pieces[-1][1], pieces[0][2])  # byte range, first line number

    def read(self, spec: ShardSpec) -> list[RawPair]:
        start, stop, lineno = spec.locator
        out = []
        for n, (_, _, line) in enumerate(self._lines(start, stop), lineno):
            if line.strip():
                out.append(self._parse(spec.start + len(out), n, line))
        return out


class ParquetSource(Source):
    kind = "parquet"

    def __init__(self, path: Path) -> None:
        self.path = path
        self.name = path.name.split(".")[0]
        self.info = {}

    def _file(self):
        import pyarrow.parquet as pq

        try:
            return pq.ParquetFile(self.path)
        except Exception as err:  # pyarrow raises ArrowInvalid / OSError for a bad file
            raise InputError(self.path, f"not a readable Parquet file ({err})") from None

    def _batches(self, first_row: int = 0) -> Iterator[tuple[int, list[dict]]]:
        pf = self._file()
        names = set(pf.schema_arrow.names)
        missing = [c for c in ("doc_id", *LANGS) if c not in names]
        if missing:
            raise InputError(self.path, f"Parquet file has no column {missing[0]!r}")
        cols = [c for c in TABLE_COLUMNS if c in names]
        groups, row0 = [], 0
        for g in range(pf.metadata.num_row_groups):  # skip whole row groups before first_row
            n = pf.metadata.row_group(g).num_rows
            if row0 + n > first_row:
                groups.append(g)
            else:
                row0 += n
        if not groups:
            return
        for batch in pf.iter_batches(PARQUET_BATCH, row_groups=groups, columns=cols):
            rows = batch.to_pylist()
            yield row0, rows
            row0 += len(rows)

    def rows(self) -> Iterator[tuple[RawPair, tuple]]:
        for row0, rows in self._batches():
            for i, row in enumerate(rows):
                n = row0 + i
                yield row_pair(n, row, f"{self.path}, row {n + 1}"), (n,)

    def read(self, spec: ShardSpec) -> list[RawPair]:
        out = []
        for row0, rows in self._batches(spec.start):
            for i, row in enumerate(rows):
                n = row0 + i
                if spec.start <= n < spec.stop:
                    out.append(row_pair(n, row, f"{self.path}, row {n + 1}"))
            if row0 + len(rows) >= spec.stop:
                break
        return out


def _read_side(path: Path, lang: Lang) -> tuple[str, str]:
    _check_regular_file(path)
    return decode_text(_read_bytes(path), path)


class FolderSource(Source):
    """The corpus folder of ``align run`` (see :mod:`align.ingest`), in sorted doc_id order."""

    kind = "folder"

    def __init__(self, path: Path) -> None:
        self.path = path
        self.info = corpus_fields(_read_toml(path / "corpus.toml"), path / "corpus.toml")
        self.name = self.info.get("name", path.resolve().name)
        self.direction: Direction = (
            _direction(self.info["direction"], path / "corpus.toml")
            if "direction" in self.info
            else "unknown"
        )
        self.single = any((path / f"{lang}.txt").exists() for lang in LANGS)
        if not self.single and not self._folders():
            raise InputError(
                path, "no document pairs found (expected sub-folders with ru.txt/en.txt)"
            )

    def _folders(self) -> list[Path]:
        if self.single:
            return [self.path]
        return _document_folders(self.path)

    def _pair(self, index: int, folder: Path) -> RawPair:
        doc_id = self.path.resolve().name if self.single else _doc_id(folder)
        for lang in LANGS:  # a side that is there must be a regular file (or a link to one)
            side = folder / f"{lang}.txt"
            if side.exists() or side.is_symlink():
                _check_regular_file(side)
        present = {lang: (folder / f"{lang}.txt").is_file() for lang in LANGS}
        for lang in LANGS:
            if not present[lang]:
                other = "en" if lang == "ru" else "ru"
                what = (
                    f"has {other}.txt but no {lang}.txt"
                    if present[other]
                    else "has no ru.txt/en.txt"
                )
                raise InputError(folder, f"document pair {what} (one side missing)")
        meta = _read_toml(folder / "meta.toml")
        direction = self.direction
        if "direction" in meta:
            direction = _direction(meta["direction"], folder / "meta.toml")
        text, enc, paths = {}, {}, {}
        for lang in LANGS:
            p = folder / f"{lang}.txt"
            text[lang], enc[lang] = _read_side(p, lang)
            paths[lang] = str(p)
        fields = {lang: meta_fields(meta, lang, folder / "meta.toml") for lang in LANGS}
        return RawPair(index, doc_id, str(folder), text, fields, enc, paths, direction)

    def rows(self) -> Iterator[tuple[RawPair, tuple]]:
        for i, folder in enumerate(self._folders()):
            yield self._pair(i, folder), (folder.name,)

    def locate(self, pieces: list[tuple]) -> tuple:
        return tuple(p[0] for p in pieces)  # folder names

    def read(self, spec: ShardSpec) -> list[RawPair]:
        base = [self.path] if self.single else [self.path / n for n in spec.locator]
        return [self._pair(spec.start + i, f) for i, f in enumerate(base)]


class FilePairSource(Source):
    """One pair given as two files (``align run --ru FILE --en FILE``)."""

    kind = "files"

    def __init__(self, ru: Path, en: Path, doc_id: str | None = None) -> None:
        self.path = ru
        self.files = {"ru": ru, "en": en}
        stem = ru.name.split(".")[0]
        self.doc_id = doc_id or (stem.removesuffix("_ru").removesuffix("-ru") or "doc")
        self.name = self.doc_id
        self.info = {}

    def _pair(self) -> RawPair:
        text, enc = {}, {}
        for lang in LANGS:
            text[lang], enc[lang] = _read_side(self.files[lang], lang)
        paths = {lang: str(p) for lang, p in self.files.items()}
        meta: dict[str, dict[str, str]] = {lang: {} for lang in LANGS}
        return RawPair(0, self.doc_id, str(self.files["ru"]), text, meta, enc, paths)

    def rows(self) -> Iterator[tuple[RawPair, tuple]]:
        yield self._pair(), ()

    def read(self, spec: ShardSpec) -> list[RawPair]:
        return [self._pair()]

    def describe(self) -> dict[str, str]:
        return {
            "kind": self.kind,
            "doc_id": self.doc_id,
            **{k: str(p.resolve()) for k, p in self.files.items()},
        }


def open_source(
    path: str | Path | None = None,
    *,
    ru: str | Path | None = None,
    en: str | Path | None = None,
) -> Source:
    """The source for a corpus folder, a ``.jsonl`` / ``.parquet`` file, or ``ru`` + ``en``."""
    if ru is not None or en is not None:
        if path is not None or ru is None or en is None:
            raise InputError(
                path or ru or en or "", "give either a corpus or both --ru FILE and --en FILE"
            )
        return FilePairSource(Path(ru), Path(en))
    if path is None:
        raise InputError("", "no input: give a corpus folder, a .jsonl/.parquet file or --ru/--en")
    p = Path(path)
    if not p.exists():
        raise InputError(p, "corpus folder does not exist")
    if p.is_dir():
        return FolderSource(p)
    suffixes = [s.lower() for s in p.suffixes]
    if suffixes and suffixes[-1] in (".jsonl", ".ndjson", ".json"):
        return JsonlSource(p)
    if suffixes and suffixes[-1] in (".parquet", ".pq"):
        return ParquetSource(p)
    raise InputError(
        p, "not a corpus: expected a folder of document pairs, a .jsonl or a .parquet file"
    )


def source_from(desc: dict[str, str]) -> Source:
    """Re-open a source from :meth:`Source.describe` (in a worker or a Ray actor)."""
    if desc["kind"] == "files":
        return FilePairSource(Path(desc["ru"]), Path(desc["en"]), desc.get("doc_id"))
    return open_source(desc["path"])


def to_docpair(raw: RawPair, *, presegmented: bool = False, detect: bool = True) -> DocPair:
    """Split a raw row into paragraphs (or lines) per side; ``detect``: check the language
    with the offline detector too (the cheap script check always runs)."""
    docs = {}
    for lang in LANGS:
        where = raw.paths.get(lang) or raw.where
        where_p: str | Path = Path(where) if lang in raw.paths else where
        doc = parse_document(
            raw.text[lang],
            lang,
            where_p,
            raw.meta.get(lang),
            encoding=raw.encoding.get(lang, "utf-8"),
            presegmented=presegmented,
        )
        if detect:
            check_language(" ".join(doc.paragraphs), lang, where_p)
        docs[lang] = doc
    return DocPair(doc_id=raw.doc_id, ru=docs["ru"], en=docs["en"], direction=raw.direction)


__all__ = [
    "FilePairSource",
    "FolderSource",
    "JsonlSource",
    "ParquetSource",
    "RawPair",
    "ShardSpec",
    "Source",
    "open_source",
    "to_docpair",
]
