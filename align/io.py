"""Files: bead files in the ``[0]:[0, 1]`` format of Bleualign, Vecalign and Bertalign gold sets,
and safe outputs (docs/reliability.md):

* :func:`check_output_dir` — an output folder may replace only what the tool itself wrote (a
  folder with the :data:`MARKER` file and the tool's layout, or nothing); never the input, a
  folder inside or above it, or a symbolic link; its parent must be writable *before* any
  computation starts;
* :func:`output_lock` — one process at a time replaces a given output; stale temporaries of
  killed runs are removed;
* :func:`atomic_dir` / :func:`atomic_files` — a folder or files replaced only when complete,
  never written through a symbolic link, with the permissions the umask gives.
"""

from __future__ import annotations

import errno
import fcntl
import json
import os
import re
import shutil
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from align.errors import AlignError, InputError

RawBead = tuple[list[int], list[int]]


def format_beads(beads: Sequence[tuple[Sequence[int], Sequence[int]]]) -> str:
    """One bead per line: ``[src ids]:[tgt ids]``."""
    return "".join(f"{[int(i) for i in s]}:{[int(j) for j in t]}\n" for s, t in beads)


def read_beads(path: str | Path) -> list[RawBead]:
    """Read a bead file; a malformed line is an :class:`InputError` naming file and line."""
    from align._bertalign import import_bertalign

    import_bertalign()  # bertalign without torch (see align/_bertalign.py)
    from bertalign.eval import InvalidAlignmentLineError, read_alignments

    p = Path(path)
    if not p.is_file():
        raise InputError(p, "alignment file does not exist")
    try:
        return [(list(s), list(t)) for s, t in read_alignments(p)]
    except InvalidAlignmentLineError as err:
        raise InputError(p, str(err)) from None
    except UnicodeDecodeError:
        raise InputError(p, "not a UTF-8 text file") from None


MARKER = ".align-output"  # written into every output folder the tool creates
# what may sit at the top of an output folder of each kind (anything else is the user's)
DATASET_NAMES = frozenset(
    {MARKER, "README.md", "LICENSE.md", "dataset_dict.json", "sentences", "documents", "data"}
    | {"report.html"}
)
ALIGNMENT_SUFFIXES = (".ru", ".en", ".align")


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def _normal_mode(path: Path, *, folder: bool) -> None:
    """mkdtemp/mkstemp create 0700/0600; give what a plain mkdir/open would (umask)."""
    os.chmod(path, (0o777 if folder else 0o666) & ~_umask())


def _describe(err: OSError) -> str:
    return err.strerror or str(err)


def is_tool_output(path: Path, kind: str) -> bool:
    """True for a folder this tool wrote: ``dataset`` (``align run``) or ``alignments``
    (``align align``). A dataset folder of an earlier version (no marker) is recognised by its
    exact layout."""
    if path.is_symlink() or not path.is_dir():
        return False
    names = {p.name for p in path.iterdir()}
    marker = path / MARKER
    marked = False
    if marker.is_file() and not marker.is_symlink():
        try:
            marked = json.loads(marker.read_text(encoding="utf-8")).get("kind") == kind
        except (OSError, ValueError, AttributeError):
            marked = False
    if kind == "dataset":
        layout = names <= DATASET_NAMES and "dataset_dict.json" in names
        return layout and (marked or {"README.md", "data"} <= names)
    return marked and all(n == MARKER or n.endswith(ALIGNMENT_SUFFIXES) for n in names)


def check_output_dir(
    out: str | Path, *, kind: str, reads: Sequence[str | Path] = (), force: bool = False
) -> Path:
    """Refuse an output folder the tool may not replace; create its parent; check it is writable.

    Refused always: a symbolic link, the input (``reads``), a folder inside or above it.
    Refused unless ``force``: an existing file, or a folder that is not empty and not an
    earlier output of the same ``kind``. Called before any computation.
    """
    path = Path(out)
    if path.is_symlink():
        raise InputError(
            path,
            "output is a symbolic link; choose another --out (links are never written through)",
        )
    target = path.resolve()
    for r in reads:
        src = Path(r).resolve()
        if target == src or src in target.parents:
            raise InputError(
                path, f"output would be inside the input {r}; choose a folder outside it"
            )
        if target in src.parents:
            raise InputError(
                path,
                f"output would replace a folder that contains the input {r}; choose another --out",
            )
    if path.exists() and not force:
        if not path.is_dir():
            raise InputError(
                path,
                "exists and is not a folder written by align; choose another --out (or --force to replace it)",
            )
        if any(path.iterdir()) and not is_tool_output(path, kind):
            raise InputError(
                path,
                f"exists and is not an earlier align output (no {MARKER} file and layout); choose another --out (or --force to replace it)",
            )
    ensure_writable_parent(target)
    return target


