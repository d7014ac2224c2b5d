"""align — Russian–English parallel-corpus alignment with translation-divergence scoring.

Pipeline stages, one module each, passing the data model of :mod:`align.model`:
:mod:`align.ingest` → :mod:`align.segment` → :mod:`align.alignment` → :mod:`align.divergence.scorer`
→ :mod:`align.export.write`; :mod:`align.pipeline` runs them all.
"""

from __future__ import annotations

import os as _os

# Match BLAS/OpenMP thread pools to the cores we have before numpy is imported (2 here);
# oversubscribed pools make the encoder ~10x slower. Users can override with the variables.
try:
    _cores = str(max(1, len(_os.sched_getaffinity(0))))
except AttributeError:  # pragma: no cover - not Linux
    _cores = str(_os.cpu_count() or 1)
for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "NUMBA_NUM_THREADS"):
    _os.environ.setdefault(_var, _cores)
_os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
# An idle OpenBLAS thread spins ~0.1 s (2^28 cycles) before it sleeps: between the scorer's
# two-thread products that spinning took 0.73-0.92 CPU s per 6 s of a worker's work (issue 14's
# profile), a core stolen from the other worker. 2^12 cycles: 0.06 s; the same results.
_os.environ.setdefault("OPENBLAS_THREAD_TIMEOUT", "12")

__version__ = "0.1.0"
