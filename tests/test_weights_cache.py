"""The USE encoder's weights cache (decompressed weights under ~/.cache/align): same vectors,
can be turned off, safe when several processes fill it at once."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys

import numpy as np

from align.encoders.use import USEEncoder
from tests.conftest import ROOT
from tests.test_encoders import SENTS


def _embed(monkeypatch, cache: str, folder) -> tuple[np.ndarray, USEEncoder]:
    monkeypatch.setenv("ALIGN_CACHE", cache)
    monkeypatch.setenv("ALIGN_CACHE_DIR", str(folder))
    enc = USEEncoder()
    return enc.embed(SENTS), enc


def test_cached_weights_give_identical_vectors(monkeypatch, tmp_path):
    plain, _ = _embed(monkeypatch, "0", tmp_path)
    assert not tmp_path.exists() or not any(tmp_path.iterdir())  # turned off: nothing written
    first, _ = _embed(monkeypatch, "1", tmp_path)  # fills the cache
    (entry,) = tmp_path.iterdir()
    assert (entry / "complete").is_file() and (entry / "table.npy").is_file()
    cached, enc = _embed(monkeypatch, "1", tmp_path)  # reads it
    assert isinstance(enc._backend.table, np.memmap)
    assert plain.tobytes() == first.tobytes() == cached.tobytes()


def test_damaged_cache_entry_falls_back_to_the_package(monkeypatch, tmp_path):
    _embed(monkeypatch, "1", tmp_path)
    (entry,) = tmp_path.iterdir()
    (entry / "proj_W.npy").write_bytes(b"not an array")
    vecs, enc = _embed(monkeypatch, "1", tmp_path)
    assert not isinstance(enc._backend.table, np.memmap)
    ref, _ = _embed(monkeypatch, "0", tmp_path)
    assert vecs.tobytes() == ref.tobytes()


def test_concurrent_processes_fill_the_cache_safely(tmp_path):
    code = (
        "import hashlib; from align.encoders.use import USEEncoder; from tests.test_encoders "
        "import SENTS; print(hashlib.sha256(USEEncoder().embed(SENTS).tobytes()).hexdigest())"
    )
    env = {**os.environ, "ALIGN_CACHE": "1", "ALIGN_CACHE_DIR": str(tmp_path / "c")}
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", code], cwd=ROOT, env=env, stdout=subprocess.PIPE, text=True
        )
        for _ in range(3)
    ]
    outs = [p.communicate(timeout=300)[0].strip() for p in procs]
    assert all(p.returncode == 0 for p in procs)
    env["ALIGN_CACHE"] = "0"
    ref = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, check=True
    ).stdout.strip()
    assert outs == [ref] * 3 and len(ref) == len(hashlib.sha256().hexdigest())
    entries = list((tmp_path / "c").iterdir())
    assert len(entries) == 1 and not entries[0].name.startswith(".")  # no temporary left
    assert (entries[0] / "complete").is_file()
