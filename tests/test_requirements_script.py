"""scripts/requirements.py: what the Makefile's light install reads."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

SCRIPT = Path(__file__).resolve().parents[1] / "scripts" / "requirements.py"


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(SCRIPT), *args], capture_output=True, text=True, check=False
    )


def test_light_install_leaves_out_the_no_deps_packages():
    dev = _run("dev").stdout.splitlines()
    no_deps = _run("--no-deps").stdout.splitlines()
    assert no_deps and all(n.lower().startswith("bertalign") for n in no_deps)
    assert not any(r.lower().startswith("bertalign") for r in dev)
    assert any(r.startswith("pytest") for r in dev)  # the dev extra is included


def test_help_and_an_unknown_extra_get_one_clear_answer():
    assert _run("--help").returncode == 0
    bad = _run("nope")
    assert bad.returncode == 2 and "unknown extra 'nope'" in bad.stderr
    assert "Traceback" not in bad.stderr
