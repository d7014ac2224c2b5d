"""`align push`: everything short of the network call, and clear one-line failures without it."""

from __future__ import annotations

import os
import shutil

import pytest

from align.cli import main
from align.tools.hub import repo_files

HUB_FILES = [
    "LICENSE.md",
    "README.md",
    "data/documents/train-*.parquet",
    "data/sentences/train-*.parquet",
]


def test_dry_run_lists_the_repository_files(seed_run, capsys):
    assert main(["push", str(seed_run.out), "--repo-id", "someone/seed-ru-en", "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("would upload 4 files to ")
    assert "/datasets/someone/seed-ru-en (public)" in out
    files = [next(seed_run.out.glob(f)).relative_to(seed_run.out).as_posix() for f in HUB_FILES]
    for f in files:
        size = (seed_run.out / f).stat().st_size
        assert f"  {f}  ({size:,} bytes)" in out
    # the Arrow copy for load_from_disk stays local
    assert "dataset_dict.json" not in out and ".arrow" not in out
    assert [f.path for f in repo_files(seed_run.out)] == files


def test_offline_push_fails_with_one_line(seed_run, capsys):
    assert os.environ["HF_HUB_OFFLINE"] == "1"
    assert main(["push", str(seed_run.out), "--repo-id", "someone/seed-ru-en"]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert err.startswith(f"align: error: {seed_run.out}: push to ")
    assert "HF_HUB_OFFLINE=1" in err


def test_unreachable_hub_fails_with_one_line(seed_run, tmp_path, monkeypatch, capsys):
    """No network: online mode, a token, and a Hub endpoint that refuses connections."""
    from huggingface_hub import constants

    monkeypatch.setattr(constants, "HF_HUB_OFFLINE", False)
    monkeypatch.setattr(constants, "ENDPOINT", "http://127.0.0.1:9")
    monkeypatch.setenv("HF_TOKEN", "hf_not_a_real_token")
    assert main(["push", str(seed_run.out), "--repo-id", "a/b"]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Traceback" not in err
    assert "push to http://127.0.0.1:9/datasets/a/b failed: ConnectError" in err


def test_no_token_fails_before_any_request(seed_run, tmp_path, monkeypatch, capsys):
    from huggingface_hub import constants

    monkeypatch.setattr(constants, "HF_HUB_OFFLINE", False)
    monkeypatch.setattr(constants, "ENDPOINT", "http://127.0.0.1:9")
    monkeypatch.setattr(constants, "HF_TOKEN_PATH", str(tmp_path / "token"))
    monkeypatch.setattr(constants, "HF_STORED_TOKENS_PATH", str(tmp_path / "stored_tokens"))
    monkeypatch.delenv("HF_TOKEN", raising=False)
    monkeypatch.delenv("HUGGING_FACE_HUB_TOKEN", raising=False)
    assert main(["push", str(seed_run.out), "--repo-id", "a/b"]) == 1
    err = capsys.readouterr().err
    assert "no Hugging Face token" in err and err.count("\n") == 1


@pytest.mark.parametrize(
    ("damage", "needle"),
    [
        ("README.md", "no README.md dataset card"),
        ("data/sentences/train-*.parquet", "config 'sentences': no file matches"),
    ],
)
def test_incomplete_folder_is_refused(seed_run, tmp_path, capsys, damage, needle):
    out = tmp_path / "copy"
    shutil.copytree(seed_run.out, out)
    for path in out.glob(damage):
        path.unlink()
    assert main(["push", str(out), "--repo-id", "a/b", "--dry-run"]) == 1
    err = capsys.readouterr().err
    assert needle in err and err.count("\n") == 1


def test_bad_repo_id_and_missing_folder(seed_run, tmp_path, capsys):
    assert main(["push", str(seed_run.out), "--repo-id", "a/b/c d", "--dry-run"]) == 1
    assert "not a valid repository id" in capsys.readouterr().err
    assert main(["push", str(tmp_path / "none"), "--repo-id", "a/b", "--dry-run"]) == 1
    assert "does not exist" in capsys.readouterr().err
