"""Word- and phrase-level divergence benchmarks for :mod:`align.lexical` (dev for tuning).

* **DEMETR-ru** (rows with ``pert_check: true``; dev = ids divisible by 5): ranking accuracy
  and detection AUC of bead-level lexical features on (src, mt) vs (src, pert); for the added
  word set the gold span is the words that differ between ``mt_sent`` and ``pert_sent``.
* **NTREX word/phrase perturbations** (dev = the first 40% of documents), one per sentence pair,
  at a fixed seed, every gold span exact in the side where it must be reported:

  - ``ru_adj_inserted``: a Russian adjective from another sentence inflected to agree with a
    noun (pymorphy3) and put before it: the English lacks it (omitted span in the Russian);
  - ``en_adj_inserted``: an English adjective from another sentence put after a determiner
    (added span in the English);
  - ``en_name_dropped``: an English name that has a unique transliterated counterpart in the
    Russian removed from the English (omitted span: that Russian name);
  - ``ru_name_dropped``: the same name removed from the Russian (added span: the English name);
  - ``ru_phrase_inserted`` / ``en_phrase_inserted``: a prepositional phrase of 2-4 words from
    another sentence put before the final stop.

  Each perturbed pair comes with its clean original: a reported span on a clean pair is a
  false alarm.
"""

from __future__ import annotations

import difflib
import random
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from align.bench.data import ntrex_divergence_split, ntrex_lines
from align.bench.divergence import SEED, auc, load_demetr
from align.divergence.clauses import words
from align.divergence.lexical import (
    LexicalMatch,
    Lexicon,
    _morph,
    _ru_parse,
    is_content,
    match_pairs,
)
from align.divergence.translit import is_cyrillic, name_similarity
from align.model import Span

KINDS = (
    "ru_adj_inserted",
    "en_adj_inserted",
    "en_name_dropped",
    "ru_name_dropped",
    "ru_phrase_inserted",
    "en_phrase_inserted",
)
_EN_DET = re.compile(r"\b(?:the|a|an|its|their|his|her|this|these|our)\s+(?=[a-z])")
_EN_ADJ = re.compile(r"^[a-z]{4,}(?:al|ous|ive|ful|less|ic|able|ible|ary|ern|ish|ent|ant)$")
_EN_PP = re.compile(
    r"\b(?:in|on|at|from|with|for|during|after|near|under|into|across|between|against|through)"
    r"\s+(?:the\s+|a\s+|an\s+)?[a-z][\w-]+(?:\s+[a-z][\w-]+){0,2}(?=[,.;:!?]|$)"
)
_RU_PP = re.compile(
    r"(?<!\w)(?:в|во|на|с|из|для|после|около|возле|под|над|перед|через|против|среди)"
    r"\s+[а-яё][\w-]+(?:\s+[а-яё][\w-]+){0,2}(?=[,.;:!?]|$)"
)
_EN_NAME = re.compile(r"(?<=[a-z,]\s)[A-Z][a-z]{2,}")


@dataclass(frozen=True)
class WordItem:
    """A perturbed Russian/English pair with its gold span, and the clean original."""

    kind: str
    ru: str
    en: str
    clean_ru: str
    clean_en: str
    side: str  # where the gold span is: "ru" (omitted) or "en" (added)
    gold: Span


# ---------------------------------------------------------------- generators
def _before_final_stop(text: str, piece: str) -> tuple[str, Span] | None:
    m = re.search(r"[.!?…]['\"”»]?\s*$", text)
    if not m:
        return None
    at = m.start()
    new = f"{text[:at].rstrip()} {piece}"
    start = len(text[:at].rstrip()) + 1
    return new + text[at:], Span(piece, start, start + len(piece))


def _insert_word(text: str, at: int, piece: str) -> tuple[str, Span]:
    return f"{text[:at]}{piece} {text[at:]}", Span(piece, at, at + len(piece))


def _ru_adjective_donors(texts: Sequence[str]) -> list[str]:
    out = set()
    for t in texts:
        for w in words(t):
            if w.text.islower() and len(w.text) > 4 and _ru_parse(w.text)[1] == "ADJF":
                out.add(_ru_parse(w.text)[0])
    return sorted(out)


def _ru_adj_inserted(ru: str, donors: Sequence[str], rng: random.Random) -> tuple[str, Span] | None:
    nouns = []
    for w in words(ru)[1:]:
        if not w.text.islower():
            continue
        p = _morph().parse(w.text)[0]
        if p.tag.POS == "NOUN" and p.tag.case and p.tag.number:
            nouns.append((w, p))
    if not nouns:
        return None
    w, p = rng.choice(nouns)
    for _ in range(10):
        adj = _morph().parse(rng.choice(donors))[0]
        gram = {p.tag.case, p.tag.number}
        if p.tag.number == "sing" and p.tag.gender:
            gram.add(p.tag.gender)
        if (
            p.tag.case == "accs"
            and p.tag.animacy
            and (p.tag.number == "plur" or p.tag.gender == "masc")
        ):
            gram.add(p.tag.animacy)
        form = adj.inflect(gram)
        if form is not None:
            return _insert_word(ru, w.start, form.word)
    return None


