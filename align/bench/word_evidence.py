"""How much word-level lexical evidence is there? A measurement on the real-document benchmark.

Issue 12 asks for single-word / phrase divergences (a deleted adjective or name, an inserted
adjective or prepositional phrase) at recall >= 0.8 and precision >= 0.8. This module measures
how well the lexical knowledge available offline separates the perturbed words from the words a
human translation leaves without a literal counterpart, *before* any decision rule:

1. The real-document benchmark's dev corpus (:mod:`align.bench.realdoc`) is run through the whole
   pipeline; in every bead that holds no sentence- or clause-level perturbation, each content word
   of each side becomes a row labelled 1 when it lies in a word-level perturbation.
2. Features (:func:`bead_rows`): the standalone USE word embedding against the other side (best
   cosine, mutual best, the neighbours' and the rest of the bead's matches), transliterated names,
   numbers, capitalisation, pymorphy3 parts of speech; optionally the IBM-1 lexicon
   (:mod:`align.divergence.lexical`: best translation probability, how many other-side lemmas it
   lists, whether the lemma was seen in training).
3. A logistic model over those features, cross-validated by document (5 folds), gives every word a
   probability; :func:`recall_at_precision` reads the recall at a given precision off the ranking.

The lexicon comes in two versions: the shipped table (trained on the dev documents themselves, see
:func:`align.bench.lexicon_train.training_pairs`) and *held-out* tables
(:func:`align.bench.lexicon_train.held_out_lexicons`) where each dev document's features come from
a table trained without that document, as a test document meets the shipped table.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from align.bench.lexicon_train import document_fold
from align.bench.realdoc import Gold, _overlap, _size, bead_spans
from align.divergence.coverage import word_vectors
from align.divergence.fitted import fit_logistic
from align.divergence.lexical import Lexicon, _morph, is_content, lemma, tokens
from align.divergence.lexicon import NAME_MATCH
from align.divergence.scorer import bead_texts
from align.divergence.translit import is_cyrillic, name_similarity
from align.encoders import TextEncoder
from align.model import AlignedPair, Span

USE_FEATURES = (
    "sim",  # best cosine of the standalone word embedding against the other side's content words
    "best",  # the same, raised to 1 by a number / Latin token / transliterated name match
    "mutual",  # best match among the other-side words whose own best match is this word
    "name",  # best transliteration similarity (align.divergence.translit) to an other-side word
    "cap",  # capitalised, not sentence-initial
    "digit",
    "ctx_mean",  # mean best match of the other content words of its side
    "ctx_good",  # share of them matched at >= 0.6
    "nb_max",  # best match of its left / right neighbour (1 when it has none)
    "nb_min",
    "log_n",  # log(1 + content words of its side)
    "log_other",  # log(1 + content words of the other side)
    "length",  # characters / 10
    "adj",  # pymorphy3: adjective or participle (Russian only)
    "noun",
    "name_tag",  # pymorphy3: first name, surname, place, organisation, abbreviation
    "cos",  # the bead's cosine
)
LEX_FEATURES = (
    "lex_best",  # log10 of its best IBM-1 probability (either direction) with an other-side lemma
    "lex_both",  # the same with the smaller of the two directions
    "lex_listed",  # how many other-side lemmas the table lists with it at all
    "lex_seen",  # its lemma occurs in the table's training data
)
_NAME_TAGS = ("Name", "Surn", "Patr", "Geox", "Orgn", "Abbr")
_DIGIT = re.compile(r"\d")


@dataclass(frozen=True)
class WordRow:
    """One content word of one side of a bead, with its features."""

    lang: str
    span: Span
    features: dict[str, float]


def _sentence_initial(text: str, start: int) -> bool:
    before = text[:start].rstrip(" «\"“„(”»'")
    return not before or before[-1] in ".!?…:"


def _pos_flags(word: str, lang: str) -> tuple[float, float, float]:
    if lang != "ru" or not is_cyrillic(word):
        return 0.0, 0.0, 0.0
    tag = _morph().parse(word)[0].tag
    return (
        float(tag.POS in ("ADJF", "ADJS", "PRTF")),
        float(tag.POS == "NOUN"),
        float(any(t in tag for t in _NAME_TAGS)),
    )


def _name_matrix(rt: Sequence[str], et: Sequence[str]) -> NDArray[np.float64]:
    """Transliteration similarity; 1 for the same number or Latin token."""
    out = np.zeros((len(rt), len(et)))
    for i, r in enumerate(rt):
        latin = not is_cyrillic(r) or bool(_DIGIT.search(r))
        for j, e in enumerate(et):
            if latin:
                out[i, j] = float(r.lower() == e.lower())
            elif e[:1].isalpha():
                out[i, j] = name_similarity(r, e)
    return out


def _lex_matrices(
    lex: Lexicon, rt: Sequence[str], et: Sequence[str]
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    rl, el = [lemma(w, "ru") for w in rt], [lemma(w, "en") for w in et]
    tf = np.array([[lex.t_en.get((r, e), 0.0) for e in el] for r in rl]).reshape(len(rt), len(et))
    tr = np.array([[lex.t_ru.get((r, e), 0.0) for e in el] for r in rl]).reshape(len(rt), len(et))
    return np.maximum(tf, tr), np.minimum(tf, tr)


def bead_rows(
    ru: str,
    en: str,
    vecs: dict[str, NDArray[np.float32]],
    cos: float,
    lex: Lexicon | None = None,
) -> list[WordRow]:
    """Feature rows of every content word of a bead (empty when a side has none)."""
    rw = [w for w in tokens(ru, "ru") if is_content(w.text, "ru")]
    ew = [w for w in tokens(en, "en") if is_content(w.text, "en")]
    if not rw or not ew:
        return []
    rt, et = [w.text for w in rw], [w.text for w in ew]
    a = np.stack([vecs[w] for w in rt]).astype(np.float64)
    b = np.stack([vecs[w] for w in et]).astype(np.float64)
    sim = np.clip(a @ b.T, 0.0, 1.0)
    name = _name_matrix(rt, et)
    match = np.maximum(sim, (name >= NAME_MATCH).astype(float))
    lex_mats = _lex_matrices(lex, rt, et) if lex is not None else None
    rows: list[WordRow] = []
    for lang, ws, text in (("ru", rw, ru), ("en", ew, en)):
        t = (lambda m: m) if lang == "ru" else (lambda m: m.T)
        s, nm, m = t(sim), t(name), t(match)
        best = m.max(axis=1)
        owner = m.argmax(axis=0)  # each other-side word's best match on this side
        n = len(ws)
        for i, w in enumerate(ws):
            others = np.delete(best, i)
            nb = [best[k] for k in (i - 1, i + 1) if 0 <= k < n]
            adj, noun, tag = _pos_flags(w.text, lang)
            f = {
                "sim": float(s[i].max()),
                "best": float(best[i]),
                "mutual": float(max((m[i, j] for j in np.flatnonzero(owner == i)), default=0.0)),
                "name": float(nm[i].max()),
                "cap": float(w.text[:1].isupper() and not _sentence_initial(text, w.start)),
                "digit": float(bool(_DIGIT.search(w.text))),
                "ctx_mean": float(others.mean()) if len(others) else 1.0,
                "ctx_good": float((others >= 0.6).mean()) if len(others) else 1.0,
                "nb_max": float(max(nb)) if nb else 1.0,
                "nb_min": float(min(nb)) if nb else 1.0,
                "log_n": math.log1p(n),
                "log_other": math.log1p(m.shape[1]),
                "length": len(w.text) / 10,
                "adj": adj,
                "noun": noun,
                "name_tag": tag,
                "cos": cos,
            }
            if lex is not None and lex_mats is not None:
                hi, lo = (t(x) for x in lex_mats)
                counts = lex.ru_count if lang == "ru" else lex.en_count
                f["lex_best"] = math.log10(float(hi[i].max()) + 1e-4) / 4 + 1
                f["lex_both"] = math.log10(float(lo[i].max()) + 1e-4) / 4 + 1
                f["lex_listed"] = float((hi[i] > 0).sum())
                f["lex_seen"] = float(counts.get(lemma(w.text, lang), 0) > 0)
            rows.append(WordRow(lang, w, f))
    return rows


@dataclass(frozen=True)
class WordTable:
    """Rows of all documents: features (by name), labels, document ids, sides."""

    features: dict[str, NDArray[np.float64]]
    label: NDArray[np.float64]
    doc: NDArray[np.str_]
    lang: NDArray[np.str_]


def word_table(
    aligned: Sequence[AlignedPair],
    gold: Sequence[Gold],
    encoder: TextEncoder,
    lexicon_for: Callable[[str], Lexicon | None] = lambda doc: None,
) -> WordTable:
    """Rows of every content word in the beads without sentence/clause-level perturbations;
    label 1 when at least half of the word lies in a word-level perturbation.
    ``lexicon_for(doc_id)``: the lexicon whose features that document gets (None: none)."""
    words_iv: dict[tuple[str, str], list[list[tuple[int, int, int]]]] = {}
    big_iv: dict[tuple[str, str], list[list[tuple[int, int, int]]]] = {}
    for g in gold:
        into = words_iv if g.kind == "word" else big_iv
        into.setdefault((g.doc, g.side), []).append([(g.para, g.start, g.end)])
    feats: list[dict[str, float]] = []
    label, docs, langs = [], [], []
    for ap in aligned:
        texts = bead_texts(ap)
        both = [t for t, b in zip(texts, ap.beads, strict=True) if b.ru_ids and b.en_ids]
        vecs = word_vectors(encoder, both)
        lex = lexicon_for(ap.doc_id)
        for b, (ru, en) in zip(ap.beads, texts, strict=True):
            if not (b.ru_ids and b.en_ids) or _touched(ap, b, big_iv):
                continue
            for row in bead_rows(ru, en, vecs, b.similarity, lex):
                iv = bead_spans(ap, b, row.lang, [row.span])[0]  # type: ignore[arg-type]
                inside = sum(_overlap(iv, gi) for gi in words_iv.get((ap.doc_id, row.lang), []))
                feats.append(row.features)
                label.append(float(inside * 2 >= _size(iv)))
                docs.append(ap.doc_id)
                langs.append(row.lang)
    names = list(feats[0]) if feats else []
    return WordTable(
        {k: np.array([f[k] for f in feats]) for k in names},
        np.array(label),
        np.array(docs),
        np.array(langs),
    )


def _touched(ap: AlignedPair, b, ivs: dict) -> bool:  # type: ignore[no-untyped-def]
    for lang, ids in (("ru", b.ru_ids), ("en", b.en_ids)):
        sents = ap.seg.sents(lang)
        iv = [(sents[i].para, sents[i].start, sents[i].end) for i in ids]
        if any(_overlap(iv, gi) for gi in ivs.get((ap.doc_id, lang), [])):
            return True
    return False


def cross_validated(
    table: WordTable, names: Sequence[str], lang: str, folds: int = 5
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Out-of-fold probabilities of a logistic model (folds by document) and the labels, for
    the rows of one side."""
    keep = table.lang == lang
    x = np.stack([table.features[k][keep] for k in names], axis=1)
    y = table.label[keep]
    fold = np.array([document_fold(str(d), folds) for d in table.doc[keep]])
    p = np.zeros(len(y))
    for k in range(folds):
        tr, te = fold != k, fold == k
        if not te.any() or not tr.any():
            continue
        w, b = fit_logistic(x[tr], y[tr], l2=1e-3)
        p[te] = 1.0 / (1.0 + np.exp(-(x[te] @ w + b)))
    return p, y