def ensure_writable_parent(target: Path) -> None:
    """Create ``target``'s parent folder and check a file can be created in it."""
    parent = target.parent
    try:
        parent.mkdir(parents=True, exist_ok=True)
    except FileExistsError:
        raise InputError(parent, "cannot create the output folder: a file is in the way") from None
    except OSError as err:
        raise InputError(parent, f"cannot create the output folder: {_describe(err)}") from None
    try:
        fd, name = tempfile.mkstemp(prefix=f".{target.name}.probe-", dir=parent)
    except OSError as err:
        raise InputError(parent, f"cannot write here: {_describe(err)}") from None
    os.close(fd)
    os.unlink(name)


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _stale_temporaries(target: Path) -> list[Path]:
    """Temporaries of ``target`` left by killed runs: ``.NAME.tmp-PID-*`` of a process that is
    gone (or of an older version, without a pid) and ``.NAME.old-*`` (only ever present between
    two renames of a run that holds the lock)."""
    pattern = re.compile(rf"\.{re.escape(target.name)}\.(tmp|old)-(?:(\d+)-)?[^/]*")
    out = []
    for p in target.parent.iterdir():
        m = pattern.fullmatch(p.name)
        if not m or p.is_symlink() or not p.is_dir():
            continue
        if m.group(1) == "tmp" and m.group(2) and _pid_alive(int(m.group(2))):
            continue
        out.append(p)
    return out


_HELD: set[Path] = set()  # outputs this process holds the lock of


@contextmanager
def output_lock(out: str | Path) -> Iterator[None]:
    """Hold an exclusive lock on an output path for the block; a second process is refused.

    The lock is ``.NAME.lock`` beside ``out`` (removed at the end). While holding it, stale
    temporaries of ``out`` from killed runs are removed (see :func:`_stale_temporaries`).
    """
    target = Path(out).resolve()
    if target in _HELD:  # this process holds it already (run_corpus, then write_dataset)
        yield
        return
    ensure_writable_parent(target)
    lock = target.parent / f".{target.name}.lock"
    while True:
        fd = os.open(lock, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW, 0o666 & ~_umask())
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as err:
            os.close(fd)
            if err.errno in (errno.EAGAIN, errno.EACCES):
                raise AlignError(
                    f"{out}: another align process is writing this output; wait for it to finish"
                ) from None
            raise
        try:  # the lock file may have been removed by the previous holder: lock the current one
            same = os.fstat(fd).st_ino == os.stat(lock, follow_symlinks=False).st_ino
        except FileNotFoundError:
            same = False
        if same:
            break
        os.close(fd)
    _HELD.add(target)
    try:
        for p in _stale_temporaries(target):
            shutil.rmtree(p, ignore_errors=True)
        yield
    finally:
        _HELD.discard(target)
        lock.unlink(missing_ok=True)
        os.close(fd)


@contextmanager
def atomic_dir(out: str | Path, kind: str | None = None) -> Iterator[Path]:
    """Yield a temporary folder that replaces ``out`` only if the block succeeds.

    The temporary is ``.NAME.tmp-PID-*`` beside ``out`` (so a later run can tell it is stale);
    with ``kind``, it gets the :data:`MARKER` file that lets a later run replace it.
    """
    path = Path(out)
    if path.is_symlink():
        raise InputError(path, "output is a symbolic link; links are never written through")
    target = path.resolve()
    ensure_writable_parent(target)
    tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}.tmp-{os.getpid()}-", dir=target.parent))
    try:
        _normal_mode(tmp, folder=True)
        if kind is not None:
            (tmp / MARKER).write_text(
                json.dumps({"tool": "align", "kind": kind}) + "\n", encoding="utf-8"
            )
        yield tmp
        if target.exists():
            old = Path(tempfile.mkdtemp(prefix=f".{target.name}.old-", dir=target.parent))
            os.replace(target, old / "x")
            os.replace(tmp, target)
            shutil.rmtree(old, ignore_errors=True)
        else:
            os.replace(tmp, target)
    finally:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)


def check_output_file(path: str | Path) -> Path:
    """Refuse an output file path that is a folder or a symbolic link, or whose folder cannot
    be created or written; called before the work (one-line errors, never a traceback)."""
    p = Path(path)
    if p.is_symlink():
        raise InputError(p, "output is a symbolic link; links are never written through")
    if p.is_dir():
        raise InputError(p, "output is a folder; give a file name")
    if p.exists() and not p.is_file():
        raise InputError(p, "output exists and is not a regular file")
    ensure_writable_parent(p.absolute())
    return p


@contextmanager
def atomic_files(*paths: str | Path) -> Iterator[list[Path]]:
    """Yield temporary paths beside ``paths``; they replace them only if the block succeeds.

    A failure leaves the targets as they were (no half-written files, no temporaries). A
    target that is a symbolic link or a folder is refused (:func:`check_output_file`).
    """
    targets = [check_output_file(p).absolute() for p in paths]
    tmps: list[Path] = []
    try:
        for t in targets:
            fd, name = tempfile.mkstemp(prefix=f".{t.name}.", suffix=".tmp", dir=t.parent)
            os.close(fd)
            tmps.append(Path(name))
            _normal_mode(tmps[-1], folder=False)
        yield tmps
        for tmp, t in zip(tmps, targets, strict=True):
            os.replace(tmp, t)
    finally:
        for tmp in tmps:
            tmp.unlink(missing_ok=True)