def _en_adjective_donors(texts: Sequence[str]) -> list[str]:
    return sorted({w.text for t in texts for w in words(t) if _EN_ADJ.match(w.text)})


def _en_adj_inserted(en: str, donors: Sequence[str], rng: random.Random) -> tuple[str, Span] | None:
    spots = [m.end() for m in _EN_DET.finditer(en)]
    if not spots:
        return None
    at = rng.choice(spots)
    piece = rng.choice(donors)
    if piece.lower() in en.lower():
        return None
    return _insert_word(en, at, piece)


def _unique_name(ru: str, en: str) -> tuple[Span, Span] | None:
    """An English capitalised non-initial word with exactly one Russian transliteration match."""
    cands = []
    rws = [w for w in words(ru) if is_cyrillic(w.text) and w.text[:1].isupper()]
    for m in _EN_NAME.finditer(en):
        e = Span(m.group(), m.start(), m.end())
        if sum(1 for w in words(en) if w.text == e.text) != 1:
            continue
        hits = [r for r in rws if name_similarity(r.text, e.text) >= 0.8]
        if len(hits) == 1:
            cands.append((hits[0], e))
    return cands[0] if cands else None


def _drop(text: str, span: Span) -> str:
    before, after = text[: span.start].rstrip(), text[span.end :]
    if after[:1].isalnum():
        after = " " + after
    return before + after


def build_word_items(folder: str | Path, split: str, per_kind: int = 100) -> list[WordItem]:
    """Deterministic word/phrase perturbations of NTREX pairs of ``split`` (see module doc)."""
    ru, en, ids = ntrex_lines(Path(folder))
    keep = ntrex_divergence_split(ids, split)
    lines = [i for i in range(len(en)) if ids[i] in keep and len(en[i].split()) >= 6 and ru[i]]
    rng = random.Random(f"{SEED}-lexical-{split}")
    ru_adj = _ru_adjective_donors([ru[i] for i in lines])
    en_adj = _en_adjective_donors([en[i] for i in lines])
    en_pp = sorted({m.group() for i in lines for m in _EN_PP.finditer(en[i])})
    ru_pp = sorted({m.group() for i in lines for m in _RU_PP.finditer(ru[i])})
    order = list(lines)
    rng.shuffle(order)
    want = dict.fromkeys(KINDS, per_kind)
    out: list[WordItem] = []
    for n, i in enumerate(order):
        r, e = ru[i], en[i]
        kind = KINDS[n % len(KINDS)]
        if not want[kind]:
            continue
        item = _perturb(kind, r, e, rng, ru_adj, en_adj, ru_pp, en_pp)
        if item is not None:
            out.append(item)
            want[kind] -= 1
    return out


def _perturb(
    kind: str,
    r: str,
    e: str,
    rng: random.Random,
    ru_adj: Sequence[str],
    en_adj: Sequence[str],
    ru_pp: Sequence[str],
    en_pp: Sequence[str],
) -> WordItem | None:
    if kind == "ru_adj_inserted" and (got := _ru_adj_inserted(r, ru_adj, rng)):
        return WordItem(kind, got[0], e, r, e, "ru", got[1])
    if kind == "en_adj_inserted" and (got := _en_adj_inserted(e, en_adj, rng)):
        return WordItem(kind, r, got[0], r, e, "en", got[1])
    if kind in ("en_name_dropped", "ru_name_dropped") and (nm := _unique_name(r, e)):
        rs, es = nm
        if kind == "en_name_dropped":
            new = _drop(e, es)
            if name_similarity(rs.text, es.text) < 0.8 or es.text in new:
                return None
            return WordItem(kind, r, new, r, e, "ru", rs)
        return WordItem(kind, _drop(r, rs), e, r, e, "en", es)
    if kind == "ru_phrase_inserted":
        piece = rng.choice(ru_pp)
        if piece not in r and (got := _before_final_stop(r, piece)):
            return WordItem(kind, got[0], e, r, e, "ru", got[1])
    if kind == "en_phrase_inserted":
        piece = rng.choice(en_pp)
        if piece not in e and (got := _before_final_stop(e, piece)):
            return WordItem(kind, r, got[0], r, e, "en", got[1])
    return None


# ---------------------------------------------------------------- metrics
Matcher = Callable[[Sequence[tuple[str, str]]], list[LexicalMatch]]


def default_matcher(lex: Lexicon, encoder: object | None = None) -> Matcher:
    """Match pairs with the lexicon, plus standalone word embeddings when ``encoder`` is given."""
    return lambda pairs: match_pairs(pairs, lex, encoder)


def _overlap(a: Span, b: Span) -> int:
    return max(0, min(a.end, b.end) - max(a.start, b.start))


