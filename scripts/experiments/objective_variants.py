"""Dev-only comparison of second-pass variants that the library does not keep (issue 16, round 4).

    python scripts/experiments/objective_variants.py "" "support=0.4" "alpha=0.75" \
        "share=True" "lex=0.25" "lex=0.5,names=False" "adaptive=1.2" "bsup=0.15,support=0.25" \
        [--benches dev-dense,dev-mixed,dev-drops,dev-restructured,textberg,ntrex-enru]

Every bench is embedded once (bertalign's windows, ``use-m3``); each variant is the ``cost``
objective of :mod:`align.second_pass` (``blend=0.5, del_cost=0.55, len_weight=0.5``, margin)
with one change (an empty setting is ``--objective cost`` without the support term):

- ``support=W``: the sentence-support term of the library, weight W (``AlignConfig.support``).
- ``bsup=B``: support measured against a fixed similarity ``B`` instead of each sentence's mean
  similarity to the other side.
- ``alpha=A``: Vecalign's size factor ``(m n) ** A`` instead of ``m n``.
- ``share=True``: size factor from the length share of each side (window characters / longest
  sentence), i.e. a short fragment adds almost nothing.
- ``adaptive=K``: deletion cost ``K`` x the median Vecalign cost of the document's first-pass
  1-1 anchors (a per-document scale), instead of the constant 0.55.
- ``lex=L``: deletion cost x ``(1 + L)`` when the sentence shares a rare number or name —
  capitalised token, Cyrillic transliterated by :mod:`align.divergence.translit`, first five
  letters of its skeleton — with the other-side sentences next to the deletion point;
  ``names=False`` keeps numbers only.
- ``anchors=W``: lexical anchors in the similarity: the bead's reward ``+ W`` x (cosine of the
  hashed bags of rare numbers / names of its two windows ``- pen``), when both have some
  (``pen=P``: a mismatch costs ``W P``); ``names`` as for ``lex``.

Prints strict / lax F1 per bench (``--split dev`` for Text+Berg and NTREX).
"""

from __future__ import annotations

import argparse
import re
import sys
from collections import Counter
from collections.abc import Sequence
from types import SimpleNamespace
from typing import Any

import numba as nb
import numpy as np
from bertalign.corelib import (
    calculate_neighbor_similarity,
    get_alignment_types,
    second_back_track,
)
from numpy.typing import NDArray

from align._bertalign import find_second_search_path_safe, first_pass, import_bertalign, presplit
from align.bench.alignment import load_bench, score
from align.encoders import get_encoder
from align.pipeline import quiet_libraries
from align.second_pass import window_norms

BENCHES = "dev-dense,dev-mixed,dev-drops,dev-restructured,textberg,ntrex-enru"
_TOKEN = re.compile(r"\d[\d.,' ]*\d|\d|\w+")


