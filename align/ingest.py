"""Stage 1 — ingest: read a corpus folder into :class:`~align.model.DocPair` objects.

Corpus format (see README): a folder holding one sub-folder per document pair::

    CORPUS/
      corpus.toml            optional: name, description, direction ("ru-en": Russian original,
                             "en-ru": English original), license (license_name, license_link
                             when it is "other"), source_datasets, citation
      <doc_id>/
        ru.txt               the Russian text
        en.txt               the English text
        meta.toml            optional: direction (overrides the corpus's), and [ru] and [en]
                             tables with source, url, date, title

A folder that itself holds ``ru.txt`` and ``en.txt`` is a one-pair corpus.
Text files are UTF-8 (a cp1251-encoded Russian file is detected and decoded). Paragraphs
are separated by blank lines; a file without blank lines has one paragraph per line.
A leading ``date YYYY-MM-DD`` token is metadata, and so is a paragraph that is only a
dateline ("21 November 2025 16:29 (UTC+04:00)"): neither is aligned.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, replace
from pathlib import Path

from align._bertalign import import_bertalign
from align.errors import InputError
from align.model import DIRECTIONS, LANGS, Direction, DocMeta, DocPair, Document, Lang

LANG_NAMES: dict[Lang, str] = {"ru": "Russian", "en": "English"}
META_FIELDS = ("source", "date", "url", "title")

_DATE_TOKEN = re.compile(r"^\s*date\s+(\d{4}-\d{2}-\d{2})\b[ \t]*")
_MONTHS = (
    "january|february|march|april|may|june|july|august|september|october|november|december|"
    "jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec|"
    "января|февраля|марта|апреля|мая|июня|июля|августа|сентября|октября|ноября|декабря"
)
_DATELINE = re.compile(
    rf"^(?:[\d\s:.,/()+\-–—]|utc|gmt|msk|мск|a\.?m\.?|p\.?m\.?|года|г\.|{_MONTHS})+$",
    re.IGNORECASE,
)
_CYRILLIC = re.compile(r"[\u0400-\u04FF]")
_LATIN = re.compile(r"[A-Za-z]")


@dataclass(frozen=True)
class Corpus:
    """A corpus folder: its name, card metadata and document pairs."""

    name: str
    path: Path
    pairs: tuple[DocPair, ...]
    info: dict[str, str]


def decode_text(data: bytes, path: Path) -> tuple[str, str]:
    """Decode a text file: UTF-8, or cp1251 Russian; refuse binary data.

    Returns the text and the encoding used.
    """
    if not data.strip():
        raise InputError(path, "empty document")
    sample = data[:65536]
    controls = sum(1 for b in sample if b < 32 and b not in (9, 10, 13, 12))
    if b"\x00" in sample or controls > 0.05 * len(sample):
        raise InputError(path, "binary file, not text (expected UTF-8 plain text)")
    try:
        return data.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError as err:
        utf8_error = err
    text = data.decode("cp1251", errors="replace")
    letters = [c for c in text if c.isalpha()]
    cyr = sum(1 for c in letters if _CYRILLIC.match(c))
    if letters and "\ufffd" not in text and cyr / len(letters) > 0.5:
        return text, "cp1251"
    raise InputError(
        path,
        f"not valid UTF-8 (byte 0x{data[utf8_error.start]:02x} at offset {utf8_error.start}) "
        "and not cp1251 Russian text; re-save the file as UTF-8",
    )


def split_paragraphs(text: str) -> list[str]:
    """Split text into paragraphs with whitespace collapsed."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if re.search(r"\n\s*\n", text):
        blocks = re.split(r"\n\s*\n", text)
    else:
        blocks = text.split("\n")
    paras = [re.sub(r"\s+", " ", b).strip() for b in blocks]
    return [p for p in paras if p]


def is_dateline(paragraph: str) -> bool:
    """True for a paragraph that is only a date/time stamp."""
    return (
        bool(re.search(r"\d", paragraph))
        and len(paragraph) < 60
        and bool(_DATELINE.match(paragraph))
    )


def script_share(text: str, lang: Lang) -> float:
    """Share of the letters of ``text`` written in the script of ``lang``."""
    cyr = len(_CYRILLIC.findall(text))
    lat = len(_LATIN.findall(text))
    if cyr + lat == 0:
        return 0.0
    return (cyr if lang == "ru" else lat) / (cyr + lat)


