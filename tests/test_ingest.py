"""Ingest: corpus format, metadata lines, encodings, and bad input (one clear error each)."""

from __future__ import annotations

from pathlib import Path

import pytest

from align.errors import InputError
from align.ingest import decode_text, is_dateline, read_corpus, split_paragraphs
from tests.conftest import SEED, write_pair

RU = (
    "Министр иностранных дел провёл встречу с послом. Стороны обсудили двустороннее сотрудничество."
)
EN = "The foreign minister met the ambassador. The sides discussed bilateral cooperation."


def test_seed_metadata_and_paragraphs():
    corpus = read_corpus(SEED)
    assert corpus.name == "seed"
    (pair,) = corpus.pairs
    assert pair.ru.meta.date == "2025-11-21" and pair.en.meta.date == "2025-11-21"
    assert pair.ru.meta.source == "Report" and pair.en.meta.source == "Azernews"
    # the leading `date YYYY-MM-DD` token is metadata, not text
    assert not pair.ru.paragraphs[0].startswith("date")
    assert pair.ru.paragraphs[0].startswith("МИД России выразил")
    # the English dateline paragraph is metadata too
    assert pair.en.meta.published == "21 November 2025 16:29 (UTC+04:00)"
    assert pair.en.paragraphs[0].startswith("The Russian Foreign Ministry")
    assert len(pair.ru.paragraphs) == 10 and len(pair.en.paragraphs) == 8


def test_paragraph_splitting_blank_lines_and_line_per_paragraph():
    assert split_paragraphs("a b\nc\n\n  d  \n\n\ne") == ["a b c", "d", "e"]
    assert split_paragraphs("one\ntwo\r\nthree") == ["one", "two", "three"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("21 November 2025 16:29 (UTC+04:00)", True),
        ("14:05, 21 ноября 2025 г.", True),
        ("2025-11-21", True),
        ("The meeting took place on 21 November 2025.", False),
        ("Москва", False),
    ],
)
def test_dateline(text, expected):
    assert is_dateline(text) is expected


def test_single_pair_folder(tmp_path):
    doc = write_pair(tmp_path, RU, EN) / "doc"
    corpus = read_corpus(doc)
    assert [p.doc_id for p in corpus.pairs] == ["doc"]


def test_cp1251_russian_is_decoded(tmp_path):
    write_pair(tmp_path, RU.encode("cp1251"), EN)
    (pair,) = read_corpus(tmp_path).pairs
    assert pair.ru.meta.encoding == "cp1251"
    assert pair.ru.paragraphs[0].startswith("Министр")


def _error(path: Path) -> str:
    with pytest.raises(InputError) as info:
        read_corpus(path)
    msg = str(info.value)
    assert "\n" not in msg
    return msg


def test_missing_path(tmp_path):
    msg = _error(tmp_path / "nope")
    assert "nope" in msg and "does not exist" in msg


def test_empty_document(tmp_path):
    write_pair(tmp_path, RU, "  \n\n ")
    msg = _error(tmp_path)
    assert "en.txt" in msg and "empty document" in msg


def test_document_with_only_metadata_is_empty(tmp_path):
    write_pair(tmp_path, RU, "date 2025-11-21\n\n21 November 2025 16:29\n")
    assert "empty document" in _error(tmp_path)


def test_one_side_missing(tmp_path):
    write_pair(tmp_path, RU, EN)
    (tmp_path / "doc" / "en.txt").unlink()
    msg = _error(tmp_path)
    assert "doc" in msg and "no en.txt" in msg and "one side missing" in msg


def test_wrong_language_script(tmp_path):
    write_pair(tmp_path, EN, EN)
    msg = _error(tmp_path)
    assert "ru.txt" in msg and "expected Russian" in msg


def test_wrong_language_same_script(tmp_path):
    de = "Der Außenminister traf den Botschafter. Die Seiten besprachen die bilaterale Zusammenarbeit."
    write_pair(tmp_path, RU, de)
    msg = _error(tmp_path)
    assert "en.txt" in msg and "expected English" in msg and "German" in msg


def test_invalid_utf8_that_is_not_cp1251_russian(tmp_path):
    write_pair(tmp_path, RU, "Café au lait, señor. Déjà vu.".encode("latin-1"))
    msg = _error(tmp_path)
    assert "en.txt" in msg and "not valid UTF-8" in msg


def test_binary_file(tmp_path):
    write_pair(tmp_path, RU, b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    msg = _error(tmp_path)
    assert "en.txt" in msg and "binary" in msg


def test_folder_without_pairs(tmp_path):
    assert "no document pairs" in _error(tmp_path)


def test_decode_utf8_bom():
    assert decode_text("\ufeffпривет".encode(), Path("x")) == ("привет", "utf-8")


def test_direction_from_corpus_toml_and_meta_toml(tmp_path):
    from tests.conftest import write_multi_corpus

    corpus = write_multi_corpus(tmp_path / "c")
    pairs = {p.doc_id: p.direction for p in read_corpus(corpus).pairs}
    assert pairs == {"a-full": "ru-en", "b-meeting": "ru-en", "c-earlier": "en-ru"}
    (corpus / "corpus.toml").write_text('direction = "ru->en"\n', encoding="utf-8")
    with pytest.raises(InputError, match=r"corpus.toml: direction must be one of 'ru-en', 'en-ru'"):
        read_corpus(corpus)
    (corpus / "corpus.toml").unlink()
    assert {p.doc_id: p.direction for p in read_corpus(corpus).pairs}["a-full"] == "unknown"
