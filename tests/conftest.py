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
