"""Does a general English–Russian dictionary find single-word divergences? (dev split only)

    python scripts/experiments/dictionary_evidence.py --dictd /usr/share/dictd/mueller7

The word level of issue 12 lacked lexical knowledge that covers a document it has not seen
(the IBM-1 tables learn only the ~10k sentence pairs of ../shared/data). This adds a general
dictionary in dictd format (``NAME.index`` + ``NAME.dict.dz``; e.g. Debian's ``mueller7-dict``,
Mueller's English–Russian dictionary, 7th edition, GPL-2+, ~29,000 single-word headwords: obtain
it with ``apt-get download mueller7-dict`` and ``dpkg-deb -x``) to the word evidence table of
``scripts/eval_word_evidence.py`` and prints the recall at precision 0.8 / 0.5 / 0.3, with and
without it. Three features per content word of a bead: its lemma is in the dictionary; a
dictionary translation of it occurs on the other side (lemmas: pymorphy3 / the lexicon's English
inflection stripping); known but not found. The dictionary is not shipped (GPL data in an MIT
package), so this is an experiment, not a product path.
"""

from __future__ import annotations

import argparse
import gzip
import os
import re
import sys
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("HF_DATASETS_OFFLINE", "1")

import align.bench.word_evidence as we
from align.bench.data import shared_data
from align.bench.lexicon_train import document_fold, held_out_lexicons
from align.bench.realdoc import bench_folder, load_gold, run_realdoc
from align.divergence.lexical import is_content, lemma, tokens
from align.divergence.scorer import DivergenceConfig
from align.encoders import get_encoder

_CYRILLIC = re.compile(r"[а-яё]+(?:-[а-яё]+)*", re.IGNORECASE)
_HEADWORD = re.compile(r"[a-z][a-z'-]*")
DICT_FEATURES = ("dict_known", "dict_hit", "dict_miss")


def read_dictd(stem: Path) -> dict[str, set[str]]:
    """English lemma -> Russian lemmas of its glosses (example phrases with English skipped)."""
    with gzip.open(f"{stem}.dict.dz") as f:
        text = f.read().decode("utf-8", "replace")
    out: dict[str, set[str]] = defaultdict(set)
    head = None
    for line in text.split("\n"):
        if line.strip() and not line[0].isspace():
            head = line.strip().lower()
            head = head if _HEADWORD.fullmatch(head) else None
            continue
        if head is None:
            continue
        for part in re.split(r"[;,]", line):
            part = re.sub(r"\([^)]*\)|_\S+", "", part)  # usage notes, grammar labels
            if re.search(r"[A-Za-z]", part):
                continue
            out[lemma(head, "en")].update(lemma(w, "ru") for w in _CYRILLIC.findall(part))
    return dict(out)


def with_dictionary(en2ru: dict[str, set[str]]):  # type: ignore[no-untyped-def]
    """``word_evidence.bead_rows`` with the dictionary features added to every row."""
    ru_known = {r for v in en2ru.values() for r in v}
    plain = we.bead_rows

    def bead_rows(ru, en, vecs, cos, lex=None):  # type: ignore[no-untyped-def]
        rows = plain(ru, en, vecs, cos, lex)
        rl = {lemma(w.text, "ru") for w in tokens(ru, "ru") if is_content(w.text, "ru")}
        el = {lemma(w.text, "en") for w in tokens(en, "en") if is_content(w.text, "en")}
        ru_found = {r for e in el for r in en2ru.get(e, ())}
        for row in rows:
            key = lemma(row.span.text, row.lang)
            if row.lang == "ru":
                known, hit = key in ru_known, key in ru_found
            else:
                known, hit = key in en2ru, bool(en2ru.get(key, set()) & rl)
            row.features.update(
                dict_known=float(known), dict_hit=float(hit), dict_miss=float(known and not hit)
            )
        return rows

    return bead_rows


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--dictd", type=Path, required=True, help="dictd stem, e.g. .../mueller7")
    ap.add_argument("--limit", type=int, default=None, help="first N dev documents per source")
    args = ap.parse_args()
    en2ru = read_dictd(args.dictd)
    print(f"dictionary: {len(en2ru)} English lemmas, {sum(map(len, en2ru.values()))} pairs")
    data, enc = shared_data(), get_encoder()
    _, aligned = run_realdoc(enc, "dev", data, DivergenceConfig(), limit=args.limit)
    gold = load_gold(bench_folder("dev", args.limit))
    held = held_out_lexicons(data, 2)
    we.bead_rows = with_dictionary(en2ru)
    table = we.word_table(aligned, gold, enc, lambda doc: held[document_fold(doc, 2)])
    sets = {
        "USE + names + POS + context": we.USE_FEATURES,
        "+ dictionary": we.USE_FEATURES + DICT_FEATURES,
        "+ held-out lexicon": we.USE_FEATURES + we.LEX_FEATURES,
        "+ held-out lexicon + dictionary": we.USE_FEATURES + we.LEX_FEATURES + DICT_FEATURES,
    }
    for name, feats in sets.items():
        for lang in ("ru", "en"):
            p, y = we.cross_validated(table, feats, lang)
            rec = " ".join(f"{we.recall_at_precision(p, y, q):5.2f}" for q in (0.8, 0.5, 0.3))
            print(f"{name:34s} {lang} words {len(y):6d} perturbed {int(y.sum()):4d}  R@P {rec}")
    for lang in ("ru", "en"):
        keep = table.lang == lang
        y = table.label[keep]
        for f in DICT_FEATURES:
            v = table.features[f][keep]
            print(f"{lang} {f}: perturbed {v[y == 1].mean():.2f}, untouched {v[y == 0].mean():.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