def recall_at_precision(p: NDArray[np.float64], y: NDArray[np.float64], precision: float) -> float:
    """The highest recall of any threshold on ``p`` whose precision is at least ``precision``."""
    if not y.sum():
        return float("nan")
    order = np.argsort(-p, kind="stable")
    tp = np.cumsum(y[order])
    prec = tp / np.arange(1, len(y) + 1)
    ok = prec >= precision
    return float((tp[ok] / y.sum()).max()) if ok.any() else 0.0


# Typed rules (no fitting): a Russian name-like word (capitalised inside a sentence, pymorphy3
# name/place/organisation tag) with no transliterated (< 0.7) or embedding (< 0.5) match on the
# English side; any word whose standalone embedding matches nothing at 0.4.
RULES: dict[str, tuple[str, Callable[[dict[str, NDArray[np.float64]]], NDArray[np.bool_]]]] = {
    "orphan name (ru)": (
        "ru",
        lambda f: (f["cap"] == 1) & (f["name_tag"] == 1) & (f["name"] < 0.7) & (f["sim"] < 0.5),
    ),
    "no embedding match >= 0.4 (ru)": ("ru", lambda f: f["best"] < 0.4),
    "no embedding match >= 0.4 (en)": ("en", lambda f: f["best"] < 0.4),
}


