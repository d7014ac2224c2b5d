"""Publish an exported dataset folder to the Hugging Face Hub as a dataset repository.

What is uploaded is the Hub-facing part of the folder: the card ``README.md`` (YAML metadata +
prose) and the parquet files its configs point at. The Arrow copy for ``load_from_disk`` stays
local. Everything short of the network call (the checks and the file list) runs offline.
"""

from __future__ import annotations

import fnmatch
import os
import re
from dataclasses import dataclass
from pathlib import Path

from huggingface_hub import DatasetCard
from huggingface_hub.utils import validate_repo_id

from align.errors import AlignError, InputError

HUB_PATTERNS = ("README.md", "LICENSE.md", "data/*/*.parquet")  # LICENSE.md: when written


@dataclass(frozen=True)
class RepoFile:
    path: str  # relative to the folder, with forward slashes
    size: int


def repo_files(out: str | Path) -> list[RepoFile]:
    """The files that make ``out`` a dataset repository, after checking it is complete.

    The card must parse, declare languages, license and configs, and every config's data files
    must match at least one parquet file in the folder.
    """
    root = Path(out)
    if root.is_symlink():
        raise InputError(root, "is a symbolic link; push a dataset folder itself")
    if not root.is_dir():
        raise InputError(root, "does not exist (create it with `align run CORPUS --out OUT`)")
    readme = root / "README.md"
    if readme.is_symlink():
        raise InputError(readme, "is a symbolic link; push uploads only regular files")
    if not readme.is_file():
        raise InputError(root, "no README.md dataset card (re-export with `align run`)")
    try:
        card = DatasetCard.load(readme)
    except Exception as err:  # the YAML header can fail in several ways
        raise InputError(readme, f"dataset card does not parse: {err}".splitlines()[0]) from err
    meta = card.data.to_dict()
    for key in ("language", "license", "configs", "dataset_info"):
        if not meta.get(key):
            raise InputError(readme, f"dataset card lacks `{key}` in its YAML header")
    license_ = meta["license"]
    if not isinstance(license_, str) or not re.fullmatch(r"[\w.+-]+", license_):
        raise InputError(
            readme, f"`license` must be one licence identifier such as cc-by-4.0, not {license_!r}"
        )
    files = _hub_files(root)
    for config in meta["configs"]:
        for entry in config.get("data_files", []):
            if not any(fnmatch.fnmatch(f, entry["path"]) for f in files):
                raise InputError(
                    root, f"config {config['config_name']!r}: no file matches {entry['path']!r}"
                )
    for f in files:
        if f.endswith(".parquet"):
            _check_parquet(root / f)
    return [RepoFile(f, (root / f).stat().st_size) for f in files]


def _hub_files(root: Path) -> list[str]:
    """The files under ``root`` matching :data:`HUB_PATTERNS`; a symbolic link among them (or
    on the way to them) is refused: only regular files written by align are uploaded."""
    found = []
    for folder, dirs, names in os.walk(root, followlinks=False):
        for name in [*dirs, *names]:
            path = Path(folder) / name
            rel = path.relative_to(root).as_posix()
            wanted = any(fnmatch.fnmatch(rel, pat) for pat in HUB_PATTERNS)
            on_the_way = any(fnmatch.fnmatch(rel, pat.rsplit("/", 1)[0]) for pat in HUB_PATTERNS)
            if path.is_symlink() and (wanted or on_the_way):
                raise InputError(path, "is a symbolic link; push uploads only regular files")
            if wanted and name in names and path.is_file():
                found.append(rel)
    return sorted(found)


def _check_parquet(path: Path) -> None:
    """Read a parquet file through: a truncated or damaged file is refused before upload."""
    import pyarrow.parquet as pq

    try:
        pf = pq.ParquetFile(path)
        for i in range(pf.num_row_groups):
            pf.read_row_group(i)
    except Exception as err:  # pyarrow raises several types for a damaged file
        first = str(err).strip().splitlines()[0] if str(err).strip() else type(err).__name__
        raise InputError(path, f"not a readable parquet file ({first}); re-export it") from None


def repo_url(repo_id: str) -> str:
    from huggingface_hub import constants

    return f"{constants.ENDPOINT}/datasets/{repo_id}"


def push_dataset(
    out: str | Path,
    repo_id: str,
    *,
    private: bool = False,
    token: str | None = None,
    dry_run: bool = False,
) -> list[RepoFile]:
    """Create (or reuse) the dataset repo ``repo_id`` and upload the card and parquet files.

    With ``dry_run`` nothing leaves the machine: the checked file list is returned. Offline
    mode, a missing token and network or Hub errors raise :class:`AlignError` with one line.
    """
    try:
        validate_repo_id(repo_id)
    except Exception as err:
        raise InputError(repo_id, "not a valid repository id (use NAME or OWNER/NAME)") from err
    files = repo_files(out)
    if dry_run:
        return files

    from huggingface_hub import HfApi, constants, get_token

    where = f"push to {repo_url(repo_id)} failed"
    if constants.HF_HUB_OFFLINE:
        raise AlignError(f"{out}: {where}: offline mode is on (HF_HUB_OFFLINE=1); unset it to push")
    token = token or os.environ.get("HF_TOKEN") or get_token()
    if not token:
        raise AlignError(
            f"{out}: {where}: no Hugging Face token (set HF_TOKEN, pass --token, or `hf auth login`)"
        )
    api = HfApi(token=token)
    try:
        api.create_repo(repo_id, repo_type="dataset", private=private, exist_ok=True)
        api.upload_folder(
            repo_id=repo_id,
            repo_type="dataset",
            folder_path=str(out),
            allow_patterns=list(HUB_PATTERNS),
            commit_message="Upload dataset exported by the align toolkit",
        )
    except Exception as err:  # httpx / Hub errors: report one line, never a traceback
        first = str(err).strip().splitlines()[0] if str(err).strip() else ""
        raise AlignError(f"{out}: {where}: {type(err).__name__}: {first}") from err
    return files
