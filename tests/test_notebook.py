"""notebooks/explore_dataset.ipynb runs top to bottom on a freshly exported dataset."""

from __future__ import annotations

import pytest
from datasets import load_from_disk

from tests.helpers.notebook_exec import cell_png, cell_text, execute_notebook, tagged_cell

pytest.importorskip("nbclient")
pytest.importorskip("ipykernel")


def test_notebook_executes_and_shows_the_dataset(seed_run):
    nb = execute_notebook(seed_run.out, timeout=300)
    sents = load_from_disk(str(seed_run.out))["sentences"]
    names = sents.features["divergence_label"].names

    counts = cell_text(tagged_cell(nb, "counts"))
    for t in set(sents["alignment_type"]):
        n = sum(1 for x in sents["alignment_type"] if x == t)
        assert any(line.split()[:2] == [t, str(n)] for line in counts.splitlines())

    png = cell_png(tagged_cell(nb, "divergence-plot"))
    assert png.startswith(b"\x89PNG") and len(png) > 5000

    top = cell_text(tagged_cell(nb, "top-divergent"))
    worst = max(sents, key=lambda r: r["divergence_score"])
    assert (
        f"#{worst['bead_id']}] {worst['alignment_type']} {names[worst['divergence_label']]}" in top
    )
    for s in worst["omitted_spans"]:
        assert f"- omitted: {s['text']}" in top
    scores = sorted(sents["divergence_score"], reverse=True)
    cut = scores[9] if len(scores) > 10 else -1.0  # the notebook shows the top 10
    shown = [r for r in sents if r["divergence_score"] > cut]
    assert shown
    for r in shown:
        for s in r["omitted_spans"]:
            assert f"- omitted: {s['text']}" in top
        for s in r["added_spans"]:
            assert f"+ added:   {s['text']}" in top

    per_doc = cell_text(tagged_cell(nb, "per-document"))
    (doc,) = load_from_disk(str(seed_run.out))["documents"]
    assert doc["doc_id"] in per_doc