def rule_counts(table: WordTable, name: str) -> tuple[int, int, int]:
    """(words flagged, of them perturbed, perturbed words of that side) for one of :data:`RULES`."""
    lang, rule = RULES[name]
    keep = table.lang == lang
    flagged = rule({k: v[keep] for k, v in table.features.items()})
    y = table.label[keep] == 1
    return int(flagged.sum()), int((flagged & y).sum()), int(y.sum())


def surplus_mentions(
    ru: str, en: str, vecs: dict[str, NDArray[np.float32]], hi: float = 0.7, alt: float = 0.6
) -> list[Span]:
    """Russian words that compete for one English word (the seed's «России» and «российского»
    both best matched by the one "Russian", cosine >= ``hi``, neither with another English word
    at ``alt``; different lemmas): all but one have no counterpart. The one left out is the
    competitor whose neighbours' best English words lie farthest from the contested word."""
    rw = [w for w in tokens(ru, "ru") if is_content(w.text, "ru") and w.text.isalpha()]
    ew = [w for w in tokens(en, "en") if is_content(w.text, "en") and w.text.isalpha()]
    if len(rw) < 2 or not ew:
        return []
    sim = np.stack([vecs[w.text] for w in rw]) @ np.stack([vecs[w.text] for w in ew]).T
    best = sim.argmax(axis=1)
    second = np.sort(sim, axis=1)[:, -2] if sim.shape[1] > 1 else np.zeros(len(rw))
    out = []
    for j in range(len(ew)):
        comp = [i for i in range(len(rw)) if best[i] == j and sim[i, j] >= hi and second[i] < alt]
        if len(comp) < 2 or len({lemma(rw[i].text, "ru") for i in comp}) < len(comp):
            continue

        out.append(rw[max(comp, key=lambda i, j=j: _neighbour_distance(best, i, j))])
    return out


