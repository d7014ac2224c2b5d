"""The fitted divergence model: one JSON file written by ``scripts/fit_divergence.py``.

``align/divergence/fitted.json`` holds, per part, the feature names with their weights, the bias
and the decision threshold (a probability), with the data each part was fitted on:

* ``bead``: the bead-level logistic over :data:`align.divergence.scorer.FEATURES` (issue 4's
  fit, ``scripts/fit_divergence.py`` without ``--model``), the evidence the other parts build on;
* ``units``: P(a sentence of a bead has no counterpart), :mod:`align.divergence.units`;
* ``score``: P(a bead is divergent) — the ``divergence_score`` (calibrated on the untouched and
  perturbed beads of the real-document benchmark's dev documents, :mod:`align.bench.realdoc`).
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

MODEL_PATH = Path(__file__).with_name("fitted.json")


@cache
def load_model(path: Path = MODEL_PATH) -> dict[str, Any]:
    return json.loads(path.read_text(encoding="utf-8"))


def unit_model():
    from align.divergence.units import UnitModel

    part = load_model()["units"]
    return UnitModel(dict(part["weights"]), float(part["bias"]), float(part["threshold"]))


def fit_logistic(
    x: NDArray[np.float64],
    y: NDArray[np.float64],
    l2: float = 1e-2,
    sample_weight: NDArray[np.float64] | None = None,
    nonneg: NDArray[np.bool_] | None = None,
    steps: int = 3000,
) -> tuple[NDArray[np.float64], float]:
    """Logistic regression by gradient descent on standardised features (L2 on the weights;
    ``nonneg`` marks weights kept >= 0). Returns weights in raw feature units and the bias."""
    mu, sd = x.mean(axis=0), x.std(axis=0) + 1e-9
    z = (x - mu) / sd
    sw = np.ones(len(y)) if sample_weight is None else sample_weight
    sw = sw / sw.sum()
    w = np.zeros(z.shape[1])
    b = float(np.log((y.mean() + 1e-6) / (1 - y.mean() + 1e-6)))
    lr = 1.0
    for _ in range(steps):
        p = 1 / (1 + np.exp(-(z @ w + b)))
        g = z.T @ (sw * (p - y)) + l2 * w
        w = w - lr * g
        if nonneg is not None:
            w = np.where(nonneg, np.maximum(w, 0.0), w)
        b -= lr * float((sw * (p - y)).sum())
    wr = w / sd
    return wr, b - float(wr @ mu)


def write_model(model: dict[str, Any], path: Path = MODEL_PATH) -> None:
    """Write the model file atomically (sorted keys, stable formatting)."""
    tmp = path.with_suffix(".json.tmp")
    tmp.write_text(json.dumps(model, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    tmp.replace(path)
    load_model.cache_clear()


def write_bead_part(
    weights: dict[str, float], bias: float, len_mean: float, fitted_on: str, path: Path = MODEL_PATH
) -> None:
    """Replace the ``bead`` part of the model file, keeping the other parts."""
    model = load_model(path)
    model = {
        **model,
        "bead": {"weights": weights, "bias": bias, "len_mean": len_mean, "fitted_on": fitted_on},
    }
    write_model(model, path)
