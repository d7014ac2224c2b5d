"""The last step of scoring: whole-sentence units, the calibrated score, and the label.

1. Sentences without a counterpart (:mod:`align.divergence.units`) are joined to the clause spans.
2. ``rank = w_r . f + b_r``: the model file's ``rank`` part, non-negative weights over the
   scorer's features fitted with a ranking loss (pairs of a faithful and a perturbed
   translation of one source) plus a pointwise loss; it orders beads by how much they diverge.
   ``divergence_score = sigmoid(w_s . g + b_s)`` over ``g`` = ``rank`` and the decision
   features (sentence units, flagged spans, uncovered word runs): the ``score`` part, fitted on
   the beads of the real-document benchmark's dev documents run through the whole pipeline
   (most of them untouched, i.e. natural translation), so the score is calibrated there: the
   probability that the bead is divergent.
3. The label agrees with the score: a bead is ``equivalent`` exactly when its score is at most
   the model's ``threshold`` (0.5; spans are then dropped); above it, the label follows the
   spans, and a divergent bead without any clause or sentence span gets the run of words with
   the least word-level coverage on its stronger side (:func:`uncovered_run`).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np

from align.divergence.coverage import Coverage
from align.encoders import TextEncoder
from align.model import Span

if TYPE_CHECKING:
    from align.divergence import DivergenceConfig, TextScore
    from align.divergence.lexical import Lexicon

OMIT_SIDE = (
    "omit_clause",
    "omit_word_gain",
    "omit_word_sum",
    "len_short",
    "anchor_omit",
    "omit_cov",
    "unit_omit",
    "span_omit",
    "run_ru",
)
ADD_SIDE = (
    "add_clause",
    "add_word_gain",
    "add_word_sum",
    "len_long",
    "anchor_add",
    "add_cov",
    "unit_add",
)


def finish(
    pairs: Sequence[tuple[str, str]],
    results: list[TextScore],
    encoder: TextEncoder,
    cfg: DivergenceConfig,
    layouts: Sequence[tuple[list[Span], list[Span]]] | None,
) -> list[TextScore]:
    """Units, calibrated score and label for every scored pair (in place; returns the list)."""
    from align.divergence.fitted import load_model, unit_model
    from align.divergence.scorer import label_for
    from align.divergence.units import decide, merge_spans, sentence_layout, unit_features

    both = [i for i, r in enumerate(results) if r.coverage is not None or r.features]
    clause_part = load_model().get("clauses") if cfg.clause_model else None
    if clause_part is not None:
        for i in both:
            res = results[i]
            res.omitted, res.features["clause_omit"] = model_clauses(
                res.clause_rows.get("ru", []), clause_part
            )
            res.added, res.features["clause_add"] = model_clauses(
                res.clause_rows.get("en", []), clause_part
            )
            res.label = label_for(res.omitted, res.added)
    if cfg.use_units and both:
        sub = [pairs[i] for i in both]
        lays = (
            [layouts[i] for i in both]
            if layouts is not None
            else [(sentence_layout(ru, "ru"), sentence_layout(en, "en")) for ru, en in sub]
        )
        rows = unit_features(sub, lays, encoder, [results[i].coverage for i in both])
        for i, (ru, en), unit in zip(both, sub, decide(rows, unit_model()), strict=True):
            res = results[i]
            res.features["unit_omit"] = unit.omit_p
            res.features["unit_add"] = unit.add_p
            res.omitted = merge_spans(ru, res.omitted, unit.omitted)
            res.added = merge_spans(en, res.added, unit.added)
            res.label = label_for(res.omitted, res.added)
    if cfg.use_lexical and both:
        add_lexical([pairs[i] for i in both], [results[i] for i in both], encoder)
    word_part = load_model().get("words") if cfg.word_model else None
    if word_part is not None:
        for i in both:
            res, (ru, en) = results[i], pairs[i]
            om, res.features["word_omit"] = model_clauses(
                word_runs(res, ru, "ru"), word_part, WORD_FEATURES
            )
            ad, res.features["word_add"] = model_clauses(
                word_runs(res, en, "en"), word_part, WORD_FEATURES
            )
            res.omitted = merge_spans(ru, res.omitted, om)
            res.added = merge_spans(en, res.added, ad)
            res.label = label_for(res.omitted, res.added)
    for i in both:
        res, (ru, en) = results[i], pairs[i]
        res.features["span_omit"] = float(bool(res.omitted))
        res.features["span_add"] = float(bool(res.added))
        for lang, text in (("ru", ru), ("en", en)):
            run = uncovered_run(res.coverage, text, lang)
            res.features[f"run_{lang}"] = run[1] if run is not None else 0.0
    part = load_model().get("score") if cfg.calibrated else None
    if part is None:
        return results
    rank = load_model()["rank"]
    w, b = part["weights"], float(part["bias"])
    c1, c0 = (float(x) for x in part.get("calibration", (1.0, 0.0)))
    word_thr = float(word_part["threshold"]) if word_part is not None else 1.0
    tau = float(part.get("label_probability", 0.5))
    for i in both:
        res = results[i]
        res.features["rank"] = _linear(rank["weights"], float(rank["bias"]), res.features)
        p_or = combined_probability(res.features, _linear(w, b, res.features), word_thr)
        res.score = round(calibrate(p_or, c1, c0), 6)
        ru, en = pairs[i]
        if p_or <= tau:
            res.omitted, res.added = [], []
        elif not res.omitted and not res.added:
            rw = {**rank["weights"], **w}
            om = sum(float(rw.get(k, 0.0)) * res.features.get(k, 0.0) for k in OMIT_SIDE)
            ad = sum(float(rw.get(k, 0.0)) * res.features.get(k, 0.0) for k in ADD_SIDE)
            lang = "ru" if om >= ad else "en"
            run = uncovered_run(res.coverage, ru if lang == "ru" else en, lang)
            if run is not None:
                if lang == "ru":
                    res.omitted = [run[0]]
                else:
                    res.added = [run[0]]
            else:  # no word-level evidence: the whole stronger side
                text = ru if lang == "ru" else en
                whole = [Span(text, 0, len(text))]
                res.omitted, res.added = (whole, []) if lang == "ru" else ([], whole)
        res.label = label_for(res.omitted, res.added)
    return results


CLAUSE_FEATURES = (
    "best",  # highest cosine against the other side's clauses, runs of clauses and whole text
    "gain",  # cosine gain of the pair when the clause is left out
    "uncovered",  # weighted share of its words without a counterpart (align.divergence.coverage)
    "anchors",  # 1: all its numbers / Latin tokens / names occur on the other side; 0: not; 0.5: none
    "word_gain",  # summed positive word-deletion gains of its words
    "log_words",
    "share",  # its share of its side's words
    "is_en",
    "single",  # 1 when it is the only clause of its side
    "cos",  # the pair's cosine
)


def model_clauses(
    rows: Sequence[tuple[Span, tuple[float, ...]]],
    part: dict,
    names: Sequence[str] = CLAUSE_FEATURES,
) -> tuple[list[Span], float]:
    """The spans whose P(no counterpart) under a part of the model file (``clauses`` or
    ``words``) exceeds its threshold, and the highest probability (0 without candidates)."""
    if not rows:
        return [], 0.0
    w = np.array([float(part["weights"].get(k, 0.0)) for k in names])
    x = np.array([f for _, f in rows])
    p = 1.0 / (1.0 + np.exp(-(x @ w + float(part["bias"]))))
    flagged = [c for (c, _), pk in zip(rows, p, strict=True) if pk > float(part["threshold"])]
    return flagged, float(p.max())


WORD_FEATURES = (
    "mass",  # summed uncovered weight of the run's words (align.divergence.coverage)
    "mean_uncovered",  # its mean uncovered share
    "log_words",  # log(1 + words in the run)
    "gain",  # summed positive word-deletion gains of its words
    "max_gain",
    "capital",  # 1 when a word of the run is capitalised (not sentence-initial): a name
    "digit",  # 1 when a word of the run has a digit
    "side_mass",  # the side's whole uncovered mass (omit_cov / add_cov)
    "cos",  # the pair's cosine
    "is_en",
    "lex_max",  # highest lexicon P(no counterpart) of its content words (align.divergence.lexical)
    "lex_mean",  # their mean
    "lex_side_mass",  # the lexicon's uncovered mass of the whole side
)


def add_lexical(
    pairs: Sequence[tuple[str, str]],
    results: Sequence[TextScore],
    encoder: TextEncoder,
    lexicon: Lexicon | None = None,
) -> None:
    """The lexicon's word matching (:mod:`align.divergence.lexical`) on every pair: its
    bead-level features (``lex_*``) and the match itself (word candidates). ``lexicon``: the
    shipped table by default; a fit on dev text should pass a table that has not seen that text
    (:func:`align.bench.lexicon_train.held_out_lexicons`: the shipped one was trained on it)."""
    from align.divergence.coverage import word_vectors
    from align.divergence.lexical import Lexicon, word_alignment

    lex = lexicon or Lexicon.load()
    vecs = word_vectors(encoder, pairs)
    for (ru, en), res in zip(pairs, results, strict=True):
        res.lexical = word_alignment(ru, en, lex, vecs)
        res.features.update(res.lexical.features())


def word_runs(
    res: TextScore, text: str, lang: str, min_unc: float = 0.5
) -> list[tuple[Span, tuple[float, ...]]]:
    """Candidate word/phrase spans of one side, with the word model's features: maximal runs
    of words without a counterpart in the embedding coverage (uncovered share >= ``min_unc``;
    function words inside a run, not at its edges), and the lexicon's phrases without a
    counterpart (:mod:`align.divergence.lexical`, when it ran)."""
    cov = res.coverage
    if cov is None:
        return []
    ws, c, wt = (
        (cov.ru_words, cov.ru_cov, cov.ru_weight)
        if lang == "ru"
        else (cov.en_words, cov.en_cov, cov.en_weight)
    )
    unc = 1.0 - np.asarray(c)
    spans: dict[tuple[int, int], None] = {}
    k = 0
    while k < len(ws):
        if unc[k] < min_unc or wt[k] < 1.0:
            k += 1
            continue
        j = k
        while j + 1 < len(ws) and unc[j + 1] >= min_unc:
            j += 1
        while j > k and wt[j] < 1.0:
            j -= 1
        spans[(ws[k].start, ws[j].end)] = None
        k = j + 1
    lex = res.lexical
    if lex is not None:
        for sp in lex.omitted_spans() if lang == "ru" else lex.added_spans():
            spans[(sp.start, sp.end)] = None
    return [(Span(text[a:e], a, e), _run_features(res, text, lang, a, e)) for a, e in sorted(spans)]


def _run_features(res: TextScore, text: str, lang: str, a: int, e: int) -> tuple[float, ...]:
    from align.divergence.clauses import words

    cov = res.coverage
    assert cov is not None
    ws, c, wt = (
        (cov.ru_words, cov.ru_cov, cov.ru_weight)
        if lang == "ru"
        else (cov.en_words, cov.en_cov, cov.en_weight)
    )
    inside = [k for k, w in enumerate(ws) if a <= w.start < e]
    unc = 1.0 - np.asarray(c)[inside] if inside else np.zeros(1)
    wts = np.asarray(wt)[inside] if inside else np.zeros(1)
    gains = res.word_gains.get(lang, np.zeros(0))
    g = [0.0]
    if len(gains):
        g = [
            max(0.0, float(x)) for w, x in zip(words(text), gains, strict=False) if a <= w.start < e
        ]
        g = g or [0.0]
    run = [w for w in words(text) if a <= w.start < e]
    lex_p = [0.0]
    if res.lexical is not None:
        lw = res.lexical.ru if lang == "ru" else res.lexical.en
        lex_p = [w.p_unmatched for w in lw if w.content and a <= w.span.start < e] or [0.0]
    return (
        float((wts * unc).sum()),
        float(unc.mean()),
        math.log1p(len(run)),
        float(sum(g)),
        float(max(g)),
        float(any(w.text[:1].isupper() and w.start > 0 for w in run)),
        float(any(ch.isdigit() for w in run for ch in w.text)),
        res.features.get("omit_cov" if lang == "ru" else "add_cov", 0.0),
        res.similarity,
        float(lang == "en"),
        float(max(lex_p)),
        float(np.mean(lex_p)),
        res.features.get(f"lex_{lang}_mass", 0.0),
    )


SPAN_PROBS = ("clause_omit", "clause_add", "unit_omit", "unit_add")
WORD_PROBS = ("word_omit", "word_add")


def combined_probability(feats: dict[str, float], z_rest: float, word_thr: float) -> float:
    """P(divergent) before calibration: the noisy-OR of the bead-level model
    (``sigmoid(z_rest)``) and the highest span probability of every span model (clauses,
    sentences; words only above their own threshold). A span flagged at probability > 0.5
    therefore always makes the bead divergent: label and score cannot disagree."""
    keep = 1.0 / (1.0 + math.exp(z_rest))  # 1 - sigmoid(z_rest)
    for k in SPAN_PROBS:
        keep *= 1.0 - feats.get(k, 0.0)
    for k in WORD_PROBS:
        p = feats.get(k, 0.0)
        keep *= 1.0 - (p if p > word_thr else 0.0)
    return 1.0 - keep


def calibrate(p: float, c1: float, c0: float) -> float:
    """Platt calibration on the logit of ``p`` (fitted on dev beads); monotone, so the label
    threshold p = 0.5 becomes ``sigmoid(c0)`` on the calibrated scale."""
    p = min(max(p, 1e-9), 1 - 1e-9)
    return 1.0 / (1.0 + math.exp(-(c1 * math.log(p / (1 - p)) + c0)))


def _linear(weights: dict[str, float], bias: float, feats: dict[str, float]) -> float:
    return bias + sum(float(v) * feats.get(k, 0.0) for k, v in weights.items())


def uncovered_run(
    cov: Coverage | None, text: str, lang: str, min_unc: float = 0.5
) -> tuple[Span, float] | None:
    """The run of consecutive words with no counterpart (uncovered share >= ``min_unc``) that
    carries the most uncovered weight, and that weight; function words may sit inside a run,
    not at its edges."""
    if cov is None:
        return None
    ws, c, wt = (
        (cov.ru_words, cov.ru_cov, cov.ru_weight)
        if lang == "ru"
        else (cov.en_words, cov.en_cov, cov.en_weight)
    )
    unc = wt * (1.0 - np.asarray(c))
    best: tuple[float, int, int] | None = None
    k = 0
    while k < len(ws):
        if 1.0 - c[k] < min_unc or wt[k] < 1.0:
            k += 1
            continue
        j = k
        while j + 1 < len(ws) and 1.0 - c[j + 1] >= min_unc:
            j += 1
        while j > k and wt[j] < 1.0:  # no function word at the end
            j -= 1
        mass = float(unc[k : j + 1].sum())
        if best is None or mass > best[0]:
            best = (mass, k, j)
        k = j + 1
    if best is None:
        return None
    a, e = ws[best[1]].start, ws[best[2]].end
    return Span(text[a:e], a, e), best[0]
