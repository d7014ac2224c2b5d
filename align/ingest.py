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
from datetime import date, datetime
from functools import cache
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


_CONTROL_BYTES = re.compile(rb"[\x00-\x08\x0e-\x1f\x7f]")  # all but \t \n \v \f \r
_UTF8_SEQUENCE = re.compile(
    rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}"
)
_HIGH_BYTES = bytes(range(0x80, 0x100))
# Cyrillic letters of cp1251 that Russian does not use (Ukrainian, Belarusian, Serbian,
# Macedonian); frequent in cp1251-decoded UTF-8 (mojibake such as "РїСЂРёРІРµС‚")
_NON_RUSSIAN_CP1251 = frozenset("ЂЃѓЉЊЌЋЏђљњќћџЎўЈҐЄЇІіґєјЅѕї")


def _where(data: bytes, offset: int) -> str:
    return f"offset {offset}, line {data.count(b'\n', 0, offset) + 1}"


def decode_text(data: bytes, path: Path) -> tuple[str, str]:
    """Decode a text file: UTF-8, or cp1251 Russian; refuse anything else.

    Returns the text and the encoding used. Refused (one line naming the byte and where):
    NUL or other control bytes anywhere in the file; UTF-8 with invalid bytes (a file that
    is mostly valid UTF-8 is never re-read as cp1251); cp1251 that does not read as Russian.
    """
    if not data.strip():
        raise InputError(path, "empty document")
    nul = data.find(b"\x00")
    controls = _CONTROL_BYTES.findall(data[:65536])
    if nul >= 0 or len(controls) > 0.05 * min(len(data), 65536):
        where = f" (NUL byte at {_where(data, nul)})" if nul >= 0 else ""
        raise InputError(path, f"binary file, not text{where}; expected UTF-8 plain text")
    m = _CONTROL_BYTES.search(data)
    if m:
        raise InputError(
            path,
            f"control character 0x{data[m.start()]:02x} at {_where(data, m.start())}; "
            "expected plain text",
        )
    try:
        return data.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError as err:
        utf8_error = err
    bad = f"byte 0x{data[utf8_error.start]:02x} at {_where(data, utf8_error.start)}"
    high = len(data) - len(data.translate(None, _HIGH_BYTES))
    in_utf8 = sum(len(s) for s in _UTF8_SEQUENCE.findall(data))
    if in_utf8 > 0.5 * high:  # mostly UTF-8: damaged or cut off, not another encoding
        raise InputError(
            path,
            f"not valid UTF-8: invalid {bad} (the rest is UTF-8: is the file cut off or "
            "damaged?); re-save it as UTF-8",
        )
    text = data.decode("cp1251", errors="replace")
    if _plausible_russian(text):
        return text, "cp1251"
    raise InputError(
        path, f"not valid UTF-8 ({bad}) and not cp1251 Russian text; re-save the file as UTF-8"
    )


def _plausible_russian(text: str) -> bool:
    """cp1251-decoded text that reads as Russian: no undefined bytes, mostly Cyrillic letters,
    mostly lower case, hardly any letters Russian does not use."""
    if "\ufffd" in text:
        return False
    letters = [c for c in text if c.isalpha()]
    cyr = [c for c in letters if _CYRILLIC.match(c)]
    if not letters or len(cyr) <= 0.5 * len(letters):
        return False
    lower = sum(1 for c in cyr if c.islower())
    foreign = sum(1 for c in cyr if c in _NON_RUSSIAN_CP1251)
    return lower >= 0.6 * len(cyr) and foreign <= 0.01 * len(cyr)


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


# Letters of Russian's Cyrillic neighbours that Russian does not have (a few in a Russian text
# are quoted names, e.g. Київ; more are another language)
NEIGHBOUR_LETTERS = {
    "Belarusian": "ўЎ",
    "Ukrainian": "їєґЇЄҐ",
    "Ukrainian or Belarusian": "іІ",
    "Serbian or Macedonian": "ђјљњћџѓќѕЂЈЉЊЋЏЃЌЅ",
}
NEIGHBOUR_LANGUAGES = ("UKRAINIAN", "BELARUSIAN", "BULGARIAN", "SERBIAN", "MACEDONIAN")
MIN_DETECT_LETTERS = 40  # shorter texts: the script check alone (a detector guesses: "Да." is
# Kazakh to lingua, "Yes." Hungarian to bertalign's detector)


