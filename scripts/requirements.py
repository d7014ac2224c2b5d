"""Print the requirements of a light install: the project's dependencies and extras from
pyproject.toml, without the packages installed with ``--no-deps`` (bertalign, whose declared
torch and sentence-transformers the default encoder never loads: ~5 GB of CUDA libraries).

    python scripts/requirements.py dev > requirements.txt    # dependencies + the dev extra

The Makefile installs these, then bertalign and the project itself with ``--no-deps``.
"""

from __future__ import annotations

import re
import sys
import tomllib
from pathlib import Path

PYPROJECT = Path(__file__).resolve().parents[1] / "pyproject.toml"
NO_DEPS = ("bertalign",)  # installed on their own with --no-deps (see the Makefile)


def _project() -> dict:
    """pyproject.toml's [project] table."""
    return tomllib.loads(PYPROJECT.read_text(encoding="utf-8"))["project"]


def requirements(extras: list[str]) -> list[str]:
    project = _project()
    reqs = list(project["dependencies"])
    for extra in extras:
        reqs += project["optional-dependencies"][extra]
    name = re.compile(r"^[A-Za-z0-9_.\-]+")
    return [r for r in reqs if name.match(r) and name.match(r).group().lower() not in NO_DEPS]


def no_deps() -> list[str]:
    """The requirement strings of the packages installed with --no-deps."""
    project = _project()
    return [r for r in project["dependencies"] if r.split(">")[0].split("=")[0] in NO_DEPS]


def main(argv: list[str]) -> int:
    import argparse

    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("extras", nargs="*", help="optional-dependency groups of pyproject.toml")
    ap.add_argument("--no-deps", action="store_true", help="print the --no-deps packages only")
    args = ap.parse_args(argv)
    if args.no_deps:
        print("\n".join(no_deps()))
        return 0
    groups = _project().get("optional-dependencies", {})
    unknown = [e for e in args.extras if e not in groups]
    if unknown:
        ap.error(f"unknown extra {unknown[0]!r} (pyproject.toml: {', '.join(groups)})")
    print("\n".join(requirements(args.extras)))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
