"""Divergence benchmarks: DEMETR-ru ranking and a clause benchmark derived from NTREX en-ru.

Fixed dev/test split (thresholds and weights are fitted on dev only):

* DEMETR-ru: rows with ``pert_check: true``; dev = ids divisible by 5, test = the rest.
* NTREX: documents in file order (``DOCUMENT_IDS.tsv``); dev = the first 40% of documents,
  test = the rest.
"""

from __future__ import annotations

import json
import random
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from align.bench.data import check_split, ntrex_divergence_split, ntrex_lines, shared_data
from align.divergence.clauses import clauses
from align.divergence.scorer import DivergenceConfig, TextScore, score_texts
from align.encoders import TextEncoder
from align.errors import InputError
from align.model import Span

DEMETR_SETS = {
    "addition": "critical_id6_addition",
    "pp_removed": "major_id5_pp_removed",
    "subj_removed": "critical_id24_subj_removed",
}
SEED = 20251121


# ---------------------------------------------------------------- DEMETR
@dataclass(frozen=True)
class DemetrItem:
    id: int
    set: str
    src: str
    mt: str
    pert: str


def load_demetr(folder: str | Path, split: str) -> list[DemetrItem]:
    check_split(split)
    folder = Path(folder)
    items: list[DemetrItem] = []
    for name, stem in DEMETR_SETS.items():
        path = folder / f"{stem}.jsonl"
        if not path.is_file():
            raise InputError(path, "DEMETR file not found")
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
                if not row["pert_check"]:
                    continue
                if (row["id"] % 5 == 0) != (split == "dev"):
                    continue
                items.append(
                    DemetrItem(row["id"], name, row["src_sent"], row["mt_sent"], row["pert_sent"])
                )
            except (json.JSONDecodeError, KeyError, TypeError) as err:
                raise InputError(path, f"line {n}: not a DEMETR row ({err})") from None
    return items


def demetr_results(
    items: Sequence[DemetrItem], encoder: TextEncoder, cfg: DivergenceConfig | None = None
) -> tuple[list[TextScore], list[TextScore]]:
    """Scores of (src, mt) and (src, pert) for each item."""
    res = score_texts(
        [(it.src, it.mt) for it in items] + [(it.src, it.pert) for it in items], encoder, cfg
    )
    return res[: len(items)], res[len(items) :]


def auc(neg: Sequence[float], pos: Sequence[float]) -> float:
    """Probability that a positive scores above a negative (ties count half)."""
    n, p = np.asarray(neg, dtype=float), np.asarray(pos, dtype=float)
    if not len(n) or not len(p):
        return float("nan")
    gt = (p[:, None] > n[None, :]).mean()
    eq = (p[:, None] == n[None, :]).mean()
    return float(gt + 0.5 * eq)


def demetr_metrics(
    items: Sequence[DemetrItem], mt: Sequence[TextScore], pert: Sequence[TextScore]
) -> dict[str, dict[str, float]]:
    """Per set: ranking accuracy (mt strictly less divergent than pert), detection AUC, n."""
    out: dict[str, dict[str, float]] = {}
    for name in DEMETR_SETS:
        idx = [i for i, it in enumerate(items) if it.set == name]
        m = [mt[i].score for i in idx]
        p = [pert[i].score for i in idx]
        out[name] = {
            "n": len(idx),
            "ranking_acc": float(np.mean([a < b for a, b in zip(m, p, strict=True)]))
            if idx
            else float("nan"),
            "auc": auc(m, p),
        }
    return out


# ---------------------------------------------------------------- NTREX clause benchmark
@dataclass(frozen=True)
class ClauseItem:
    """A Russian/English pair; ``kind`` is clean, addition, omission or drop.

    addition: an English clause from another document inserted into the English (gold span in
    ``en``); omission: a Russian clause from another document inserted into the Russian, i.e.
    the English lacks it (gold span in ``ru``); drop: one clause removed from the English (the
    Russian counterpart is not marked, so it counts for detection only; ``gold`` is None).
    """

    doc: str
    line: int
    kind: str
    ru: str
    en: str
    gold: Span | None


