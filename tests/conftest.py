"""Shared fixtures: the real offline encoder (loaded once) and one pipeline run on the seed."""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("HF_DATASETS_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
# load_dataset(folder) caches by the card's relative data_files, not by content: a fresh cache per
# test session, so a re-exported folder is never answered from an older run's cache
if "HF_DATASETS_CACHE" not in os.environ:
    _CACHE = tempfile.mkdtemp(prefix="align-hf-datasets-")
    os.environ["HF_DATASETS_CACHE"] = _CACHE
    # removed when the session ends (the folder is ours; a user-set cache is left alone)
    atexit.register(shutil.rmtree, _CACHE, ignore_errors=True)

import pytest

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "corpora" / "seed"
SHARED = ROOT.parent / "shared"
NTREX = SHARED / "data" / "ntrex-enru"


@pytest.fixture(scope="session")
def encoder():
    from align.encoders import get_encoder

    return get_encoder("use-m3")


@pytest.fixture(scope="session")
def seed_run(tmp_path_factory, encoder):
    from align.pipeline import run_corpus

    out = tmp_path_factory.mktemp("seed") / "dataset"
    return run_corpus(SEED, out, encoder=encoder, progress=False)


MULTI_NAME = "Embassy statements"


def write_multi_corpus(folder: Path) -> Path:
    """A three-document corpus cut from the seed's paragraphs, as a researcher's own would be:
    the whole seed pair (with its dropped paragraph), two paragraphs about the meeting (no
    metadata at all), and two about the earlier report, declared English-original (en-ru)
    with English metadata only."""
    src = next(d for d in SEED.iterdir() if d.is_dir())
    ru = src.joinpath("ru.txt").read_text(encoding="utf-8").strip().split("\n\n")
    en = src.joinpath("en.txt").read_text(encoding="utf-8").strip().split("\n\n")
    folder.mkdir(parents=True)
    (folder / "corpus.toml").write_text(
        f'name = "{MULTI_NAME}"\ndirection = "ru-en"\nlicense = "cc-by-4.0"\n', encoding="utf-8"
    )

    def doc(name: str, r: list[int], e: list[int], meta: str = "") -> None:
        d = folder / name
        d.mkdir()
        d.joinpath("ru.txt").write_text("\n\n".join(ru[i] for i in r) + "\n", encoding="utf-8")
        d.joinpath("en.txt").write_text("\n\n".join(en[i] for i in e) + "\n", encoding="utf-8")
        if meta:
            d.joinpath("meta.toml").write_text(meta, encoding="utf-8")

    doc(
        "a-full",
        list(range(len(ru))),
        list(range(len(en))),
        src.joinpath("meta.toml").read_text(encoding="utf-8"),
    )
    doc("b-meeting", [2, 6], [3, 5])
    doc(
        "c-earlier",
        [8, 9],
        [7, 8],
        'direction = "en-ru"\n[en]\nsource = "Azernews"\ndate = "2025-11-21"\n',
    )
    return folder


@pytest.fixture(scope="session")
def multi_run(tmp_path_factory, encoder):
    """The whole pipeline on :func:`write_multi_corpus`."""
    from align.pipeline import run_corpus

    base = tmp_path_factory.mktemp("multi")
    corpus = write_multi_corpus(base / "corpus")
    return run_corpus(corpus, base / "dataset", encoder=encoder, progress=False)


@pytest.fixture(scope="session")
def ntrex_lines() -> tuple[list[str], list[str]]:
    """NTREX en-ru (English source, Russian translation), line-aligned."""
    if not NTREX.is_dir():
        pytest.skip("../shared/data/ntrex-enru is not available")
    en = (NTREX / "newstest2019-src.eng.txt").read_text(encoding="utf-8").splitlines()
    ru = (NTREX / "newstest2019-ref.rus.txt").read_text(encoding="utf-8").splitlines()
    return ru, en


def write_pair(folder: Path, ru: str | bytes, en: str | bytes) -> Path:
    """Write a one-pair corpus folder ``folder/doc/{ru,en}.txt``."""
    doc = folder / "doc"
    doc.mkdir(parents=True, exist_ok=True)
    for name, content in (("ru.txt", ru), ("en.txt", en)):
        data = content.encode("utf-8") if isinstance(content, str) else content
        (doc / name).write_bytes(data)
    return folder
