"""Benchmarks, their data and the fitting of the divergence model — apart from the product.

Nothing in the pipeline imports this package; the CLI's ``eval`` commands and ``scripts/`` do.

* :mod:`align.bench.data` — where the shared reference data is, and the dev/test splits
* :mod:`align.bench.alignment` — alignment against gold beads (Vecalign's strict/lax P/R/F1)
* :mod:`align.bench.ntrex` — the NTREX-derived alignment benchmark (merges, drops)
* :mod:`align.bench.generators` — NTREX-derived generators: dev-* to tune, heldout-* to report
* :mod:`align.bench.wmt_alignment` — real ru-en alignment benchmarks from the WMT documents
* :mod:`align.bench.divergence` — DEMETR-ru ranking and the NTREX clause benchmark
* :mod:`align.bench.fit_divergence` — fitting the divergence model on dev data
"""

SYSTEMS = ("default", "bertalign", "cost", "gale-church")  # what `align eval --system` can run
# the real ru-en alignment benchmarks of align.bench.wmt_alignment (named here: that module
# imports the divergence scorer, which `align eval` does not need to start)
WMT_BENCHES = ("wmt-ruen", "wmt-ruen-drops")
