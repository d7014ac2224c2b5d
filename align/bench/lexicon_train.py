"""Build the shipped lexical table (``scripts/build_lexicon.py`` is the command line).

Training data (the only data this may use; never a test document):

* WMT en-ru sentence files ``en-ru-2021.{en,ru}`` and ``en-ru-2023.{en,ru}`` (in no benchmark);
* the dev documents of WMT ru-en (2021 then 2023 documents in file order, index ``i``; dev =
  ``i % 5 in {0, 1}``), segment k of a paragraph on one side translating segment k on the other;
* the dev documents of NTREX (the first 40% of ``DOCUMENT_IDS.tsv`` documents);
* DEMETR-ru dev rows (ids divisible by 5): ``src_sent`` and ``eng_sent``, deduplicated.

Steps: lemmatise both sides (:func:`align.divergence.lexical.lemma`), train NLTK's IBM Model 1 in both
directions on the lemma sequences (deterministic EM; eflomal aligns better but its sampler is
seeded at random, so two builds differ), keep t(e|r) and t(r|e) above ``PRUNE``. The pair
model's weights are fitted by cross-fitting: the corpus is cut into folds, each fold's word
pairs get features from tables trained without that fold (as at run time, on unseen text) and
their labels from the full-corpus symmetrised (grow-diag-final-and) Viterbi links.
"""

from __future__ import annotations

import hashlib
import json
import pickle
import random
import zlib
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, replace
from functools import cached_property
from pathlib import Path

import numpy as np
from numpy.typing import NDArray
from scipy.optimize import minimize

from align.bench.data import ntrex_divergence_split, ntrex_lines
from align.divergence.lexical import (
    NULL,
    PAIR_FEATURES,
    T_FLOOR,
    WORD_FEATURES,
    Lexicon,
    Logistic,
    content_tokens,
    lemma,
    model_key,
    pair_features,
    score_tokens,
    similarity,
)

FOLDS = 5
ITERS = 5  # IBM-1 EM iterations
PRUNE = 0.01  # table entries below this translation probability are not shipped
WMT_DEV = (0, 1)  # document index % 5 in these -> dev (LAYOUT.md, issue 12 splits)


Pair = tuple[str, str]  # (ru, en)


# ---------------------------------------------------------------- data
def wmt_sentence_pairs(data: Path) -> list[Pair]:
    out: list[Pair] = []
    for year in (2021, 2023):
        ru = (data / "wmt-ruen" / f"en-ru-{year}.ru").read_text(encoding="utf-8").splitlines()
        en = (data / "wmt-ruen" / f"en-ru-{year}.en").read_text(encoding="utf-8").splitlines()
        out += list(zip(ru, en, strict=True))
    return out


def wmt_documents(data: Path) -> list[dict]:  # type: ignore[type-arg]
    docs = []
    for year in (2021, 2023):
        path = data / "wmt-ruen" / f"ru-en-documents-{year}.jsonl"
        docs += [json.loads(x) for x in path.read_text(encoding="utf-8").splitlines() if x.strip()]
    return docs


def wmt_doc_pairs(data: Path, split: str = "dev") -> list[Pair]:
    out: list[Pair] = []
    for i, doc in enumerate(wmt_documents(data)):
        if (i % 5 in WMT_DEV) != (split == "dev"):
            continue
        for pr, pe in zip(doc["ru"], doc["en"], strict=True):
            out += list(zip(pr, pe, strict=True))
    return out


def ntrex_pairs(data: Path, split: str = "dev") -> list[Pair]:
    ru, en, ids = ntrex_lines(data / "ntrex-enru")
    keep = ntrex_divergence_split(ids, split)
    return [(r, e) for r, e, d in zip(ru, en, ids, strict=True) if d in keep]


