"""Score machine translations of the Russian side against the aligned English with sacrebleu.

The hypothesis file has one English MT output per line, one line per bead with text on both
sides, in the row order of the ``sentences`` config — exactly the lines of ``PREFIX.ru`` written
by ``align export-text OUT --out PREFIX`` (no filters). Scores (BLEU, chrF, TER, with their
sacrebleu signatures) are given overall and per divergence label: where the English reference
omits or adds content, a faithful MT is penalised for the reference's divergence, so the
``equivalent`` group is the fair test set and the gap to ``all`` shows the distortion.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from pathlib import Path

from sacrebleu.metrics import BLEU, CHRF, TER

from align.errors import InputError
from align.export.read import Exported

METRICS = ("BLEU", "chrF", "TER")


@dataclass(frozen=True)
class GroupScores:
    group: str
    n: int
    bleu: float
    chrf: float
    ter: float


@dataclass
class MTEvalResult:
    groups: list[GroupScores]
    signatures: dict[str, str] = field(default_factory=dict)

    def group(self, name: str) -> GroupScores:
        return next(g for g in self.groups if g.group == name)


def read_hypotheses(path: str | Path, expected: int) -> list[str]:
    """One hypothesis per line (``-``: stdin); a count other than ``expected`` is an
    :class:`InputError`."""
    p = Path(path)
    if str(path) == "-":  # stdin
        p, data = Path("<stdin>"), sys.stdin.buffer.read()
    elif not p.is_file():
        raise InputError(p, "does not exist" if not p.exists() else "is not a file")
    else:
        data = p.read_bytes()
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as err:
        raise InputError(p, f"not valid UTF-8 (byte {err.start})") from err
    if text.endswith("\n"):
        text = text[:-1]
    lines = [ln.rstrip("\r") for ln in text.split("\n")] if text else []
    if len(lines) != expected:
        raise InputError(
            p,
            f"has {len(lines)} lines, expected {expected} (one per bead with text on both "
            "sides, in the order of the sentences config; `align export-text OUT --out PREFIX` "
            "writes the Russian side in that order to PREFIX.ru)",
        )
    return lines


def _score(name: str, hyps: list[str], refs: list[str]) -> tuple[GroupScores, dict[str, str]]:
    metrics = {"BLEU": BLEU(), "chrF": CHRF(), "TER": TER()}
    values = {k: m.corpus_score(hyps, [refs]).score for k, m in metrics.items()}
    sigs = {k: str(m.get_signature()) for k, m in metrics.items()}
    return GroupScores(name, len(hyps), values["BLEU"], values["chrF"], values["TER"]), sigs


def score_groups(
    hyps: list[str], refs: list[str], groups: list[tuple[str, list[int]]]
) -> MTEvalResult:
    """Corpus-level BLEU, chrF and TER of each named group of line indices (empty ones skipped)."""
    result = MTEvalResult(groups=[])
    for name, idx in groups:
        if not idx:
            continue
        scores, sigs = _score(name, [hyps[i] for i in idx], [refs[i] for i in idx])
        result.groups.append(scores)
        result.signatures = sigs
    return result


def score_mt(data: Exported, hyps: list[str]) -> MTEvalResult:
    """Corpus-level scores for all pairs, the divergent ones, and each divergence label."""
    rows = list(data.pairs())
    if len(rows) != len(hyps):
        raise ValueError(f"{len(hyps)} hypotheses for {len(rows)} pairs")
    refs = [r["translation"]["en"] for r in rows]
    labels = [data.label(r) for r in rows]
    groups: list[tuple[str, list[int]]] = [("all", list(range(len(rows))))]
    groups.append(("divergent", [i for i, lab in enumerate(labels) if lab != "equivalent"]))
    groups += [(lab, [i for i, x in enumerate(labels) if x == lab]) for lab in data.label_names]
    return score_groups(hyps, refs, groups)


def format_result(result: MTEvalResult, baseline: str = "equivalent") -> str:
    """A plain-text table plus the signatures and the gap between ``all`` and ``baseline``."""
    lines = [f"{'group':<20} {'pairs':>5} {'BLEU':>7} {'chrF':>7} {'TER':>7}"]
    lines += [
        f"{g.group:<20} {g.n:>5} {g.bleu:>7.2f} {g.chrf:>7.2f} {g.ter:>7.2f}" for g in result.groups
    ]
    names = {g.group for g in result.groups}
    if {"all", baseline} <= names:
        a, e = result.group("all"), result.group(baseline)
        lines.append(
            f"divergent references change the scores by BLEU {a.bleu - e.bleu:+.2f}, "
            f"chrF {a.chrf - e.chrf:+.2f}, TER {a.ter - e.ter:+.2f} (all vs {baseline} only; "
            "TER: lower is better)"
        )
    lines += [f"{k} signature: {v}" for k, v in result.signatures.items()]
    return "\n".join(lines)