def _insert(text: str, lang: str, piece: str, rng: random.Random) -> tuple[str, Span]:
    """Insert ``piece`` as a clause at a clause boundary of ``text``; return text and span."""
    cl = clauses(text, 3, lang)
    bounds = [c.end for c in cl]  # insert after a clause
    at = rng.choice(bounds)
    if piece[:1].isupper() and piece[1:2].islower():
        piece = piece[0].lower() + piece[1:]
    before, after = text[:at], text[at:]
    new = f"{before}, {piece}"
    span = Span(piece, len(before) + 2, len(before) + 2 + len(piece))
    sep = "" if not after or after[0] in ",.;:!?" else ","
    return new + sep + after, span


def _drop_clause(text: str, rng: random.Random) -> str | None:
    """``text`` with one clause (not the first, 4+ words, at most half the words, no quotes
    around it) removed; None when it has no such clause."""
    cl = clauses(text, 3, "en")
    n = len(text.split())
    ok = [
        c
        for c in cl[1:]
        if 4 <= len(c.text.split()) <= n // 2
        and not re.search(r"[\"“”'‘’]", text[max(0, c.start - 2) : c.end + 2])
    ]
    if not ok:
        return None
    c = rng.choice(ok)
    before, after = text[: c.start].rstrip(" ,;:-–—"), text[c.end :].lstrip(" ,;:")
    if after and after[0] not in ".!?":
        after = ", " + after if before else after
    return (before + after).strip()


def build_ntrex_bench(folder: str | Path, split: str, n_pairs: int = 200) -> list[ClauseItem]:
    """Deterministic clause benchmark: per sampled pair a clean copy and one perturbed copy."""
    check_split(split)
    ru, en, ids = ntrex_lines(Path(folder))
    keep = ntrex_divergence_split(ids, split)
    lines = [
        i for i in range(len(en)) if ids[i] in keep and len(en[i].split()) >= 8 and ru[i].strip()
    ]
    rng = random.Random(f"{SEED}-{split}")
    chosen = sorted(rng.sample(lines, min(n_pairs, len(lines))))
    # clause donors: clauses of other documents in the same split
    kinds = ("addition", "omission", "drop")
    items: list[ClauseItem] = []
    for k, i in enumerate(chosen):
        kind = kinds[k % 3]
        items.append(ClauseItem(ids[i], i, "clean", ru[i], en[i], None))
        if kind == "drop":
            text = _drop_clause(en[i], rng)
            if text is None:
                kind = "addition"
            else:
                items.append(ClauseItem(ids[i], i, "drop", ru[i], text, None))
                continue
        lang = "en" if kind == "addition" else "ru"
        side = en if lang == "en" else ru
        while True:
            j = rng.choice(lines)
            if ids[j] != ids[i]:
                donor = [c for c in clauses(side[j], 3, lang) if len(c.text.split()) >= 4]
                if donor:
                    break
        piece = rng.choice(donor).text
        new, span = _insert(side[i], lang, piece, rng)
        if lang == "en":
            items.append(ClauseItem(ids[i], i, "addition", ru[i], new, span))
        else:
            items.append(ClauseItem(ids[i], i, "omission", new, en[i], span))
    return items


# ---------------------------------------------------------------- word-level ranking pairs
# DEMETR-style perturbations of NTREX English sentences (a larger ranking set for fitting):
# an added modifier, a removed prepositional phrase, a removed subject word.
_MODIFIERS = (
    "very",
    "new",
    "old",
    "large",
    "small",
    "major",
    "local",
    "national",
    "foreign",
    "former",
    "senior",
    "early",
    "recent",
    "possibly",
    "reportedly",
    "nearly",
    "certain",
    "several",
    "other",
    "main",
    "key",
    "young",
    "strong",
    "private",
    "public",
    "secret",
    "official",
    "famous",
    "rare",
    "entire",
    "serious",
    "total",
    "second",
    "whole",
    "popular",
    "rural",
)
_DETERMINERS = re.compile(r"\b(?:the|a|an|its|their|his|her|this|these)\s+(?=[a-z])")
_PP = re.compile(
    r"\s(?:in|on|at|from|with|for|during|over|after|before|near|under|about|into|across|"
    r"between|against|through|since)\s+(?:the\s+|a\s+|an\s+)?[\w'’-]+(?:\s+[\w'’-]+){0,2}"
    r"(?=[,.;:!?]|$)"
)
_SUBJECT = re.compile(
    r"^(?P<det>The|A|An|This|His|Her|Their|Its)\s+(?P<noun>[a-z][\w-]+)(?=\s+[a-z])"
    r"|(?P<name>(?:[A-Z][a-z]+\s+){0,2}[A-Z][a-z]+)(?=\s+(?:said|says|told|added|stated))"
)