def demetr_pairs(data: Path) -> list[Pair]:
    out: dict[Pair, None] = {}
    for path in sorted((data / "demetr-ru").glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                row = json.loads(line)
                if row["id"] % 5 == 0:
                    out[(row["src_sent"], row["eng_sent"])] = None
    return list(out)


def training_pairs(data: Path) -> dict[str, list[Pair]]:
    """The named training sources (non-empty pairs only)."""
    srcs = {
        "wmt_en-ru_sentences": wmt_sentence_pairs(data),
        "wmt_ru-en_dev_documents": wmt_doc_pairs(data, "dev"),
        "ntrex_dev_documents": ntrex_pairs(data, "dev"),
        "demetr_dev_rows": demetr_pairs(data),
    }
    return {k: [(r, e) for r, e in v if r.strip() and e.strip()] for k, v in srcs.items()}


def document_fold(doc_id: str, folds: int) -> int:
    """A document's fold: stable across runs and platforms (CRC32 of its id)."""
    return zlib.crc32(doc_id.encode("utf-8")) % folds


def held_out_lexicons(
    data: Path, folds: int = 2, iters: int = ITERS, models: dict[str, Logistic] | None = None
) -> list[Lexicon]:
    """IBM-1 tables trained on the training data less one fold of the dev documents
    each (:func:`document_fold` of the real-document benchmark's document ids): the features of
    a dev document taken from ``tables[document_fold(doc_id, folds)]`` come from a table that
    never saw that document, as a test document meets the shipped table. (The shipped table is
    trained on every dev document, so its features on dev text are optimistic; measured by
    ``scripts/eval_word_evidence.py``.) ``models``: the pair and word models the tables carry
    (``Lexicon.load().models`` for the scorer's own lexical features; none by default)."""
    from align.bench.realdoc import load_ntrex, load_wmt

    docs = load_wmt(data, "dev") + load_ntrex(data, "dev")
    base = wmt_sentence_pairs(data) + demetr_pairs(data)
    tables = held_out_tables(base, {d.doc_id: d.segments for d in docs}, folds, iters)
    return [replace(t, models=dict(models or {})) for t in tables]


def held_out_tables(
    base: Sequence[Pair], docs: dict[str, list[Pair]], folds: int, iters: int = ITERS
) -> list[Lexicon]:
    """One table per fold k: ``base`` plus the pairs of the documents whose fold is not k."""
    out = []
    for k in range(folds):
        kept = [p for doc, ps in docs.items() if document_fold(doc, folds) != k for p in ps]
        pairs = [(r, e) for r, e in [*base, *kept] if r.strip() and e.strip()]
        ru, en = lemma_lines(pairs)
        out.append(train_tables(ru, en, iters).lexicon(meta={"held_out_fold": f"{k}/{folds}"}))
    return out


# ---------------------------------------------------------------- alignment
Table = dict[tuple[str, str], float]


def lemma_lines(pairs: Sequence[Pair]) -> tuple[list[list[str]], list[list[str]]]:
    ru = [[lemma(w, "ru") for w in content_tokens(r, "ru")] for r, _ in pairs]
    en = [[lemma(w, "en") for w in content_tokens(e, "en")] for _, e in pairs]
    return ru, en


def ibm1(src: Sequence[Sequence[str]], trg: Sequence[Sequence[str]], iters: int) -> Table:
    """NLTK's IBM Model 1: {(source lemma, target lemma): t(target | source)}, NULL = ""."""
    from nltk.translate import AlignedSent, IBMModel1

    bitext = [AlignedSent(list(t), list(s)) for s, t in zip(src, trg, strict=True) if s and t]
    model = IBMModel1(bitext, iters)
    out: Table = {}
    for t, row in model.translation_table.items():
        for s_, p in row.items():
            if p >= PRUNE:
                out[(NULL if s_ is None else s_, t)] = float(p)
    return out


def viterbi(src: Sequence[str], trg: Sequence[str], t: Table) -> set[tuple[int, int]]:
    """Best source word (or NULL) for each target word under IBM-1: {(src i, trg j)}."""
    out = set()
    for j, w in enumerate(trg):
        best, arg = t.get((NULL, w), T_FLOOR), -1
        for i, s in enumerate(src):
            p = t.get((s, w), T_FLOOR)
            if p > best:
                best, arg = p, i
        if arg >= 0:
            out.add((arg, j))
    return out


@dataclass
class Tables:
    t_en: Table  # (ru, en) -> t(en | ru)
    t_ru: Table  # (ru, en) -> t(ru | en)
    ru_count: dict[str, int]
    en_count: dict[str, int]

    @cached_property
    def t_ru_by_en(self) -> Table:
        """t(ru | en) keyed (en, ru), for Viterbi in the reverse direction."""
        return {(e, r): p for (r, e), p in self.t_ru.items()}

    def lexicon(
        self, models: dict[str, Logistic] | None = None, meta: dict[str, str] | None = None
    ) -> Lexicon:
        return Lexicon(
            self.t_en, self.t_ru, self.ru_count, self.en_count, dict(models or {}), meta or {}
        )


def train_tables(ru: Sequence[Sequence[str]], en: Sequence[Sequence[str]], iters: int) -> Tables:
    t_en = ibm1(ru, en, iters)
    t_ru = {(r, e): p for (e, r), p in ibm1(en, ru, iters).items()}
    rc = Counter(w for s in ru for w in set(s))
    ec = Counter(w for s in en for w in set(s))
    return Tables(t_en, t_ru, dict(rc), dict(ec))


def links(ru: Sequence[str], en: Sequence[str], tables: Tables) -> set[tuple[int, int]]:
    """Symmetrised IBM-1 Viterbi links of one lemmatised pair, as (ru i, en j)."""
    fwd = viterbi(ru, en, tables.t_en)
    rev = {(i, j) for j, i in viterbi(en, ru, tables.t_ru_by_en)}
    return grow_diag_final_and(fwd, rev)


def grow_diag_final_and(
    fwd: set[tuple[int, int]], rev: set[tuple[int, int]]
) -> set[tuple[int, int]]:
    """Koehn's symmetrisation heuristic over two directional link sets (deterministic order)."""
    union = fwd | rev
    links = set(fwd & rev)
    nbr = [(-1, 0), (0, -1), (1, 0), (0, 1), (-1, -1), (-1, 1), (1, -1), (1, 1)]
    changed = True
    while changed:
        changed = False
        for i, j in sorted(links):
            for di, dj in nbr:
                c = (i + di, j + dj)
                if c in union and c not in links:
                    src_free = all(x[0] != c[0] for x in links)
                    trg_free = all(x[1] != c[1] for x in links)
                    if src_free or trg_free:
                        links.add(c)
                        changed = True
    for d in (fwd, rev):
        for c in sorted(d):
            if all(x[0] != c[0] for x in links) and all(x[1] != c[1] for x in links):
                links.add(c)
    return links


# ---------------------------------------------------------------- pair model
def fit_logistic(x: NDArray[np.float64], y: NDArray[np.float64], l2: float = 1e-4) -> NDArray:
    """Weights (last = bias) of an L2-regularised logistic regression (L-BFGS, deterministic)."""
    xb = np.hstack([x, np.ones((len(x), 1))])

    def loss(w: NDArray[np.float64]) -> tuple[float, NDArray[np.float64]]:
        z = xb @ w
        p = 1.0 / (1.0 + np.exp(-z))
        ll = np.logaddexp(0.0, z) - y * z
        g = xb.T @ (p - y) / len(y) + l2 * np.r_[w[:-1], 0.0]
        return float(ll.mean() + 0.5 * l2 * (w[:-1] ** 2).sum()), g

    res = minimize(loss, np.zeros(xb.shape[1]), jac=True, method="L-BFGS-B")
    return np.asarray(res.x)


Tokens = list[str]


@dataclass(frozen=True)
class Example:
    """One held-out training pair: surface tokens, gold links, and the fold's tables."""

    rt: Tokens
    et: Tokens
    gold: frozenset[tuple[int, int]]


def _sim(
    rt: Sequence[str], et: Sequence[str], vecs: dict[str, NDArray[np.float32]] | None
) -> NDArray[np.float64] | None:
    return None if vecs is None else similarity(rt, et, vecs)


def pair_examples(
    lex: Lexicon, exs: Sequence[Example], vecs: dict[str, NDArray[np.float32]] | None
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Pair features (from ``lex``) and 0/1 gold link labels of every word pair of ``exs``."""
    names = PAIR_FEATURES if vecs is not None else _no_sim(PAIR_FEATURES)
    xs, ys = [], []
    for ex in exs:
        rl = [lemma(w, "ru") for w in ex.rt]
        el = [lemma(w, "en") for w in ex.et]
        pf = pair_features(lex, rl, el, ex.rt, ex.et, _sim(ex.rt, ex.et, vecs))
        y = np.zeros((len(ex.rt), len(ex.et)))
        for i, j in ex.gold:
            y[i, j] = 1.0
        xs.append(np.stack([pf[k] for k in names], axis=-1).reshape(-1, len(names)))
        ys.append(y.reshape(-1))
    return np.vstack(xs), np.concatenate(ys)


def _no_sim(names: Sequence[str]) -> tuple[str, ...]:
    return tuple(n for n in names if "sim" not in n)


def word_examples(
    lex: Lexicon,
    exs: Sequence[Example],
    vecs: dict[str, NDArray[np.float32]] | None,
    rng: random.Random,
) -> dict[str, tuple[list[NDArray[np.float64]], list[float]]]:
    """Word features and labels (1 = no counterpart) per side, from synthetic divergences.

    Token lists hold content words only. Per held-out pair: every word of the untouched pair
    (label 0); one Russian and one
    English content word whose aligned partners are deleted from the other side (label 1); one
    content word from another pair inserted into each side (label 1).
    """
    out: dict[str, tuple[list[NDArray[np.float64]], list[float]]] = {"ru": ([], []), "en": ([], [])}

    def add(lang: str, feats: NDArray[np.float64], rows: Sequence[int], label: float) -> None:
        for r in rows:
            out[lang][0].append(feats[r])
            out[lang][1].append(label)

    for n, ex in enumerate(exs):
        rt, et = ex.rt, ex.et
        if len(rt) < 2 or len(et) < 2:
            continue
        sc = score_tokens(lex, rt, et, _sim(rt, et, vecs))
        add("ru", sc.ru_feats, range(len(rt)), 0.0)
        add("en", sc.en_feats, range(len(et)), 0.0)
        for lang in ("ru", "en"):
            side, other = (rt, et) if lang == "ru" else (et, rt)
            # deletion: a linked content word loses its partners on the other side
            linked = sorted({(i if lang == "ru" else j) for i, j in ex.gold})
            if linked:
                k = rng.choice(linked)
                gone = {(j if lang == "ru" else i) for i, j in ex.gold if (i, j)[lang != "ru"] == k}
                rest = [w for q, w in enumerate(other) if q not in gone]
                if rest:
                    r2, e2 = (side, rest) if lang == "ru" else (rest, side)
                    sc2 = score_tokens(lex, r2, e2, _sim(r2, e2, vecs))
                    add(lang, sc2.ru_feats if lang == "ru" else sc2.en_feats, [k], 1.0)
            # insertion: a content word of another pair put into this side
            donor = exs[(n + 1 + rng.randrange(len(exs) - 1)) % len(exs)]
            dside = donor.rt if lang == "ru" else donor.et
            pool = [w for w in dside if w not in side]
            if pool:
                at = rng.randrange(len(side) + 1)
                new = [*side[:at], rng.choice(pool), *side[at:]]
                r2, e2 = (new, other) if lang == "ru" else (other, new)
                sc2 = score_tokens(lex, r2, e2, _sim(r2, e2, vecs))
                add(lang, sc2.ru_feats if lang == "ru" else sc2.en_feats, [at], 1.0)
    return out


def build(
    data: Path,
    vecs: dict[str, NDArray[np.float32]] | None = None,
    folds: int = FOLDS,
    iters: int = ITERS,
    log: bool = True,
) -> Lexicon:
    """The lexicon with its models, from the named training data under ``data``.

    ``vecs``: standalone embeddings of every training word; the models are then fitted both
    with and without embedding similarity (``word_alignment`` uses the matching pair).
    """
    return build_from_pairs(training_pairs(data), vecs, folds, iters, log)


def build_from_pairs(
    srcs: dict[str, list[Pair]],
    vecs: dict[str, NDArray[np.float32]] | None = None,
    folds: int = FOLDS,
    iters: int = ITERS,
    log: bool = True,
    cache: Path | None = None,
) -> Lexicon:
    """:func:`build` on named lists of (ru, en) pairs.

    ``cache``: a folder where the IBM-1 tables (full and per fold) are kept between builds,
    keyed by a hash of the lemmatised corpus and the settings (a development aid).
    """
    pairs = [p for v in srcs.values() for p in v]
    ru, en = lemma_lines(pairs)
    tabs = _cached_tables(ru, en, iters, folds, cache)
    full = tabs[-1]
    exs = [
        Example(
            content_tokens(r, "ru"),
            content_tokens(e, "en"),
            frozenset(links(rl, el, full)),
        )
        for (r, e), rl, el in zip(pairs, ru, en, strict=True)
    ]
    variants = (True, False) if vecs is not None else (False,)
    fold_tabs: list[tuple[Tables, list[Example]]] = []
    px: dict[bool, list[NDArray[np.float64]]] = {v: [] for v in variants}
    py: list[NDArray[np.float64]] = []
    for k in range(folds):
        held = [exs[n] for n in range(len(pairs)) if n % folds == k and exs[n].rt and exs[n].et]
        sub = tabs[k]
        fold_tabs.append((sub, held))
        for v in variants:
            x, y = pair_examples(sub.lexicon(), held, vecs if v else None)
            px[v].append(x)
        py.append(y)
        if log:
            print(f"fold {k}: {len(y)} word pairs, {int(y.sum())} links", flush=True)
    models: dict[str, Logistic] = {}
    for v in variants:
        names = PAIR_FEATURES if v else _no_sim(PAIR_FEATURES)
        models[model_key("pair", v)] = _fit(names, np.vstack(px[v]), np.concatenate(py))
    # second stage: word models on synthetic divergences, with the fitted pair model
    for v in variants:
        acc: dict[str, tuple[list[NDArray[np.float64]], list[float]]] = {
            "ru": ([], []),
            "en": ([], []),
        }
        for k, (sub, held) in enumerate(fold_tabs):
            rng = random.Random(f"lexicon-words-{k}")
            got = word_examples(sub.lexicon(models), held, vecs if v else None, rng)
            for lang in acc:
                acc[lang][0].extend(got[lang][0])
                acc[lang][1].extend(got[lang][1])
        names = WORD_FEATURES if v else _no_sim(WORD_FEATURES)
        idx = [WORD_FEATURES.index(n) for n in names]
        for lang, (xs, ys) in acc.items():
            x, y = np.vstack(xs)[:, idx], np.asarray(ys)
            models[model_key(f"word_{lang}", v)] = _fit(names, x, y)
            if log:
                print(f"word model {lang} sim={v}: {len(y)} words, {int(y.sum())} divergent")
    meta = {f"pairs_{k}": str(len(v)) for k, v in srcs.items()}
    meta["method"] = f"NLTK IBM-1 ({iters} iterations) both directions, pymorphy3 / rule lemmas"
    meta["prune"] = str(PRUNE)
    return full.lexicon(models, meta)


def _cached_tables(
    ru: list[list[str]], en: list[list[str]], iters: int, folds: int, cache: Path | None
) -> list[Tables]:
    """IBM-1 tables trained without fold k (k < folds), then on everything."""
    path = None
    if cache is not None:
        key = hashlib.sha256(repr((ru, en, iters, folds, PRUNE)).encode()).hexdigest()[:16]
        path = cache / f"lexicon-tables-{key}.pkl"
        if path.is_file():
            with open(path, "rb") as fh:
                return pickle.load(fh)
    out = []
    for k in range(folds):
        train = [n for n in range(len(ru)) if n % folds != k]
        out.append(train_tables([ru[n] for n in train], [en[n] for n in train], iters))
    out.append(train_tables(ru, en, iters))
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(path, "wb") as fh:
            pickle.dump(out, fh)
    return out


def _fit(names: Sequence[str], x: NDArray[np.float64], y: NDArray[np.float64]) -> Logistic:
    w = fit_logistic(x, y)
    return Logistic(tuple(names), tuple(float(v) for v in w[:-1]), float(w[-1]))
