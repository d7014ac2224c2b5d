"""Stage 4 — divergence scoring: what the English left out of a bead, and what it added.

Reference-free: only the Russian and the English are used.

Per bead (both sides non-empty):

1. Both sides are split into clauses (:mod:`align.divergence.clauses`, offsets kept).
2. Every text needed for the whole document — the bead sides, their clauses, runs of 2–3
   consecutive clauses, each side with one clause left out — is embedded in ONE
   ``encoder.embed`` call; each side with one word left out (``use_words``) is built from token
   features in one more batched call (:func:`word_deletion_vectors`); comparisons are numpy.
3. A Russian clause is *omitted* when its best cosine against the English (any clause, run of
   clauses or the whole side) stays below ``clause_sim`` AND leaving it out of the Russian
   raises the bead's cosine by more than ``clause_gain`` (``use_deletion``), or when leaving
   out its words one at a time raises the cosine by more than ``clause_word_gain`` in total
   (``use_words``; catches a missing part of a long clause), unless its
   cross-script anchors (numbers, Latin-script tokens, transliterated names) are all found in
   the English (``use_anchors``), or when most of its words have no counterpart in a word-level
   alignment (:mod:`align.divergence.coverage`, ``clause_uncovered``) and leaving it out does not lower the
   bead's cosine. English clauses are *added* by the same test the other way.
4. ``divergence_score`` is a logistic model (weights fitted on the dev portions of the two
   benchmarks by ``scripts/fit_divergence.py``) over: 1 − cosine, the clause evidence, the
   cosine gains from leaving out single words on each side (``use_words``), the length
   ratio's deviation in each direction, chrF between the script-independent material of
   the two sides (numbers, Latin tokens, transliterated capitalised words; ``use_anchor_chrf``),
   and the word-level coverage (``use_coverage``): how much of the Russian has no English
   counterpart in a one-to-one word alignment, how much of the English has none in the Russian.

1-0 beads are omissions of the whole Russian text, 0-1 beads additions of the whole English
(score 1.0). The label follows the spans: omission / addition / omission+addition / equivalent.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import NDArray
from sacrebleu.metrics import CHRF

from align.divergence.clauses import clauses, words
from align.divergence.coverage import FUNCTION_WEIGHT, Coverage, coverage, word_vectors
from align.divergence.lexicon import EN_NON_NAMES, NAME_MATCH, numbers
from align.divergence.translit import is_cyrillic, names_match, translit
from align.encoders import TextEncoder
from align.model import AlignedPair, Bead, DivergenceLabel, Span

if TYPE_CHECKING:
    from align.divergence.units import Layout

_LATIN = re.compile(r"\b[A-Za-z][A-Za-z0-9+\-]*\b")
_CAP_RU = re.compile(r"(?<![.!?]\s)(?<!^)\b[А-ЯЁ][а-яё]{2,}")
_CAP_EN = re.compile(r"\b[A-Z][a-z]{2,}")
_CHRF = CHRF()

FEATURES = (
    "one_minus_cos",
    "omit_clause",
    "add_clause",
    "omit_word_gain",
    "add_word_gain",
    "omit_word_sum",
    "add_word_sum",
    "len_short",
    "len_long",
    "anchor_omit",
    "anchor_add",
    "omit_cov",
    "add_cov",
)


def _bead_part() -> tuple[tuple[float, ...], float, float]:
    """The bead logistic's weights (in :data:`FEATURES` order), bias and length-ratio mean, from
    the ``bead`` part of the model file (:mod:`align.divergence.fitted`)."""
    from align.divergence.fitted import load_model

    part = load_model()["bead"]
    return (
        tuple(float(part["weights"][n]) for n in FEATURES),
        float(part["bias"]),
        float(part["len_mean"]),
    )


FITTED_WEIGHTS, FITTED_BIAS, LOG_LEN_RATIO_MEAN = _bead_part()


SCORE_BATCH = 128  # beads per batched scoring call in score_pair


@dataclass(frozen=True)
class DivergenceConfig:
    """Thresholds, weights and signal switches (switches are for ablations)."""

    clause_sim: float = 0.35
    clause_gain: float = 0.04
    added_gain: float | None = 0.03  # the gain threshold for English clauses (None: clause_gain)
    clause_word_gain: float = math.inf  # summed word-deletion gains that flag a clause alone
    min_clause_words: int = 3
    max_window: int = 3
    name_match: float = NAME_MATCH
    use_deletion: bool = True
    use_anchors: bool = True
    use_words: bool = True
    use_anchor_chrf: bool = True
    use_coverage: bool = True
    cov_center: float = (
        0.6  # word similarity at which a match is 50% likely (align.divergence.coverage)
    )
    cov_width: float = 0.1
    cov_function_weight: float = FUNCTION_WEIGHT  # weight of function words in coverage masses
    # a clause whose words are this uncovered on average (align.divergence.coverage) is flagged when
    # leaving it out does not lower the bead cosine by more than clause_uncovered_gain
    clause_uncovered: float = 0.8
    clause_uncovered_gain: float = 0.0
    cov_overrides_anchors: bool = True  # coverage-flagged clauses skip the anchor veto
    # USE only: clause runs / clause-deleted sides from per-clause token features (faster)
    fast_clauses: bool = False
    use_units: bool = True  # whole sentences without a counterpart (align.divergence.units)
    # the units' paragraph feature (para_extra); off: as for text without paragraphs (no refit)
    use_paragraphs: bool = True
    # clause rows of an m-m bead whose sentences pair up one to one: sentence against sentence
    sentence_clauses: bool = True
    # issue 12 (align.divergence.decision): calibrated score and score-consistent label, fitted
    # clause and word models, the word-level lexicon (align.divergence.lexical)
    calibrated: bool = True
    clause_model: bool = True
    word_model: bool = True
    use_lexical: bool = True
    weights: tuple[float, ...] = FITTED_WEIGHTS
    bias: float = FITTED_BIAS
    len_mean: float = LOG_LEN_RATIO_MEAN


@dataclass
class TextScore:
    """The divergence of one Russian/English text pair."""

    similarity: float
    score: float
    label: DivergenceLabel
    omitted: list[Span] = field(default_factory=list)
    added: list[Span] = field(default_factory=list)
    features: dict[str, float] = field(default_factory=dict)
    coverage: Coverage | None = field(default=None, repr=False, compare=False)
    # per side: (clause span, clause features) for the clause model (align.divergence.decision)
    clause_rows: dict[str, list] = field(default_factory=dict, repr=False, compare=False)
    # per side: each word's deletion gain (words in align.divergence.clauses.words order; may be empty)
    word_gains: dict[str, NDArray] = field(default_factory=dict, repr=False, compare=False)
    lexical: Any = field(default=None, repr=False, compare=False)  # a lexical.LexicalMatch


def label_for(omitted: Sequence[Span], added: Sequence[Span]) -> DivergenceLabel:
    if omitted and added:
        return "omission+addition"
    if omitted:
        return "omission"
    if added:
        return "addition"
    return "equivalent"


# ---------------------------------------------------------------- cross-script anchors
def anchors(text: str, lang: str) -> tuple[set[str], list[str]]:
    """Numbers and Latin tokens (compared as strings) and name candidates (capitalised words)."""
    exact = numbers(text, lang) | {t.lower() for t in _LATIN.findall(text)}
    names = _CAP_RU.findall(text) if lang == "ru" else []
    return exact, names


def _anchors_found(
    text: str, lang: str, other: str, other_exact: set[str], other_words: list[str], cfg
) -> bool | None:
    """True when all anchors of ``text`` occur in the other side; None when it has none."""
    exact, names = anchors(text, lang)
    if lang == "en":  # English capitalised words must match a Russian word by transliteration
        # every English word is a Latin token: only the numbers must occur verbatim (with all
        # Latin tokens required, no English clause ever had its anchors found, and the clause
        # model's anchor feature was 0 for every English clause with a word in it)
        exact = numbers(text, lang)
        names = [w for w in _CAP_EN.findall(text) if w.lower() not in other_exact]
        names = [w for w in names if w.lower() not in EN_NON_NAMES]
    if not exact and not names:
        return None
    if not exact <= other_exact:
        return False
    for n in names:
        if lang == "ru":
            ok = any(names_match(n, w, cfg.name_match) for w in other_words)
        else:
            ok = any(names_match(w, n, cfg.name_match) for w in other_words if is_cyrillic(w))
        if not ok:
            return False
    return True


def anchor_string(text: str, lang: str) -> str:
    """Script-independent material of a text: numbers, Latin tokens, romanised capitalised words."""
    exact, names = anchors(text, lang)
    toks = sorted(exact)
    if lang == "ru":
        toks += sorted(translit(n).lower() for n in names)
    else:
        toks += sorted(w.lower() for w in _CAP_EN.findall(text) if w.lower() not in EN_NON_NAMES)
    return " ".join(toks)


def _chrf(hyp: str, ref: str) -> float:
    if not hyp and not ref:
        return 1.0
    if not hyp or not ref:
        return 0.0
    return _CHRF.sentence_score(hyp, [ref]).score / 100.0


# ---------------------------------------------------------------- text plans
def _drop(text: str, span: Span) -> str:
    return (text[: span.start] + " " + text[span.end :]).strip()


@dataclass
class _Side:
    text: str
    lang: str
    clauses: list[Span]
    windows: list[str]  # clause runs of 1..max_window
    loo_clause: list[str]  # text without clause i (empty list when a single clause)


def _plan(text: str, lang: str, cfg: DivergenceConfig) -> _Side:
    cl = clauses(text, cfg.min_clause_words, lang) or [Span(text, 0, len(text))]
    wins = [
        text[cl[i].start : cl[i + n - 1].end]
        for n in range(1, cfg.max_window + 1)
        for i in range(len(cl) - n + 1)
    ]
    loo_c = [_drop(text, c) for c in cl] if (cfg.use_deletion and len(cl) > 1) else []
    return _Side(text, lang, cl, wins, loo_c)


class _Emb:
    """Row lookup into one batched embedding matrix."""

    def __init__(self, encoder: TextEncoder, texts: list[str]) -> None:
        uniq = list(dict.fromkeys(texts))
        self.index = {t: i for i, t in enumerate(uniq)}
        self.mat: NDArray[np.float32] = encoder.embed(uniq) if uniq else np.zeros((0, 1))

    def __call__(self, texts: Sequence[str]) -> NDArray[np.float32]:
        return self.mat[[self.index[t] for t in texts]]

    def add(self, texts: Sequence[str], vecs: NDArray[np.float32]) -> None:
        new = [t for t in dict.fromkeys(texts) if t not in self.index]
        if not new:
            return
        row = dict(zip(texts, vecs, strict=True))
        base = len(self.mat)
        self.mat = np.vstack([self.mat, np.stack([row[t] for t in new])]).astype(np.float32)
        self.index.update({t: base + i for i, t in enumerate(new)})


def _fast_clause_vectors(
    encoder: TextEncoder, sides: Sequence[_Side]
) -> tuple[list[str], NDArray[np.float32]]:
    """USE shortcut for clause runs and clause-deleted sides: built from per-clause token-feature
    sums (one feature pass per clause, one head call) instead of encoding each string."""
    clause_texts = [c.text for sd in sides for c in sd.clauses]
    tf = encoder.token_features([sd.text for sd in sides] + clause_texts)
    assert tf is not None  # callers check encoder.composable
    keys: list[str] = []
    sums: list[NDArray[np.float32]] = []
    nlen: list[int] = []
    pos = len(sides)
    for k, sd in enumerate(sides):
        n = len(sd.clauses)
        inner = tf.inner[pos : pos + n]
        clen = tf.n_inner[pos : pos + n]
        pos += n
        bos, eos = tf.bos[k], tf.eos[k]
        full = tf.inner[k] + bos + eos
        w = 0
        for size in range(1, n + 1):
            for i in range(n - size + 1):
                if w >= len(sd.windows):
                    break
                if size > 1:
                    keys.append(sd.windows[w])
                    sums.append(inner[i : i + size].sum(axis=0) + bos + eos)
                    nlen.append(int(clen[i : i + size].sum()) + 2)
                w += 1
        for i, text in enumerate(sd.loo_clause):
            keys.append(text)
            sums.append(full - inner[i])
            nlen.append(max(int(tf.n_tokens[k] - clen[i]), 2))
    if not keys:
        return [], np.zeros((0, encoder.dim), dtype=np.float32)
    vecs = encoder.embed_features(np.stack(sums).astype(np.float32), np.array(nlen, dtype=np.int64))
    return keys, vecs


def _side_texts(s: _Side) -> list[str]:
    return [s.text, *s.windows, *s.loo_clause]


def _clause_word_gains(side: _Side, gains: NDArray) -> NDArray[np.float64]:
    """Per clause: the summed positive word-deletion gains of the words inside it."""
    out = np.zeros(len(side.clauses))
    if not len(gains):
        return out
    starts = np.array([w.start for w in words(side.text)])
    pos = np.clip(gains, 0.0, None)
    for i, c in enumerate(side.clauses):
        out[i] = pos[(starts >= c.start) & (starts < c.end)].sum()
    return out


def _unmatched(
    src: _Side,
    tgt: _Side,
    emb: _Emb,
    cos: float,
    cfg: DivergenceConfig,
    word_gains: NDArray | None = None,
    cov: Coverage | None = None,
    rows: list | None = None,
) -> tuple[list[Span], float]:
    """Clauses of ``src`` with no counterpart in ``tgt`` and the strongest clause evidence."""
    tgt_vecs = emb([*tgt.windows, tgt.text])
    tgt_vec = emb([tgt.text])[0]
    n = len(src.clauses)
    best = (emb(src.windows[:n]) @ tgt_vecs.T).max(axis=1)
    if src.loo_clause:
        gain = emb(src.loo_clause) @ tgt_vec - cos
    else:
        gain = np.full(n, 1.0 - cos)  # one clause: leaving it out leaves nothing
    # evidence per clause: how far below the similarity threshold, and the deletion gain
    gain_thr = cfg.clause_gain
    if src.lang == "en" and cfg.added_gain is not None:
        gain_thr = cfg.added_gain
    ev = (cfg.clause_sim - best) + (gain - gain_thr if cfg.use_deletion else 0.0)
    flagged = best < cfg.clause_sim
    if cfg.use_deletion:
        flagged &= gain > gain_thr
    if word_gains is not None and len(word_gains):
        flagged |= _clause_word_gains(src, word_gains) > cfg.clause_word_gain
    by_cov = np.zeros(n, dtype=bool)
    unc = np.full(n, 0.5)
    if cov is not None:
        unc = np.array([cov.uncovered_in(c, src.lang) for c in src.clauses])
    if cov is not None and math.isfinite(cfg.clause_uncovered):
        # most of the clause's words have no counterpart, and leaving it out does not hurt
        by_cov = (unc >= cfg.clause_uncovered) & (gain > cfg.clause_uncovered_gain)
        flagged |= by_cov
    out: list[Span] = []
    tgt_exact, _ = anchors(tgt.text, tgt.lang)
    tgt_words = [w.text for w in words(tgt.text)]
    if rows is not None:  # the clause model's features (align.divergence.decision)
        wg = _clause_word_gains(src, word_gains) if word_gains is not None else np.zeros(n)
        n_side = max(1, len(words(src.text)))
        for i, c in enumerate(src.clauses):
            found = _anchors_found(c.text, src.lang, tgt.text, tgt_exact, tgt_words, cfg)
            nw = len(words(c.text))
            feats = (
                float(best[i]),
                float(gain[i]),
                float(unc[i]),
                0.5 if found is None else float(found),
                float(wg[i]) if len(wg) == n else 0.0,
                math.log1p(nw),
                nw / n_side,
                float(src.lang == "en"),
                float(n == 1),
                cos,
            )
            rows.append((c, feats))
    if flagged.any():
        for i in np.flatnonzero(flagged):
            c = src.clauses[int(i)]
            # the word alignment already pairs anchors one-to-one: a name that occurs once in
            # the English cannot vouch for two Russian clauses
            veto = cfg.use_anchors and not (cfg.cov_overrides_anchors and by_cov[i])
            if veto and _anchors_found(c.text, src.lang, tgt.text, tgt_exact, tgt_words, cfg):
                ev[i] = min(ev[i], 0.0)
                continue
            out.append(c)
    return out, float(ev.max())


def _sigmoid(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-x))


def word_deletion_vectors(encoder: TextEncoder, texts: Sequence[str]) -> list[NDArray[np.float32]]:
    """Per text: the embeddings of the text with each of its words left out (rows in word order);
    composed from token features by encoders that have them (:meth:`TextEncoder.embed_without`)."""
    return encoder.embed_without(texts, [[(w.start, w.end) for w in words(t)] for t in texts])


def score_texts(
    pairs: Sequence[tuple[str, str]],
    encoder: TextEncoder,
    cfg: DivergenceConfig | None = None,
    layouts: Sequence[Layout] | None = None,
    doc: DocumentStats | None = None,
) -> list[TextScore]:
    """Score Russian/English text pairs (all texts embedded in one batched call).

    ``doc``: the pairs' document's :func:`document_stats` (the beads of one document; without
    it the clause model uses the dev documents' means).

    ``layouts``: per pair, the sentence spans of each side (a bead's aligned sentences); by
    default the sentence splitter's. With layouts, the clause rows of an m-m bead whose sentences
    pair up one to one are measured sentence against sentence (:func:`_clauses_by_sentence`).
    Sentences without a counterpart (:mod:`align.divergence.units`) and the calibrated score
    (:mod:`align.divergence.decision`) are added last."""
    cfg = cfg or DivergenceConfig()
    out = _raw_scores(pairs, encoder, cfg)
    for r in out:
        if r.features and doc is not None:  # a one-sided pair (1-0 / 0-1) has no features
            r.features.update(doc.features())
    if layouts is not None and cfg.sentence_clauses:
        _clauses_by_sentence(pairs, layouts, out, encoder, cfg)
    from align.divergence.decision import finish

    return finish(pairs, out, encoder, cfg, layouts)


def _raw_scores(
    pairs: Sequence[tuple[str, str]], encoder: TextEncoder, cfg: DivergenceConfig
) -> list[TextScore]:
    """The scorer's own evidence for every pair (before the fitted models of ``finish``)."""
    plans: list[tuple[_Side, _Side] | None] = []
    texts: list[str] = []
    for ru, en in pairs:
        if not ru.strip() or not en.strip():
            plans.append(None)
            continue
        r, e = _plan(ru, "ru", cfg), _plan(en, "en", cfg)
        plans.append((r, e))
        texts += _side_texts(r) + _side_texts(e)
    fast = cfg.fast_clauses and encoder.composable
    if fast:
        sides = [sd for p in plans if p is not None for sd in p]
        texts = [t for sd in sides for t in (sd.text, *(c.text for c in sd.clauses))]
        emb = _Emb(encoder, texts)
        emb.add(*_fast_clause_vectors(encoder, sides))
    else:
        emb = _Emb(encoder, texts)
    both = [(ru, en) for (ru, en), p in zip(pairs, plans, strict=True) if p is not None]
    loo = (
        word_deletion_vectors(encoder, [t for pair in both for t in pair]) if cfg.use_words else []
    )
    wvecs = word_vectors(encoder, both) if cfg.use_coverage else {}
    out: list[TextScore] = []
    k = 0
    for (ru, en), plan in zip(pairs, plans, strict=True):
        if plan is None:
            if ru.strip():
                sp = [Span(ru, 0, len(ru))]
                out.append(TextScore(0.0, 1.0, "omission", omitted=sp))
            elif en.strip():
                out.append(TextScore(0.0, 1.0, "addition", added=[Span(en, 0, len(en))]))
            else:
                out.append(TextScore(0.0, 0.0, "equivalent"))
            continue
        r, e = plan
        ru_vec, en_vec = emb([ru])[0], emb([en])[0]
        cos = float(ru_vec @ en_vec)
        gains = (np.zeros(0), np.zeros(0))
        if cfg.use_words:
            gains = (loo[2 * k] @ en_vec - cos, loo[2 * k + 1] @ ru_vec - cos)
        k += 1
        cov = None
        if cfg.use_coverage:
            cov = coverage(ru, en, wvecs, cfg.cov_center, cfg.cov_width, cfg.cov_function_weight)
        crows: dict[str, list] = {"ru": [], "en": []}
        omitted, ev_om = _unmatched(r, e, emb, cos, cfg, gains[0], cov, crows["ru"])
        added, ev_ad = _unmatched(e, r, emb, cos, cfg, gains[1], cov, crows["en"])
        feats = features_of(ru, en, cos, ev_om, ev_ad, gains, cfg, cov)
        z = cfg.bias + sum(w * feats[n] for w, n in zip(cfg.weights, FEATURES, strict=True))
        score = round(_sigmoid(z), 6)
        out.append(
            TextScore(
                round(cos, 4),
                score,
                label_for(omitted, added),
                omitted,
                added,
                feats,
                cov,
                crows,
                {"ru": gains[0], "en": gains[1]},
            )
        )
    return out


def _clauses_by_sentence(
    pairs: Sequence[tuple[str, str]],
    layouts: Sequence[Layout],
    results: list[TextScore],
    encoder: TextEncoder,
    cfg: DivergenceConfig,
) -> None:
    """Clause rows of an m-m bead measured sentence against sentence, when its sentences pair up
    one to one (:func:`align.divergence.units.one_to_one`).

    bertalign often merges a pair whose translation lost a clause with a neighbouring pair into a
    2-2 bead; the lost clause's features are then measured against two English sentences, where
    something else is close to it and leaving it out changes the cosine little. Of the Russian
    clause omissions that the drop-aware objective (``--objective cost``, which keeps such pairs
    1-1) found and bertalign's beads did not, on the realdoc dev build of seed 1, all 5 were in
    2-2 beads that it aligned as two 1-1 beads. The bead stays as the aligner made it; only its
    clause rows come from the sentence pairs (offsets shifted into the bead's text)."""
    from align.divergence.units import one_to_one

    split = [i for i, ok in enumerate(one_to_one(pairs, layouts, encoder)) if ok]
    subs: list[tuple[int, int, int]] = []  # bead, Russian offset, English offset
    texts: list[tuple[str, str]] = []
    for i in split:
        for r, e in zip(layouts[i].ru, layouts[i].en, strict=True):
            subs.append((i, r.start, e.start))
            texts.append((r.text, e.text))
    for i in split:
        results[i].clause_rows = {"ru": [], "en": []}
    for (i, r0, e0), sub in zip(subs, _raw_scores(texts, encoder, cfg), strict=True):
        for lang, off in (("ru", r0), ("en", e0)):
            results[i].clause_rows[lang] += [
                (Span(c.text, c.start + off, c.end + off), f)
                for c, f in sub.clause_rows.get(lang, [])
            ]


def features_of(
    ru: str,
    en: str,
    cos: float,
    ev_om: float,
    ev_ad: float,
    gains: tuple[NDArray, NDArray],
    cfg: DivergenceConfig,
    cov: Coverage | None = None,
) -> dict[str, float]:
    """The bead-level features of the logistic score (switched-off signals are 0).

    ``gains``: per Russian word, per English word, how much leaving it out raises the cosine
    of the two sides (a word with no counterpart on the other side raises it).
    """
    lr = math.log((len(words(en)) + 1) / (len(words(ru)) + 1)) - cfg.len_mean
    g_om, g_ad = gains
    f = {
        "one_minus_cos": 1.0 - cos,
        "omit_clause": ev_om,
        "add_clause": ev_ad,
        "omit_word_gain": max(0.0, float(g_om.max())) if len(g_om) else 0.0,
        "add_word_gain": max(0.0, float(g_ad.max())) if len(g_ad) else 0.0,
        "omit_word_sum": float(np.clip(g_om, 0, None).sum()),
        "add_word_sum": float(np.clip(g_ad, 0, None).sum()),
        "len_short": max(0.0, -lr),
        "len_long": max(0.0, lr),
        "anchor_omit": 0.0,
        "anchor_add": 0.0,
        "omit_cov": cov.omitted_mass if cov is not None else 0.0,
        "add_cov": cov.added_mass if cov is not None else 0.0,
    }
    if cfg.use_anchor_chrf:
        ra, ea = anchor_string(ru, "ru"), anchor_string(en, "en")
        if ra or ea:
            f["anchor_omit"] = 1.0 - _chrf(ea, ra)  # chrF is recall-weighted: ru material missing
            f["anchor_add"] = 1.0 - _chrf(ra, ea)
    return f


def score_pair(
    aligned: AlignedPair,
    encoder: TextEncoder,
    cfg: DivergenceConfig | None = None,
    on_batch: Callable[[float], None] | None = None,
) -> AlignedPair:
    """Score every bead of an aligned pair (in place; returns it for chaining).

    ``on_batch`` is called after each batch with the share of the beads it held (for progress
    bars); see :func:`score_beads`."""
    n = len(aligned.beads)
    done = None if on_batch is None else (lambda k: on_batch(k / n))
    score_beads(aligned, range(n), encoder, cfg, document_stats(aligned), done)
    return aligned


def score_batches(idx: Sequence[int]) -> list[list[int]]:
    """The scoring batches of the beads ``idx`` (in order, ``SCORE_BATCH`` beads each)."""
    idx = list(idx)
    return [idx[a : a + SCORE_BATCH] for a in range(0, len(idx), SCORE_BATCH)]


def score_beads(
    aligned: AlignedPair,
    idx: Sequence[int],
    encoder: TextEncoder,
    cfg: DivergenceConfig | None,
    doc: DocumentStats,
    on_batch: Callable[[int], None] | None = None,
) -> None:
    """Score the beads ``idx`` of an aligned pair (in place) with their document's ``doc``.

    Beads are scored in :func:`score_batches` (one batched embedding call each), which keeps
    memory flat on long documents. Each batch starts from an empty encoder cache: float32 GEMM
    results depend on the rows batched together, so a bead's score depends only on its batch,
    which is the same whether the batches run here or in worker processes. ``on_batch`` is
    called after each batch with the number of beads it held."""
    from align.divergence.units import bead_layouts

    texts, layouts = bead_texts(aligned), bead_layouts(aligned)
    for batch in score_batches(idx):
        encoder.clear_cache()
        res = score_texts([texts[i] for i in batch], encoder, cfg, [layouts[i] for i in batch], doc)
        for i, r in zip(batch, res, strict=True):
            apply_score(aligned.beads[i], r)
        if on_batch is not None:
            on_batch(len(batch))
    encoder.clear_cache()


@dataclass(frozen=True)
class DocumentStats:
    """What the clause model knows of a bead's document (None: not measurable; the model then
    uses the dev documents' means, as for a text pair scored on its own)."""

    cos: float | None = None  # :func:`document_similarity`
    len_ratio: float | None = None  # :func:`document_length_ratio`

    def features(self) -> dict[str, float]:
        out = {"doc_cos": self.cos, "doc_len": self.len_ratio}
        return {k: v for k, v in out.items() if v is not None}


def document_stats(aligned: AlignedPair) -> DocumentStats:
    return DocumentStats(document_similarity(aligned), document_length_ratio(aligned))


def document_length_ratio(aligned: AlignedPair) -> float | None:
    """The median log ratio of English to Russian characters over the beads with both sides:
    how long this translation runs. It varies between documents (realdoc dev documents: mean
    0.011, sd 0.126) nearly as much as an untouched 1-1 bead varies around it (sd 0.177), so a
    bead's length is judged against its own document. None without a two-sided bead."""
    ratios = [
        math.log(len(en) / len(ru)) for ru, en in bead_texts(aligned) if ru.strip() and en.strip()
    ]
    return float(np.median(ratios)) if ratios else None


def document_similarity(aligned: AlignedPair) -> float | None:
    """The median similarity of a document's 1-1 beads (the aligner's, set before scoring): how
    close the translation is overall. None when it has no 1-1 bead with a similarity."""
    sims = [b.similarity for b in aligned.beads if len(b.ru_ids) == len(b.en_ids) == 1]
    sims = [s for s in sims if s]
    return float(np.median(sims)) if sims else None


def bead_texts(aligned: AlignedPair) -> list[tuple[str, str]]:
    """The (Russian, English) text of every bead, in bead order."""
    return [(aligned.text(b, "ru"), aligned.text(b, "en")) for b in aligned.beads]


def apply_score(bead: Bead, res: TextScore) -> None:
    """Put one bead's result on it (its similarity too, when the aligner gave it none)."""
    bead.omitted_spans, bead.added_spans = res.omitted, res.added
    bead.divergence_score = res.score
    bead.divergence_label = res.label
    if bead.ru_ids and bead.en_ids and not bead.similarity:
        bead.similarity = res.similarity


def ablation_configs(base: DivergenceConfig | None = None) -> dict[str, DivergenceConfig]:
    """The configurations the ablation table reports: all signals, then each one switched off."""
    base = base or DivergenceConfig()
    return {
        "full": base,
        "-deletion": replace(base, use_deletion=False),
        "-anchors": replace(base, use_anchors=False),
        "-words": replace(base, use_words=False),
        "-anchor_chrf": replace(base, use_anchor_chrf=False),
        "-coverage": replace(base, use_coverage=False),
    }