def _letters(text: str) -> tuple[list[str], list[str]]:
    cyr = _CYRILLIC.findall(text)
    return cyr, _LATIN.findall(text)


def check_cyrillic_neighbours(text: str, path: Path) -> None:
    """Refuse Ukrainian, Belarusian, Bulgarian, Serbian or Macedonian text given as Russian by
    their own letters (і ї є ґ ў ђ ј љ њ ћ џ ...) and Bulgarian's ъ where Russian has ы; the
    detector that knows those languages is :func:`detect_cyrillic_neighbours`."""
    cyr = _CYRILLIC.findall(text)
    for name, letters in NEIGHBOUR_LETTERS.items():
        n = sum(text.count(c) for c in letters)
        if n >= 3 and n >= 0.005 * len(cyr):
            shown = ", ".join(dict.fromkeys(c.lower() for c in letters if c in text))
            raise InputError(path, f"expected Russian text but it has {n} {name} letters ({shown})")
    hard, yery = text.count("ъ") + text.count("Ъ"), text.count("ы") + text.count("Ы")
    if hard >= 3 and hard > yery:
        raise InputError(
            path,
            f"expected Russian text but ъ ({hard}) is more frequent than ы ({yery}): Bulgarian?",
        )


def detect_cyrillic_neighbours(text: str, path: Path, cyr: list[str]) -> None:
    """Refuse Russian-side text that a detector knowing Russian's Cyrillic neighbours calls
    one of them (texts of :data:`MIN_DETECT_LETTERS` Cyrillic letters or more)."""
    if len(cyr) < MIN_DETECT_LETTERS:
        return
    from lingua import Language

    found = _neighbour_detector().detect_language_of(text[:4000])
    if found is not None and found != Language.RUSSIAN:
        name = found.name.capitalize()
        raise InputError(path, f"expected Russian text but detected {name}")


@cache
def _neighbour_detector():  # -> lingua.LanguageDetector
    from lingua import Language, LanguageDetectorBuilder

    langs = [Language.RUSSIAN, *(getattr(Language, n) for n in NEIGHBOUR_LANGUAGES)]
    return LanguageDetectorBuilder.from_languages(*langs).build()


def check_language(text: str, lang: Lang, path: Path) -> None:
    """Refuse a document that is not in the language its side expects."""
    cyr, lat = check_script(text, lang, path)
    if lang == "ru":
        detect_cyrillic_neighbours(text, path, cyr)
    if len(cyr) + len(lat) < MIN_DETECT_LETTERS:
        return
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


def check_script(text: str, lang: Lang, path: str | Path):  # -> the letters (cyr, lat)
    """The cheap part of :func:`check_language` (no detector): letters, script, and the
    letters of other Cyrillic languages; a long run's first pass checks every row with it.
    (The neighbours' detector ran here too until issue 14's profile: 75% of that pass, 1.9 ms
    a document, and twice per document in :func:`read_document`.)"""
    cyr, lat = _letters(text)
    if not cyr and not lat:
        raise InputError(
            path,
            f"expected {LANG_NAMES[lang]} text but it has no Cyrillic or Latin letters "
            "(only digits, symbols, emoji or invisible characters?)",
        )
    if script_share(text, lang) < 0.5:
        other = "Latin" if lang == "ru" else "Cyrillic"
        raise InputError(
            path, f"expected {LANG_NAMES[lang]} text but it is mostly in {other} script"
        )
    if lang == "ru":
        check_cyrillic_neighbours(text, path)
    return cyr, lat