def span_scores(pred: Sequence[Sequence[Span]], gold: Sequence[Span]) -> dict[str, float]:
    """Span precision (predicted spans that overlap gold), recall (gold overlapped by a predicted
    span), character-level F1."""
    n_pred = sum(len(p) for p in pred)
    hit_pred = sum(1 for p, g in zip(pred, gold, strict=True) for s in p if _overlap(s, g))
    hit_gold = sum(1 for p, g in zip(pred, gold, strict=True) if any(_overlap(s, g) for s in p))
    tp = sum(_overlap(s, g) for p, g in zip(pred, gold, strict=True) for s in p)
    pc = sum(s.end - s.start for p in pred for s in p)
    gc = sum(g.end - g.start for g in gold)
    cp, cr = tp / max(pc, 1), tp / max(gc, 1)
    return {
        "precision": hit_pred / n_pred if n_pred else float("nan"),
        "recall": hit_gold / len(gold) if gold else float("nan"),
        "char_f1": 2 * cp * cr / (cp + cr) if cp + cr else 0.0,
    }


def word_metrics(items: Sequence[WordItem], match: Matcher, threshold: float) -> dict[str, dict]:
    pert = match([(it.ru, it.en) for it in items])
    clean = match(list(dict.fromkeys((it.clean_ru, it.clean_en) for it in items)))
    out: dict[str, dict] = {}
    for kind in KINDS:
        idx = [k for k, it in enumerate(items) if it.kind == kind]
        if not idx:
            continue
        side = items[idx[0]].side
        pred = [
            pert[k].omitted_spans(threshold) if side == "ru" else pert[k].added_spans(threshold)
            for k in idx
        ]
        out[kind] = {"n": len(idx), **span_scores(pred, [items[k].gold for k in idx])}
        # spans reported on the *other* side of a perturbed pair (not gold, not wrong per se)
    fa = [bool(m.omitted_spans(threshold) or m.added_spans(threshold)) for m in clean]
    fa_ru = [bool(m.omitted_spans(threshold)) for m in clean]
    fa_en = [bool(m.added_spans(threshold)) for m in clean]
    out["clean"] = {
        "n": len(clean),
        "false_alarm": float(np.mean(fa)),
        "false_alarm_ru": float(np.mean(fa_ru)),
        "false_alarm_en": float(np.mean(fa_en)),
    }
    return out


def _diff_span(mt: str, pert: str) -> Span | None:
    """The words of ``pert`` that are not in ``mt`` (one contiguous span), or None."""
    a = [w.text for w in words(mt)]
    bw = words(pert)
    ops = difflib.SequenceMatcher(None, a, [w.text for w in bw], autojunk=False).get_opcodes()
    ins = [(j1, j2) for tag, _, _, j1, j2 in ops if tag in ("insert", "replace")]
    if len(ins) != 1:
        return None
    j1, j2 = ins[0]
    return Span(pert[bw[j1].start : bw[j2 - 1].end], bw[j1].start, bw[j2 - 1].end)


FEATURES = ("lex_ru_mass", "lex_en_mass", "lex_ru_max", "lex_en_max", "lex_sum")


def demetr_metrics(
    folder: str | Path, split: str, match: Matcher, threshold: float
) -> dict[str, dict]:
    items = load_demetr(folder, split)
    mt = match([(it.src, it.mt) for it in items])
    pert = match([(it.src, it.pert) for it in items])
    out: dict[str, dict] = {}
    for name in ("addition", "pp_removed", "subj_removed"):
        idx = [k for k, it in enumerate(items) if it.set == name]
        row: dict[str, float] = {"n": len(idx)}
        for f in FEATURES:
            a = [_feat(mt[k], f, threshold) for k in idx]
            b = [_feat(pert[k], f, threshold) for k in idx]
            row[f"rank_{f}"] = float(np.mean([x < y for x, y in zip(a, b, strict=True)]))
            row[f"auc_{f}"] = auc(a, b)
        side = "en" if name == "addition" else "ru"
        flag = [bool(_spans(pert[k], side, threshold)) for k in idx]
        row["flagged_pert"] = float(np.mean(flag))
        row["flagged_mt"] = float(np.mean([bool(_spans(mt[k], side, threshold)) for k in idx]))
        if name == "addition":
            gold = [_diff_span(items[k].mt, items[k].pert) for k in idx]
            ok = [(pert[k].added_spans(threshold), g) for k, g in zip(idx, gold, strict=True) if g]
            row.update(span_scores([p for p, _ in ok], [g for _, g in ok]))
        out[name] = row
    return out


def _spans(m: LexicalMatch, side: str, threshold: float) -> list[Span]:
    return m.omitted_spans(threshold) if side == "ru" else m.added_spans(threshold)


def _feat(m: LexicalMatch, name: str, threshold: float) -> float:
    f = m.features(threshold)
    if name == "lex_sum":
        return f["lex_ru_mass"] + f["lex_en_mass"]
    return f[name]


def content_check(word: str, lang: str) -> bool:  # re-exported for tests
    return is_content(word, lang)