@dataclass(frozen=True)
class WordPair:
    """An English sentence and a copy with one word-level perturbation, for the same Russian."""

    kind: str  # word_added, pp_dropped, subject_dropped
    ru: str
    en: str
    pert: str


def _perturb_words(en: str, kind: str, rng: random.Random) -> str | None:
    if kind == "word_added":
        spots = [m.end() for m in _DETERMINERS.finditer(en)]
        if not spots:
            return None
        at = rng.choice(spots)
        return f"{en[:at]}{rng.choice(_MODIFIERS)} {en[at:]}"
    if kind == "pp_dropped":
        found = list(_PP.finditer(en))
        if not found:
            return None
        m = rng.choice(found)
        return en[: m.start()] + en[m.end() :]
    m = _SUBJECT.search(en)
    if m is None:
        return None
    if m.group("noun"):
        return en[: m.start("noun")].rstrip() + en[m.end("noun") :]
    return (en[: m.start("name")] + en[m.end("name") :].lstrip()).strip()


def build_word_pairs(folder: str | Path, split: str, n_pairs: int = 300) -> list[WordPair]:
    """Deterministic word-level ranking pairs from the NTREX documents of ``split``."""
    check_split(split)
    ru, en, ids = ntrex_lines(Path(folder))
    keep = ntrex_divergence_split(ids, split)
    lines = [i for i in range(len(en)) if ids[i] in keep and len(en[i].split()) >= 6]
    rng = random.Random(f"{SEED}-words-{split}")
    rng.shuffle(lines)
    kinds = ("word_added", "pp_dropped", "subject_dropped")
    out: list[WordPair] = []
    want = {k: n_pairs // 3 for k in kinds}
    for i in lines:
        for kind in kinds:
            if want[kind] and (pert := _perturb_words(en[i], kind, rng)) and pert != en[i]:
                out.append(WordPair(kind, ru[i], en[i], pert))
                want[kind] -= 1
                break
    return out


def _overlap(spans: Sequence[Span], gold: Span) -> int:
    return sum(max(0, min(s.end, gold.end) - max(s.start, gold.start)) for s in spans)


def clause_metrics(items: Sequence[ClauseItem], res: Sequence[TextScore]) -> dict[str, float]:
    """Detection P/R/F1 and span F1 per kind (addition, omission), false-alarm rate on clean."""
    out: dict[str, float] = {}
    for kind, gold_kinds in (("addition", {"addition"}), ("omission", {"omission", "drop"})):
        gold = np.array([it.kind in gold_kinds for it in items])
        pred = np.array([kind in r.label for r in res])
        tp = int((gold & pred).sum())
        p = tp / max(1, int(pred.sum()))
        r = tp / max(1, int(gold.sum()))
        out[f"{kind}_P"], out[f"{kind}_R"] = p, r
        out[f"{kind}_F1"] = 2 * p * r / (p + r) if p + r else 0.0
        # span overlap (characters), micro-averaged over the items with a gold span
        ov = pl = gl = 0
        for it, rr in zip(items, res, strict=True):
            if it.kind != kind or it.gold is None:
                continue
            spans = rr.added if kind == "addition" else rr.omitted
            ov += _overlap(spans, it.gold)
            pl += sum(s.end - s.start for s in spans)
            gl += it.gold.end - it.gold.start
        sp, sr = ov / max(1, pl), ov / max(1, gl)
        out[f"{kind}_span_F1"] = 2 * sp * sr / (sp + sr) if sp + sr else 0.0
    for kind in ("addition", "omission", "drop"):  # recall per perturbation kind
        hits = [
            ("addition" if kind == "addition" else "omission") in r.label
            for it, r in zip(items, res, strict=True)
            if it.kind == kind
        ]
        out[f"recall_{kind}"] = float(np.mean(hits)) if hits else float("nan")
    clean = [r for it, r in zip(items, res, strict=True) if it.kind == "clean"]
    out["false_alarm"] = float(np.mean([r.label != "equivalent" for r in clean])) if clean else 0.0
    out["n"] = len(items)
    return out


def ntrex_results(
    items: Sequence[ClauseItem], encoder: TextEncoder, cfg: DivergenceConfig | None = None
) -> list[TextScore]:
    return score_texts([(it.ru, it.en) for it in items], encoder, cfg)


# ---------------------------------------------------------------- the evaluation as one call
def _chunked(
    pairs: Sequence[tuple[str, str]],
    encoder: TextEncoder,
    cfg: DivergenceConfig | None,
    desc: str,
    progress: bool,
    size: int = 64,
) -> list[TextScore]:
    from align.progress import progress_bar

    out: list[TextScore] = []
    for i in progress_bar(range(0, len(pairs), size), show=progress, desc=desc, unit="batch"):
        out += score_texts(pairs[i : i + size], encoder, cfg)
    return out


def evaluate_divergence(
    encoder: TextEncoder,
    split: str,
    *,
    cfg: DivergenceConfig | None = None,
    data: Path | None = None,
    n_pairs: int = 300,
    demetr_limit: int | None = None,
    progress: bool = True,
) -> dict[str, object]:
    """Both benchmarks on one split: DEMETR-ru per-set ranking accuracy/AUC, NTREX clause metrics
    and the scorer's cost (seconds per scored pair, embedding included)."""
    import time

    check_split(split)
    data = data or shared_data()
    items = load_demetr(data / "demetr-ru", split)
    if demetr_limit is not None:  # the first N items of each set (for quick checks)
        items = [
            it for name in DEMETR_SETS for it in [x for x in items if x.set == name][:demetr_limit]
        ]
    bench = build_ntrex_bench(data / "ntrex-enru", split, n_pairs)
    t0 = time.perf_counter()
    pairs = [(it.src, it.mt) for it in items] + [(it.src, it.pert) for it in items]
    res = _chunked(pairs, encoder, cfg, f"DEMETR-ru {split}", progress)
    demetr = demetr_metrics(items, res[: len(items)], res[len(items) :])
    nres = _chunked([(b.ru, b.en) for b in bench], encoder, cfg, f"NTREX clauses {split}", progress)
    secs = time.perf_counter() - t0
    wp = build_word_pairs(data / "ntrex-enru", split, n_pairs)
    wres = _chunked(
        [(p.ru, p.en) for p in wp] + [(p.ru, p.pert) for p in wp],
        encoder,
        cfg,
        f"NTREX word pairs {split}",
        progress,
    )
    words_acc = {
        kind: float(
            np.mean(
                [
                    wres[len(wp) + i].score > wres[i].score
                    for i, p in enumerate(wp)
                    if p.kind == kind
                ]
            )
        )
        for kind in dict.fromkeys(p.kind for p in wp)
    }
    return {
        "split": split,
        "demetr": demetr,
        "ntrex": clause_metrics(bench, nres),
        "ntrex_words": words_acc,
        "pairs_scored": len(pairs) + len(bench),
        "ms_per_pair": 1000 * secs / max(1, len(pairs) + len(bench)),
    }


def format_results(results: dict[str, dict[str, object]]) -> str:
    """A markdown table: one row per configuration."""
    head = (
        "| config | DEMETR add | DEMETR pp | DEMETR subj | AUC add/pp/subj | NTREX add F1 | "
        "om F1 | recall ins/drop | add span F1 | om span F1 | false alarm | "
        "NTREX word pairs add/pp/subj | ms/pair |\n"
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|\n"
    )
    rows = []
    nan = float("nan")
    for name, r in results.items():
        d = r["demetr"]
        n = r["ntrex"]
        w = r.get("ntrex_words", {})
        assert isinstance(d, dict) and isinstance(n, dict) and isinstance(w, dict)
        rows.append(
            f"| {name} | {d['addition']['ranking_acc']:.3f} | {d['pp_removed']['ranking_acc']:.3f} | "
            f"{d['subj_removed']['ranking_acc']:.3f} | "
            f"{d['addition']['auc']:.2f}/{d['pp_removed']['auc']:.2f}/{d['subj_removed']['auc']:.2f} | "
            f"{n['addition_F1']:.3f} | {n['omission_F1']:.3f} | "
            f"{n['recall_omission']:.2f}/{n['recall_drop']:.2f} | {n['addition_span_F1']:.3f} | "
            f"{n['omission_span_F1']:.3f} | {n['false_alarm']:.1%} | "
            f"{w.get('word_added', nan):.3f}/{w.get('pp_dropped', nan):.3f}/"
            f"{w.get('subject_dropped', nan):.3f} | {r['ms_per_pair']:.1f} |"
        )
    return head + "\n".join(rows)