def check_language(text: str, lang: Lang, path: Path) -> None:
    """Refuse a document that is not in the language its side expects."""
    if script_share(text, lang) < 0.5:
        other = "Latin" if lang == "ru" else "Cyrillic"
        raise InputError(
            path, f"expected {LANG_NAMES[lang]} text but it is mostly in {other} script"
        )
    import_bertalign()  # bertalign without torch (see align/_bertalign.py)
    from bertalign.utils import ISO_LANGUAGE_NAMES, LanguageDetectionError, detect_lang

    try:
        found = detect_lang(text)
    except LanguageDetectionError:
        raise InputError(
            path, f"could not detect the language (expected {LANG_NAMES[lang]})"
        ) from None
    if found != lang:
        name = ISO_LANGUAGE_NAMES.get(found, found)
        raise InputError(path, f"expected {LANG_NAMES[lang]} text but detected {name}")


def read_document(path: Path, lang: Lang, meta: dict[str, str] | None = None) -> Document:
    """Read one side of a pair: decode, find metadata lines, split paragraphs, check language."""
    if not path.is_file():
        raise InputError(path, "file does not exist")
    text, encoding = decode_text(path.read_bytes(), path)
    fields = {k: str(v) for k, v in (meta or {}).items() if k in META_FIELDS}
    m = _DATE_TOKEN.match(text)
    if m:
        fields.setdefault("date", m.group(1))
        text = text[m.end() :]
    paras = split_paragraphs(text)
    published = ""
    while paras and is_dateline(paras[0]):
        published = paras.pop(0)
    if not paras:
        raise InputError(path, "empty document (no text after the metadata lines)")
    check_language(" ".join(paras), lang, path)
    doc_meta = DocMeta(lang=lang, path=str(path), encoding=encoding, published=published)
    return Document(meta=replace(doc_meta, **fields), paragraphs=tuple(paras))


def _read_toml(path: Path) -> dict:
    if not path.is_file():
        return {}
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as err:
        raise InputError(path, f"invalid TOML: {err}") from None


def _direction(value: object, where: Path) -> Direction:
    """A declared translation direction, checked."""
    text = str(value).strip().lower()
    for d in DIRECTIONS:
        if text == d:
            return d
    raise InputError(
        where, f"direction must be one of {', '.join(map(repr, DIRECTIONS))}; got {value!r}"
    )


def read_pair(folder: Path, doc_id: str | None = None, direction: Direction = "unknown") -> DocPair:
    """Read the document pair stored in ``folder`` (``ru.txt``, ``en.txt``, ``meta.toml``).

    ``direction``: the corpus's translation direction; a ``direction`` in ``meta.toml`` wins."""
    meta = _read_toml(folder / "meta.toml")
    if "direction" in meta:
        direction = _direction(meta["direction"], folder / "meta.toml")
    present = {lang: (folder / f"{lang}.txt").is_file() for lang in LANGS}
    for lang in LANGS:
        if not present[lang]:
            other = "en" if lang == "ru" else "ru"
            what = (
                f"has {other}.txt but no {lang}.txt" if present[other] else "has no ru.txt/en.txt"
            )
            raise InputError(folder, f"document pair {what} (one side missing)")
    docs = {lang: read_document(folder / f"{lang}.txt", lang, meta.get(lang)) for lang in LANGS}
    return DocPair(doc_id=doc_id or folder.name, ru=docs["ru"], en=docs["en"], direction=direction)


def read_corpus(path: str | Path) -> Corpus:
    """Read every document pair of a corpus folder, in sorted doc_id order."""
    root = Path(path)
    if not root.exists():
        raise InputError(root, "corpus folder does not exist")
    if not root.is_dir():
        raise InputError(root, "not a folder (a corpus is a folder of document pairs)")
    raw = _read_toml(root / "corpus.toml")
    info = {k: ", ".join(map(str, v)) if isinstance(v, list) else str(v) for k, v in raw.items()}
    name = info.get("name", root.resolve().name)
    direction = (
        _direction(info["direction"], root / "corpus.toml") if "direction" in info else "unknown"
    )
    if any((root / f"{lang}.txt").exists() for lang in LANGS):
        pairs = [read_pair(root, doc_id=root.resolve().name, direction=direction)]
    else:
        folders = sorted(p for p in root.iterdir() if p.is_dir() and not p.name.startswith("."))
        if not folders:
            raise InputError(
                root, "no document pairs found (expected sub-folders with ru.txt/en.txt)"
            )
        pairs = [read_pair(f, direction=direction) for f in folders]
    return Corpus(name=name, path=root, pairs=tuple(pairs), info=info)