@nb.njit(cache=True, fastmath=True)
def variant_pass(  # pragma: no cover - compiled
    src_vecs, tgt_vecs, src_lens, tgt_lens, src_norm, tgt_norm, w, path, types, char_ratio,
    del_cost, src_ev, tgt_ev, lex, alpha, share, support, bsup, src_bag, tgt_bag, anchors,
    anchor_pen,
):  # fmt: skip
    """align.second_pass.second_pass_cost (blend 0.5, len_weight 0.5, margin) with the variants."""
    n, m = src_vecs.shape[1], tgt_vecs.shape[1]
    cost = np.zeros((n + 1, w))
    ptr = np.zeros((n + 1, w), dtype=np.uint8)
    for i in range(n + 1):
        for j in range(path[i][0], path[i][1] + 1):
            if i + j == 0:
                continue
            best, best_a = np.inf, 0
            for a in range(types.shape[0]):
                a1, a2 = types[a][0], types[a][1]
                pi, pj = i - a1, j - a2
                if pi < 0 or pj < 0 or pj < path[pi][0] or pj > path[pi][1]:
                    continue
                c = cost[pi][pj - path[pi][0]]
                if a1 == 0:
                    c += 0.5 * del_cost * (1.0 + lex * tgt_ev[i, j - 1]) + 0.05
                elif a2 == 0:
                    c += 0.5 * del_cost * (1.0 + lex * src_ev[i - 1, j]) + 0.05
                else:
                    x, y = src_vecs[a1 - 1, i - 1], tgt_vecs[a2 - 1, j - 1]
                    cos = np.dot(x, y)
                    norm = 0.5 * (src_norm[a1 - 1, i - 1] + tgt_norm[a2 - 1, j - 1])
                    sl, tl = src_lens[a1 - 1, i - 1], tgt_lens[a2 - 1, j - 1] * char_ratio
                    lp = np.log2(1.0 + min(sl, tl) / max(sl, tl))
                    size = (a1 * a2) ** alpha
                    if share:
                        ms, mt = 0.0, 0.0
                        for k in range(a1):
                            ms = max(ms, src_lens[0, i - 1 - k])
                        for k in range(a2):
                            mt = max(mt, tgt_lens[0, j - 1 - k])
                        size = (sl / ms) * (tgt_lens[a2 - 1, j - 1] / mt)
                    tn = calculate_neighbor_similarity(x, a2, j, m, tgt_vecs)
                    sn = calculate_neighbor_similarity(y, a1, i, n, src_vecs)
                    vec = (1.0 - cos) * size / norm + 0.5 * (1.0 - lp)
                    c += 0.5 * vec - 0.5 * (cos - (tn + sn) / 2) * lp
                    sup = 0.0
                    for k in range(a1):
                        base = bsup if bsup >= 0 else 1.0 - src_norm[0, i - 1 - k]
                        sup += np.dot(src_vecs[0, i - 1 - k], y) - base
                    for k in range(a2):
                        base = bsup if bsup >= 0 else 1.0 - tgt_norm[0, j - 1 - k]
                        sup += np.dot(tgt_vecs[0, j - 1 - k], x) - base
                    c -= support * sup * lp
                    bs, bt = src_bag[a1 - 1, i - 1], tgt_bag[a2 - 1, j - 1]
                    ns, nt = np.dot(bs, bs), np.dot(bt, bt)
                    if anchors != 0.0 and ns > 0 and nt > 0:
                        c -= anchors * (np.dot(bs, bt) / np.sqrt(ns * nt) - anchor_pen)
                if c < best:
                    best, best_a = c, a
            cost[i][j - path[i][0]] = best
            ptr[i][j - path[i][0]] = best_a
    return ptr


def rare_keys(sents: Sequence[str], names: bool, most: int = 2) -> list[set[str]]:
    """Numbers and (optionally) name-like tokens of each sentence that occur in at most
    ``most`` sentences."""
    from align.divergence.translit import _skeleton, translit

    keys = []
    for s in sents:
        toks = _TOKEN.findall(s)
        k = {"#" + re.sub(r"\D", "", t) for t in toks if t[0].isdigit()}
        if names:
            k |= {
                _skeleton(translit(t))[:5]
                for n, t in enumerate(toks)
                if n and t[0].isupper() and len(t) >= 3
            }
        keys.append(k)
    count = Counter(k for ks in keys for k in ks)
    return [{k for k in ks if count[k] <= most} for ks in keys]


def anchor_bags(sents: Sequence[str], names: bool, k: int, dim: int = 256) -> NDArray[np.float64]:
    """Hashed bags of the rare keys (at most three sentences) of every window, bertalign's
    layout ``[w - 1, i]`` = the ``w`` sentences ending at ``i``."""
    import zlib

    keys = rare_keys(sents, names, most=3)
    one = np.zeros((len(sents), dim))
    for i, ks in enumerate(keys):
        for key in ks:
            one[i, zlib.crc32(key.encode()) % dim] += 1
    out = np.zeros((k, len(sents), dim))
    for w in range(k):
        for i in range(len(sents)):
            out[w, i] = one[max(0, i - w) : i + 1].sum(axis=0)
    return out


