"""Benchmarks, their data and the fitting of the divergence model — apart from the product.

Nothing in the pipeline imports this package; the CLI's ``eval`` commands and ``scripts/`` do.

* :mod:`align.bench.data` — where the shared reference data is, and the dev/test splits
* :mod:`align.bench.alignment` — alignment against gold beads (Vecalign's strict/lax P/R/F1)
* :mod:`align.bench.ntrex` — the NTREX-derived alignment benchmark (merges, drops)
* :mod:`align.bench.divergence` — DEMETR-ru ranking and the NTREX clause benchmark
* :mod:`align.bench.fit_divergence` — fitting the divergence model on dev data
"""

SYSTEMS = ("ours", "bertalign", "gale-church")  # what `align eval --system` can run
