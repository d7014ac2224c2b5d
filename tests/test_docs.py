"""The docs show real output: their command examples and the Python API example are re-run."""

from __future__ import annotations

import contextlib
import difflib
import io
import os
import shutil

from datasets import Dataset

from tests.conftest import ROOT
from tests.helpers.doc_examples import prepare_workdir, run_blocks

DOCS = (ROOT / "docs" / "workflow.md", ROOT / "README.md")


def test_console_examples_match_what_the_commands_print(seed_run, tmp_path):
    """Regenerate with `python scripts/make_docs_images.py out/seed --examples`."""
    work = prepare_workdir(tmp_path, seed_run.out, ROOT)
    for path in DOCS:
        text = path.read_text(encoding="utf-8")
        real = run_blocks(text, work)
        diff = "".join(
            difflib.unified_diff(text.splitlines(True), real.splitlines(True), str(path), "real")
        )
        assert real == text, f"{path.name} has drifted from the real output:\n{diff}"
    assert "```console\n$ python -m align export-text" in DOCS[0].read_text(encoding="utf-8")


def test_python_api_example_runs(encoder, tmp_path, monkeypatch):
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Run the pipeline from Python", 1)[1]
    code = section.split("```python\n", 1)[1].split("```", 1)[0]
    shutil.copytree(ROOT / "corpora" / "seed", tmp_path / "corpora" / "seed")
    monkeypatch.chdir(tmp_path)
    scope: dict = {}
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(code, scope)
    result = scope["result"]
    assert os.path.isdir("out/seed-py") and result.out.as_posix() == "out/seed-py"
    (doc,) = result.aligned
    assert out.getvalue().startswith(f"{doc.doc_id} {len(doc.beads)} beads,")
    assert "1-0 omission" in out.getvalue()  # the seed's dropped paragraph
    assert isinstance(scope["beads"], Dataset) and scope["beads"].num_rows == len(doc.beads)