def lexical_evidence(
    src: Sequence[str], tgt: Sequence[str], names: bool
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """``src_ev[i, j]``: source ``i`` shares a rare key with targets ``j - 2 .. j`` (0-based: the
    two before a deletion after ``j`` targets and the one after it); ``tgt_ev`` likewise."""
    s_keys, t_keys = rare_keys(src, names), rare_keys(tgt, names)
    s_ev = np.zeros((len(src), len(tgt) + 1))
    t_ev = np.zeros((len(src) + 1, len(tgt)))
    for i, ks in enumerate(s_keys):
        for j in range(len(tgt) + 1) if ks else ():
            s_ev[i, j] = bool(ks & set().union(*t_keys[max(0, j - 2) : j + 1]))
    for j, ks in enumerate(t_keys):
        for i in range(len(src) + 1) if ks else ():
            t_ev[i, j] = bool(ks & set().union(*s_keys[max(0, i - 2) : i + 1]))
    return s_ev, t_ev


def run_variant(a: Any, doc: Any, opts: dict[str, Any]) -> list[tuple[list[int], list[int]]]:
    anchors = first_pass(a)
    types = get_alignment_types(a.max_align)
    w, path = find_second_search_path_safe(anchors, a.win, a.src_num, a.tgt_num)
    sv = np.ascontiguousarray(a.src_vecs, dtype=np.float32)
    tv = np.ascontiguousarray(a.tgt_vecs, dtype=np.float32)
    sn, tn = window_norms(sv, tv[0]), window_norms(tv, sv[0])
    del_cost = 0.55
    if "adaptive" in opts:
        inside = [(i, j) for i, j in anchors if i < a.src_num and j < a.tgt_num]
        c = [(1 - sv[0, i] @ tv[0, j]) / (0.5 * (sn[0, i] + tn[0, j])) for i, j in inside]
        del_cost = opts["adaptive"] * float(np.median(c)) if c else del_cost
    s_ev, t_ev = np.zeros((a.src_num, a.tgt_num + 1)), np.zeros((a.src_num + 1, a.tgt_num))
    if opts.get("lex", 0) > 0:
        s_ev, t_ev = lexical_evidence(doc.src, doc.tgt, bool(opts.get("names", True)))
    k = a.src_vecs.shape[0]
    s_bag, t_bag = np.zeros((k, a.src_num, 1)), np.zeros((k, a.tgt_num, 1))
    if opts.get("anchors", 0) != 0:
        names = bool(opts.get("names", True))
        s_bag, t_bag = anchor_bags(doc.src, names, k), anchor_bags(doc.tgt, names, k)
    ptr = variant_pass(
        sv, tv, a.src_lens, a.tgt_lens, sn, tn, w, path, types, a.char_ratio, del_cost,
        s_ev, t_ev, float(opts.get("lex", 0.0)), float(opts.get("alpha", 1.0)),
        bool(opts.get("share", False)), float(opts.get("support", 0.0)),
        float(opts.get("bsup", -1.0)), s_bag, t_bag, float(opts.get("anchors", 0.0)),
        float(opts.get("pen", 0.0)),
    )  # fmt: skip
    beads = second_back_track(a.src_num, a.tgt_num, ptr, path, types)
    return [([int(i) for i in s], [int(j) for j in t]) for s, t in beads]


def parse(text: str) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for item in filter(None, text.split(",")):
        key, value = item.split("=", 1)
        out[key] = value == "True" if value in ("True", "False") else float(value)
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("settings", nargs="+")
    ap.add_argument("--benches", default=BENCHES)
    ap.add_argument("--split", default="dev", help="for textberg / ntrex-enru only")
    args = ap.parse_args()
    quiet_libraries()
    import_bertalign()
    from bertalign import Bertalign

    enc = get_encoder("use-m3")
    benches = []
    for name in args.benches.split(","):
        bench = load_bench(name, args.split)
        docs = []
        for d in bench.docs:
            with presplit():
                a = Bertalign("\n".join(d.src), "\n".join(d.tgt), is_split=True, model=enc)
            docs.append((SimpleNamespace(**vars(a)), d))
            enc.clear_cache()
        benches.append((bench.name, docs))
    for setting in args.settings:
        opts = parse(setting)
        cells, total = [], 0.0
        for name, docs in benches:
            preds = [run_variant(a, d, opts) for a, d in docs]
            s = score([d.gold for _, d in docs], preds)
            total += s["f1_strict"]
            cells.append(f"{name} {s['f1_strict']:.3f}/{s['f1_lax']:.3f}")
        print(f"{setting or 'cost'} -> mean {total / len(benches):.4f} | " + " | ".join(cells))
    return 0


if __name__ == "__main__":
    sys.exit(main())