def _neighbour_distance(best: NDArray[np.int64], i: int, j: int) -> int:
    """How far the best English matches of word ``i``'s neighbours lie from English word ``j``."""
    nb = [k for k in (i - 1, i + 1) if 0 <= k < len(best)]
    return min(abs(int(best[k]) - j) for k in nb) if nb else 0


def surplus_counts(
    aligned: Sequence[AlignedPair], gold: Sequence[Gold], encoder: TextEncoder
) -> tuple[int, int, int]:
    """(words :func:`surplus_mentions` flags in beads without sentence/clause perturbations, of
    them inside a word-level omission, word-level omissions in those beads)."""
    words_iv: dict[tuple[str, str], list[list[tuple[int, int, int]]]] = {}
    big_iv: dict[tuple[str, str], list[list[tuple[int, int, int]]]] = {}
    for g in gold:
        into = words_iv if g.kind == "word" else big_iv
        into.setdefault((g.doc, g.side), []).append([(g.para, g.start, g.end)])
    flagged = hit = total = 0
    for ap in aligned:
        texts = bead_texts(ap)
        both = [t for t, b in zip(texts, ap.beads, strict=True) if b.ru_ids and b.en_ids]
        vecs = word_vectors(encoder, both)
        gl = words_iv.get((ap.doc_id, "ru"), [])
        for b, (ru, en) in zip(ap.beads, texts, strict=True):
            if not (b.ru_ids and b.en_ids) or _touched(ap, b, big_iv):
                continue
            sents = ap.seg.sents("ru")
            bead_iv = [(sents[i].para, sents[i].start, sents[i].end) for i in b.ru_ids]
            total += sum(1 for gi in gl if _overlap(bead_iv, gi))
            for sp in surplus_mentions(ru, en, vecs):
                iv = bead_spans(ap, b, "ru", [sp])[0]
                flagged += 1
                hit += any(_overlap(iv, gi) * 2 >= _size(iv) for gi in gl)
    return flagged, hit, total