def _check_regular_file(path: Path) -> None:
    """A text file must be a regular file (or a link to one): say what it is otherwise."""
    if path.is_symlink() and not path.exists():
        raise InputError(path, "broken symbolic link or symbolic link loop")
    if not path.exists():
        raise InputError(path, "file does not exist")
    if path.is_dir():
        raise InputError(path, "is a folder, not a text file")
    if not path.is_file():
        raise InputError(
            path, "is not a regular file (a FIFO, socket or device?); expected a text file"
        )


def _read_bytes(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as err:
        raise InputError(path, f"cannot read: {err.strerror or err}") from None


def _valid_date(value: str, path: Path, what: str) -> str:
    try:
        date.fromisoformat(value)
    except ValueError:
        raise InputError(path, f"{what}: {value!r} is not a valid date (YYYY-MM-DD)") from None
    return value


def read_document(path: Path, lang: Lang, meta: dict[str, str] | None = None) -> Document:
    """Read one side of a pair: decode, find metadata lines, split paragraphs, check language."""
    _check_regular_file(path)
    text, encoding = decode_text(_read_bytes(path), path)
    doc = parse_document(text, lang, path, meta, encoding=encoding)
    check_language(" ".join(doc.paragraphs), lang, path)
    return doc


def parse_document(
    text: str,
    lang: Lang,
    where: str | Path,
    meta: dict[str, str] | None = None,
    *,
    encoding: str = "utf-8",
    presegmented: bool = False,
) -> Document:
    """Decoded text -> :class:`Document` (metadata lines, paragraphs; script checked).

    ``presegmented``: one sentence per line, kept as given (no date/dateline handling);
    each line becomes one "paragraph" that :func:`align.segment.presegmented_pair` keeps whole.
    ``where`` names the input in errors. Language detection is :func:`check_language`.
    """
    fields = dict(meta or {})
    published = ""
    if presegmented:
        lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
        paras = [ln.strip() for ln in lines if ln.strip()]
    else:
        m = _DATE_TOKEN.match(text)
        if m:
            fields.setdefault("date", _valid_date(m.group(1), where, "leading `date` line"))
            text = text[m.end() :]
        paras = split_paragraphs(text)
        while paras and is_dateline(paras[0]):
            published = paras.pop(0)
    if not paras:
        raise InputError(where, "empty document (no text after the metadata lines)")
    check_script(" ".join(paras), lang, where)
    path = str(where) if isinstance(where, Path) else ""
    doc_meta = DocMeta(lang=lang, path=path, encoding=encoding, published=published)
    return Document(meta=replace(doc_meta, **fields), paragraphs=tuple(paras))


def _read_toml(path: Path) -> dict:
    if path.is_symlink() and not path.exists():
        raise InputError(path, "broken symbolic link or symbolic link loop")
    if not path.exists():
        return {}
    _check_regular_file(path)
    try:
        return tomllib.loads(_read_bytes(path).decode("utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as err:
        raise InputError(path, f"invalid TOML: {err}") from None


def _type_name(value: object) -> str:
    return {dict: "a table", list: "a list"}.get(type(value), type(value).__name__)


def meta_fields(meta: dict, lang: Lang, path: Path) -> dict[str, str]:
    """The ``[ru]`` or ``[en]`` table of a meta.toml: strings (a TOML date for ``date``),
    single-line, and a valid date; anything else is refused with one line."""
    side = meta.get(lang, {})
    if not isinstance(side, dict):
        raise InputError(
            path,
            f"`{lang}` must be a table ([{lang}] with source, date, url, title), not {_type_name(side)}",
        )
    out: dict[str, str] = {}
    for key in META_FIELDS:
        if key not in side:
            continue
        value = side[key]
        if key == "date" and isinstance(value, date) and not isinstance(value, datetime):
            value = value.isoformat()
        if not isinstance(value, str):
            raise InputError(path, f"`{lang}.{key}` must be a string, not {_type_name(value)}")
        if key == "date" and value:
            _valid_date(value, path, f"`{lang}.date`")
        out[key] = value
    return out


CORPUS_FIELDS = (
    "name",
    "description",
    "direction",
    "license",
    "license_name",
    "license_link",
    "citation",
)
SINGLE_LINE = ("name", "direction", "license", "license_name", "license_link")
LIST_FIELDS = ("source_datasets",)  # a string or a list of strings, stored comma-separated


def corpus_fields(info: dict, path: Path) -> dict[str, str]:
    """corpus.toml: its fields must be strings (a list of strings for ``source_datasets``), the
    name, direction and licence fields on one line, the licence one identifier."""
    out: dict[str, str] = {}
    for key, value in info.items():
        if key not in CORPUS_FIELDS and key not in LIST_FIELDS:  # kept, as text
            out[key] = ", ".join(map(str, value)) if isinstance(value, list) else str(value)
            continue
        if key in LIST_FIELDS and isinstance(value, list):
            if not all(isinstance(v, str) and "\n" not in v for v in value):
                raise InputError(path, f"`{key}` must be a list of one-line strings")
            value = ", ".join(value)
        if not isinstance(value, str):
            raise InputError(path, f"`{key}` must be a string, not {_type_name(value)}")
        if key in SINGLE_LINE and ("\n" in value.strip() or "\r" in value):
            raise InputError(path, f"`{key}` must be one line")
        out[key] = value.strip() if key in SINGLE_LINE else value
    if "license" in out and not re.fullmatch(r"[\w.+-]+", out["license"]):
        raise InputError(
            path,
            f"`license` must be one licence identifier such as cc-by-4.0, not {out['license']!r}",
        )
    return out


def _doc_id(folder: Path) -> str:
    name = folder.name
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        raise InputError(folder, "folder name is not valid UTF-8; rename it") from None
    return name


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
    doc_id = doc_id or _doc_id(folder)
    meta_path = folder / "meta.toml"
    meta = _read_toml(meta_path)
    if "direction" in meta:
        direction = _direction(meta["direction"], meta_path)
    paths = {lang: folder / f"{lang}.txt" for lang in LANGS}
    for p in paths.values():
        if p.exists() or p.is_symlink():
            _check_regular_file(p)
    present = {lang: paths[lang].is_file() for lang in LANGS}
    for lang in LANGS:
        if not present[lang]:
            other = "en" if lang == "ru" else "ru"
            what = (
                f"has {other}.txt but no {lang}.txt" if present[other] else "has no ru.txt/en.txt"
            )
            raise InputError(folder, f"document pair {what} (one side missing)")
    docs = {
        lang: read_document(paths[lang], lang, meta_fields(meta, lang, meta_path)) for lang in LANGS
    }
    return DocPair(doc_id=doc_id, ru=docs["ru"], en=docs["en"], direction=direction)


def _document_folders(root: Path) -> list[Path]:
    """The sub-folders of a corpus; a broken link or link loop among them is refused."""
    folders = []
    for p in sorted(root.iterdir()):
        if p.name.startswith("."):
            continue
        if p.is_symlink() and not p.exists():
            raise InputError(p, "broken symbolic link or symbolic link loop in the corpus")
        if p.is_dir():
            folders.append(p)
    return folders


def read_corpus(path: str | Path) -> Corpus:
    """Read every document pair of a corpus folder, in sorted doc_id order."""
    root = Path(path)
    if root.is_symlink() and not root.exists():
        raise InputError(root, "broken symbolic link or symbolic link loop")
    if not root.exists():
        raise InputError(root, "corpus folder does not exist")
    if not root.is_dir():
        raise InputError(root, "not a folder (a corpus is a folder of document pairs)")
    info = corpus_fields(_read_toml(root / "corpus.toml"), root / "corpus.toml")
    name = info.get("name", root.resolve().name)
    direction = (
        _direction(info["direction"], root / "corpus.toml") if "direction" in info else "unknown"
    )
    if any((root / f"{lang}.txt").exists() for lang in LANGS):
        pairs = [read_pair(root, doc_id=_doc_id(root.resolve()), direction=direction)]
    else:
        folders = _document_folders(root)
        if not folders:
            raise InputError(
                root, "no document pairs found (expected sub-folders with ru.txt/en.txt)"
            )
        pairs = [read_pair(f, direction=direction) for f in folders]
    return Corpus(name=name, path=root, pairs=tuple(pairs), info=info)
