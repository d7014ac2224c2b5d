"""Headless Chromium for looking at the HTML report as a person would: DOM and screenshot.

Uses Debian's ``chromium`` (``/usr/bin/chromium``; ``scripts/ensure_chromium.sh`` installs it)
with the flags that keep it off the network, and a fresh profile folder per call.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

from align.errors import AlignError

FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--hide-scrollbars",
)


def find_chromium() -> str | None:
    """Path of a Chromium binary, or ``None``."""
    for name in ("chromium", "chromium-browser", "google-chrome"):
        found = shutil.which(name)
        if found:
            return found
    return "/usr/bin/chromium" if Path("/usr/bin/chromium").is_file() else None


def _run(args: list[str], timeout: float) -> subprocess.CompletedProcess[str]:
    exe = find_chromium()
    if exe is None:
        raise AlignError("chromium: not installed (run scripts/ensure_chromium.sh as root)")
    with tempfile.TemporaryDirectory(prefix="align-chromium-") as profile:
        proc = subprocess.run(
            [exe, *FLAGS, f"--user-data-dir={profile}", *args],
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
    if proc.returncode != 0:
        tail = proc.stderr.strip().splitlines()[-1:] or ["(no output)"]
        raise AlignError(f"chromium: exit code {proc.returncode}: {tail[0]}")
    return proc


def dump_dom(html_file: str | Path, *, timeout: float = 60) -> str:
    """The DOM of the page after it has loaded, serialised by the browser."""
    return _run(["--dump-dom", Path(html_file).resolve().as_uri()], timeout).stdout


def screenshot(
    html_file: str | Path,
    png: str | Path,
    *,
    width: int = 1400,
    height: int = 1800,
    timeout: float = 60,
) -> Path:
    """A PNG of the page's first ``width`` x ``height`` pixels."""
    out = Path(png).resolve()
    out.parent.mkdir(parents=True, exist_ok=True)
    _run(
        [
            f"--window-size={width},{height}",
            f"--screenshot={out}",
            Path(html_file).resolve().as_uri(),
        ],
        timeout,
    )
    if not out.is_file():
        raise AlignError(f"chromium: no screenshot written to {out}")
    return out
