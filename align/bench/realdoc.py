"""Real-document divergence benchmark: whole WMT / NTREX documents with known perturbations.

Built from whole documents (never single sentences):

* WMT ru-en Russian-original documents with paragraphs (``wmt-ruen/ru-en-documents-*.jsonl``;
  the seed's direction). Documents listed 2021 then 2023 in file order, index ``i`` from 0:
  dev = ``i % 5 in {0, 1}``, test = the rest.
* NTREX en-ru documents (``DOCUMENT_IDS.tsv``; one segment per paragraph): dev = the first 40%
  of documents in file order, test = the rest (the rule of :mod:`align.bench.divergence`).

Both sources are segment-aligned 1-1, so the untouched document is a faithful pair. In each
document, at a fixed seed, some segments are perturbed (one perturbation per segment):

=============  =========  ============================================================  ========
kind           direction  what                                                          gold on
=============  =========  ============================================================  ========
sentence       omission   an English segment deleted                                    ru
sentence       addition   an English segment of another document inserted (half of the   en
                          time where a deleted one was: the "orphan meets orphan" case)
clause         omission   an English clause deleted whose Russian clause is identified    ru
                          (same clause count, mutual-best clause embeddings); when no
                          segment has one, a Russian clause of another document inserted
clause         addition   an English clause of another document inserted at a clause     en
                          boundary
word           omission   an English name (transliteration match) or adjective (its      ru
                          Russian adjective, by pymorphy3, the mutual-best standalone
                          word embedding) deleted
word           addition   an English adjective (from another document) inserted after a  en
                          determiner, or a prepositional phrase of another document
                          inserted before the sentence end
=============  =========  ============================================================  ========

Each document is written as a corpus folder (``DOC/ru.txt``, ``DOC/en.txt``, paragraphs
separated by blank lines) and the gold spans go to ``gold.jsonl`` at the corpus root (offsets
into the paragraph texts as :func:`align.ingest.read_document` returns them). Evaluation runs the
whole pipeline (:func:`align.pipeline.run_corpus`, what ``align run`` calls) on the folder.
"""

from __future__ import annotations

import json
import random
import re
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from functools import cache
from pathlib import Path

import numpy as np

from align.bench.data import check_split, ntrex_divergence_split, ntrex_lines
from align.divergence.clauses import clauses, words
from align.divergence.translit import is_cyrillic, name_similarity
from align.encoders import TextEncoder
from align.errors import InputError
from align.model import AlignedPair, Bead, Lang

SEED = 20261202
# bump when the construction changes (the cached folders are rebuilt). v3: inserted English
# sentences are sentences of an English side (v2 drew headlines, and Cyrillic text from the one
# WMT document whose "English" side is Russian) and never follow a headline in its paragraph
# (v2 glued them to it: "... governor of Irkutsk region According to the investigation ...",
# one sentence to any splitter and to no real document)
VERSION = 3
KINDS = ("sentence", "clause", "word")
DIRECTIONS = ("omission", "addition")
PERTURBATIONS = (
    "sent_del",
    "sent_ins",
    "clause_del",
    "clause_ins",
    "word_del",
    "phrase_ins",
)
WMT_FILES = ("ru-en-documents-2021.jsonl", "ru-en-documents-2023.jsonl")
_EN_DET = re.compile(r"\b(?:the|a|an)\s+(?=[a-z]{3,}\b)")
_PREPS = ("in", "at", "on", "for", "with", "from", "during", "after", "under", "near", "without")
_LOWER_OK = frozenset(
    [
        "the",
        "a",
        "an",
        "this",
        "that",
        "these",
        "those",
        "it",
        "its",
        "they",
        "their",
        "he",
        "his",
        "she",
        "her",
        "we",
        "our",
        "there",
        "in",
        "on",
        "at",
        "for",
        "with",
        "from",
        "by",
        "after",
        "before",
        "during",
        "as",
        "if",
        "when",
        "while",
        "but",
        "and",
        "or",
        "so",
        "some",
        "many",
        "most",
        "all",
        "в",
        "на",
        "по",
        "с",
        "из",
        "за",
        "от",
        "до",
        "при",
        "для",
        "как",
        "когда",
        "если",
        "но",
        "и",
        "а",
        "это",
        "этот",
        "эта",
        "эти",
        "они",
        "он",
        "она",
        "мы",
    ]
)
_SAFE_ID = re.compile(r"[^A-Za-z0-9._-]+")


# ---------------------------------------------------------------- source documents
@dataclass
class SourceDoc:
    """A segment-aligned document: paragraphs of (ru, en) segment pairs."""

    doc_id: str
    source: str  # "wmt" or "ntrex"
    paragraphs: list[list[tuple[str, str]]]

    @property
    def segments(self) -> list[tuple[str, str]]:
        return [s for p in self.paragraphs for s in p]


def _clean(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def _headline_paragraphs(segs: list[tuple[str, str]]) -> list[list[tuple[str, str]]]:
    """Split a WMT paragraph after every segment without a final stop: headlines and bylines
    (the test sets put the title, the lead and the body in one paragraph; on a page the title is
    a line of its own, and joined to the next sentence it would not be a sentence any more)."""
    out: list[list[tuple[str, str]]] = [[]]
    for r, e in segs:
        out[-1].append((r, e))
        if not ends_sentence(r):
            out.append([])
    return [p for p in out if p]


def ends_sentence(text: str) -> bool:
    """Whether a segment ends with a final stop (a headline or byline does not)."""
    return bool(re.search(r"[.!?…:;][\"'»”’)]*$", text))


def load_wmt(data: Path, split: str) -> list[SourceDoc]:
    """The WMT ru-en documents of ``split`` (dev = index % 5 in {0, 1})."""
    docs: list[SourceDoc] = []
    i = 0
    for name in WMT_FILES:
        path = data / "wmt-ruen" / name
        if not path.is_file():
            raise InputError(path, "WMT ru-en documents not found")
        for line in path.read_text(encoding="utf-8").splitlines():
            if not line.strip():
                continue
            row = json.loads(line)
            is_dev = i % 5 in (0, 1)
            i += 1
            if is_dev != (split == "dev"):
                continue
            paras = []
            for rp, ep in zip(row["ru"], row["en"], strict=True):
                paras += _headline_paragraphs(
                    [(_clean(r), _clean(e)) for r, e in zip(rp, ep, strict=True) if r.strip()]
                )
            year = name.split("-")[-1][:4]
            docs.append(SourceDoc(f"wmt{year[2:]}-{row['doc_id']}", "wmt", paras))
    return docs


def load_ntrex(data: Path, split: str) -> list[SourceDoc]:
    """NTREX documents of ``split`` (the divergence split of :mod:`align.bench.data`: dev = the
    first 40% in file order); one segment per paragraph."""
    ru, en, ids = ntrex_lines(data / "ntrex-enru")
    keep = ntrex_divergence_split(ids, split)
    segs: dict[str, list[tuple[str, str]]] = {}
    for r, e, d in zip(ru, en, ids, strict=True):
        if d in keep and r.strip() and e.strip():
            segs.setdefault(d, []).append((_clean(r), _clean(e)))
    order = list(dict.fromkeys(ids))
    return [SourceDoc(f"ntrex-{d}", "ntrex", [[s] for s in segs[d]]) for d in order if d in segs]


# ---------------------------------------------------------------- perturbed documents
@dataclass(frozen=True)
class Gold:
    """One perturbation: ``side`` text ``[start:end]`` of paragraph ``para`` has no counterpart."""

    doc: str
    side: Lang
    para: int
    start: int
    end: int
    text: str
    kind: str  # sentence / clause / word
    direction: str  # omission (gold on ru) / addition (gold on en)
    method: str  # which perturbation made it


@dataclass
class _Seg:
    """A segment being perturbed; ``gold``: (side, start, end, kind, direction, method)."""

    ru: str
    en: str
    para: int
    touched: bool = False
    inserted: bool = False  # a foreign English segment (no Russian)
    gold: list[tuple[str, int, int, str, str, str]] = field(default_factory=list)


def _words_n(text: str) -> int:
    return len(words(text))


def _fix_article(text: str, pos: int) -> str:
    """Make an article right before ``pos`` agree with the word at ``pos`` (a/an)."""
    m = re.search(r"\b(a|an|A|An)\s+$", text[:pos])
    if not m:
        return text
    vowel = text[pos : pos + 1].lower() in "aeiou"
    art = m.group(1)
    new = ("an" if vowel else "a") if art.islower() else ("An" if vowel else "A")
    return text[: m.start(1)] + new + text[m.end(1) :]


@cache
def _morph():  # pymorphy3 ships its Russian dictionaries in a PyPI package
    import pymorphy3

    return pymorphy3.MorphAnalyzer()


def _is_ru_adjective(word: str) -> bool:
    p = _morph().parse(word.lower())[0]
    return p.tag.POS == "ADJF" and "Apro" not in p.tag and "Anum" not in p.tag


class _Builder:
    def __init__(self, encoder: TextEncoder, foreign: Sequence[SourceDoc], seed: int) -> None:
        self.encoder = encoder
        self.foreign = foreign
        self.seed = seed

    # -- foreign material (from other documents of the same split)
    def _foreign_segment(self, rng: random.Random, doc_id: str) -> str:
        if all(d.doc_id == doc_id for d in self.foreign):
            raise ValueError("the benchmark needs at least two documents per source")
        while True:
            d = rng.choice(self.foreign)
            if d.doc_id == doc_id:
                continue
            cand = [
                e
                for _, e in d.segments
                if 6 <= _words_n(e) <= 40 and ends_sentence(e) and not is_cyrillic(e)
            ]
            if cand:
                return rng.choice(cand)

    def _foreign_clause(self, rng: random.Random, doc_id: str, lang: str) -> str:
        while True:
            ru, en = rng.choice(rng.choice(self.foreign).segments)
            text = ru if lang == "ru" else en
            cl = [c.text for c in clauses(text, 3, lang) if 4 <= _words_n(c.text) <= 12]
            cl = [c for c in cl if not re.search(r"[\"“”«»'‘’()]", c)]
            if cl:
                c = rng.choice(cl)
                first = c.split()[0]
                # lower-case a sentence-initial common word, never a name
                return c[0].lower() + c[1:] if first.lower() in _LOWER_OK else c

    def _foreign_pp(self, rng: random.Random) -> str:
        for _ in range(200):
            _, en = rng.choice(rng.choice(self.foreign).segments)
            pat = r"\b(?:{}) [a-z][A-Za-z\- ]{{3,40}}?(?=[,.;])".format("|".join(_PREPS))
            found = [m.group() for m in re.finditer(pat, en) if 2 <= _words_n(m.group()) <= 5]
            if found:
                return rng.choice(found)
        return "in the region"

    # -- perturbations; each returns True when applied
    def sent_del(self, seg: _Seg, rng: random.Random) -> bool:
        if _words_n(seg.en) < 5:
            return False
        seg.gold.append(("ru", 0, len(seg.ru), "sentence", "omission", "sent_del"))
        seg.en = ""
        return True

    def clause_ins(self, seg: _Seg, rng: random.Random, doc_id: str) -> bool:
        return self._insert_clause(seg, rng, doc_id, "en")

    def _insert_clause(self, seg: _Seg, rng: random.Random, doc_id: str, lang: str) -> bool:
        text = seg.en if lang == "en" else seg.ru
        if _words_n(text) < 6:
            return False
        cl = clauses(text, 3, lang)
        bounds = [c.end for c in cl]
        at = rng.choice(bounds)
        piece = self._foreign_clause(rng, doc_id, lang)
        before, after = text[:at], text[at:]
        start = len(before) + 2
        sep = "" if not after or after[0] in ",.;:!?" else ","
        new = f"{before}, {piece}{sep}{after}"
        if lang == "en":
            seg.en = new
            seg.gold.append(("en", start, start + len(piece), "clause", "addition", "clause_ins"))
        else:
            seg.ru = new
            seg.gold.append(
                ("ru", start, start + len(piece), "clause", "omission", "ru_clause_ins")
            )
        return True

    def clause_del(self, seg: _Seg, rng: random.Random) -> bool:
        rc, ec = clauses(seg.ru, 3, "ru"), clauses(seg.en, 3, "en")
        if len(rc) != len(ec) or len(rc) < 2:
            return False
        vr = self.encoder.embed([c.text for c in rc])
        ve = self.encoder.embed([c.text for c in ec])
        sim = vr @ ve.T
        n = len(rc)
        diag = np.arange(n)
        if not ((sim.argmax(axis=1) == diag).all() and (sim.argmax(axis=0) == diag).all()):
            return False
        nw = _words_n(seg.en)
        ok = [
            i
            for i in range(n)
            if sim[i, i] >= 0.45
            and 3 <= _words_n(ec[i].text) <= nw // 2
            and not re.search(r"[\"“”«»'‘’()]", seg.en[max(0, ec[i].start - 2) : ec[i].end + 2])
        ]
        if not ok:
            return False
        i = rng.choice(ok)
        c = ec[i]
        before = seg.en[: c.start].rstrip(" ,;:-–—")
        after = seg.en[c.end :].lstrip(" ,;:-–—")
        if before and after and after[0] not in ".!?":
            after = ", " + after
        elif not before and after:
            after = after[0].upper() + after[1:]
        seg.en = (before + after).strip()
        seg.gold.append(("ru", rc[i].start, rc[i].end, "clause", "omission", "clause_del"))
        return True

    def word_del(self, seg: _Seg, rng: random.Random) -> bool:
        cands = self._name_pairs(seg) + self._adjective_pairs(seg)
        if not cands:
            return False
        (rs, re_), (es, ee), method = rng.choice(cands)
        before, after = seg.en[:es].rstrip(" "), seg.en[ee:].lstrip(" ")
        if not before or (after and after[0] in ",.;:!?'’"):
            new = before + after
        else:
            new = before + " " + after
        if not before:
            new = new[0].upper() + new[1:]
        new = _fix_article(new, len(before) + 1) if before else new
        seg.en = new
        seg.gold.append(("ru", rs, re_, "word", "omission", method))
        return True

    def _name_pairs(self, seg: _Seg) -> list[tuple[tuple[int, int], tuple[int, int], str]]:
        rw, ew = words(seg.ru), words(seg.en)
        out = []
        for k, r in enumerate(rw):
            if k == 0 or not is_cyrillic(r.text) or not r.text[:1].isupper() or len(r.text) < 4:
                continue
            hits = [
                e
                for j, e in enumerate(ew)
                if j > 0 and e.text[:1].isupper() and name_similarity(r.text, e.text) >= 0.8
            ]
            if len(hits) != 1 or sum(name_similarity(x.text, hits[0].text) >= 0.8 for x in rw) != 1:
                continue
            e = hits[0]
            # a first name + surname pair is deleted together (a noun phrase)
            nr = rw[k + 1] if k + 1 < len(rw) else None
            ne = next((x for x in ew if x.start > e.end), None)
            if (
                nr
                and ne
                and nr.text[:1].isupper()
                and ne.text[:1].isupper()
                and seg.ru[r.end : nr.start] == " "
                and seg.en[e.end : ne.start] == " "
                and name_similarity(nr.text, ne.text) >= 0.8
            ):
                out.append(((r.start, nr.end), (e.start, ne.end), "name_phrase_del"))
            else:
                out.append(((r.start, r.end), (e.start, e.end), "name_del"))
        return out

    def _adjective_pairs(self, seg: _Seg) -> list[tuple[tuple[int, int], tuple[int, int], str]]:
        rw = [w for w in words(seg.ru) if w.text.isalpha() and _is_ru_adjective(w.text)]
        ew = [
            w
            for k, w in enumerate(words(seg.en))
            if w.text.isalpha() and w.text.islower() and len(w.text) > 3 and k > 0
        ]
        if not rw or not ew:
            return []
        # the English word must be followed by a word (a prenominal modifier)
        ew = [w for w in ew if re.match(r" [A-Za-z]", seg.en[w.end : w.end + 2])]
        if not ew:
            return []
        all_en = [w for w in words(seg.en) if w.text.isalpha()]
        vr = self.encoder.embed([w.text for w in rw])
        ve = self.encoder.embed([w.text for w in all_en])
        sim = vr @ ve.T
        out = []
        for i, r in enumerate(rw):
            j = int(sim[i].argmax())
            e = all_en[j]
            if sim[i, j] < 0.7 or e not in ew:
                continue
            col = sim[:, j]
            if int(col.argmax()) != i:
                continue
            out.append(((r.start, r.end), (e.start, e.end), "adjective_del"))
        return out

    def phrase_ins(self, seg: _Seg, rng: random.Random, adjectives: Sequence[str]) -> bool:
        dets = list(_EN_DET.finditer(seg.en))
        if dets and adjectives and rng.random() < 0.5:
            m = rng.choice(dets)
            adj = rng.choice(adjectives)
            at = m.end()
            new = seg.en[:at] + adj + " " + seg.en[at:]
            new = _fix_article(new, at)
            shift = len(new) - len(seg.en) - len(adj) - 1
            seg.en = new
            s = at + shift
            seg.gold.append(("en", s, s + len(adj), "word", "addition", "adjective_ins"))
            return True
        m = re.search(r"[.!?]?[\"”’»]?$", seg.en)
        at = m.start() if m else len(seg.en)
        if _words_n(seg.en) < 5 or at == 0 or not seg.en[at - 1].isalnum():
            return False
        pp = self._foreign_pp(rng)
        seg.en = seg.en[:at] + " " + pp + seg.en[at:]
        seg.gold.append(("en", at + 1, at + 1 + len(pp), "word", "addition", "phrase_ins"))
        return True

    # -- one document
    def perturb(self, doc: SourceDoc, index: int, adjectives: Sequence[str]) -> list[_Seg]:
        rng = random.Random(f"{self.seed}-{doc.doc_id}")
        segs = [_Seg(r, e, p) for p, para in enumerate(doc.paragraphs) for r, e in para]
        n_pert = max(1, min(len(PERTURBATIONS) + 1, len(segs) // 3))
        order = [PERTURBATIONS[(index + k) % len(PERTURBATIONS)] for k in range(n_pert)]
        deleted_at: int | None = None
        inserts: list[tuple[int, str]] = []
        for kind in order:
            free = [i for i, s in enumerate(segs) if not s.touched]
            rng.shuffle(free)
            if kind == "sent_ins":
                at = rng.choice(range(len(segs)))
                if deleted_at is not None and rng.random() < 0.5:
                    at = deleted_at  # replaces the deleted one: orphan next to orphan
                inserts.append((at, self._foreign_segment(rng, doc.doc_id)))
                continue
            for i in free:
                s = segs[i]
                if kind == "sent_del":
                    ok = self.sent_del(s, rng)
                    if ok:
                        deleted_at = i
                elif kind == "clause_ins":
                    ok = self.clause_ins(s, rng, doc.doc_id)
                elif kind == "clause_del":
                    ok = self.clause_del(s, rng)
                elif kind == "word_del":
                    ok = self.word_del(s, rng)
                else:
                    ok = self.phrase_ins(s, rng, adjectives)
                if ok:
                    s.touched = True
                    break
            else:
                if kind == "clause_del":  # no identifiable clause: insert a Russian one
                    for i in free:
                        if self._insert_clause(segs[i], rng, doc.doc_id, "ru"):
                            segs[i].touched = True
                            break
        for at, text in sorted(inserts, reverse=True):
            para = segs[at].para
            if segs[at].en and not ends_sentence(segs[at].en) and at + 1 < len(segs):
                para = segs[at + 1].para  # after a headline: the first sentence of the body
            new = _Seg("", text, para, touched=True, inserted=True)
            new.gold.append(("en", 0, len(text), "sentence", "addition", "sent_ins"))
            segs.insert(at + 1, new)
        return segs


def _assemble(doc_id: str, segs: Sequence[_Seg]) -> tuple[list[str], list[str], list[Gold]]:
    """Paragraph texts of both sides and the gold spans (offsets into those paragraphs)."""
    out: dict[str, list[str]] = {"ru": [], "en": []}
    gold: list[Gold] = []
    for lang in ("ru", "en"):
        paras: dict[int, list[tuple[str, _Seg]]] = {}
        for s in segs:
            text = s.ru if lang == "ru" else s.en
            if text:
                paras.setdefault(s.para, []).append((text, s))
        for p in sorted(paras):
            buf = ""
            for text, s in paras[p]:
                if buf:
                    buf += " "
                base = len(buf)
                buf += text
                for side, a, b, kind, direction, method in s.gold:
                    if side == lang:
                        g = Gold(
                            doc_id,
                            lang,
                            len(out[lang]),
                            base + a,
                            base + b,
                            text[a:b],
                            kind,
                            direction,
                            method,
                        )
                        gold.append(g)
            out[lang].append(buf)
    return out["ru"], out["en"], gold


def _adjective_pool(builder: _Builder, docs: Sequence[SourceDoc], n: int = 40) -> list[str]:
    """English adjectives of the split (USE-matched to pymorphy3 Russian adjectives)."""
    pool: list[str] = []
    for d in docs[:n]:
        for s in d.segments[:6]:
            seg = _Seg(s[0], s[1], 0)
            pool += [seg.en[e[0] : e[1]] for _, e, _m in builder._adjective_pairs(seg)]
    return sorted(set(pool))


def english_is_russian(doc: SourceDoc) -> bool:
    segs = doc.segments
    return sum(is_cyrillic(e) for _, e in segs) * 2 > len(segs)


def build_realdoc(
    encoder: TextEncoder,
    data: Path,
    split: str,
    out: Path,
    limit: int | None = None,
    seed: int = SEED,
) -> Path:
    """Write the benchmark corpus of ``split`` to ``out`` (a new folder) and return it.

    ``limit``: the first N documents of each source (WMT, NTREX) only."""
    from align.ingest import read_pair

    check_split(split)
    docs = {"wmt": load_wmt(data, split), "ntrex": load_ntrex(data, split)}
    # foreign material comes from every document of the split, even with a limit, except a
    # document whose "English" side is Russian (wmt23-infox.ru.36099: its text was inserted
    # into English sides as "English" sentences and clauses in v2)
    pools = {k: [d for d in v if not english_is_russian(d)] for k, v in docs.items()}
    if limit is not None:
        docs = {k: v[:limit] for k, v in docs.items()}
    tmp = out.with_name(out.name + ".tmp")
    if tmp.exists():
        import shutil

        shutil.rmtree(tmp)
    tmp.mkdir(parents=True)
    gold_rows: list[Gold] = []
    for src, items in docs.items():
        builder = _Builder(encoder, pools[src], seed)
        adjectives = _adjective_pool(builder, pools[src])
        for index, doc in enumerate(items):
            segs = builder.perturb(doc, index, adjectives)
            ru, en, gold = _assemble(_SAFE_ID.sub("_", doc.doc_id), segs)
            folder = tmp / _SAFE_ID.sub("_", doc.doc_id)
            folder.mkdir()
            (folder / "ru.txt").write_text("\n\n".join(ru) + "\n", encoding="utf-8")
            (folder / "en.txt").write_text("\n\n".join(en) + "\n", encoding="utf-8")
            try:
                pair = read_pair(folder)
            except InputError:  # the reader refuses it (e.g. an "English" side in Cyrillic)
                pair = None
            if pair is None or list(pair.ru.paragraphs) != ru or list(pair.en.paragraphs) != en:
                # refused, or a leading dateline paragraph (metadata to the reader): skip it
                import shutil

                shutil.rmtree(folder)
                continue
            gold_rows += gold
    (tmp / "corpus.toml").write_text(
        f'name = "realdoc-{split}"\ndescription = "divergence benchmark (align.bench.realdoc), '
        f'split {split}, seed {seed}"\n',
        encoding="utf-8",
    )
    with (tmp / "gold.jsonl").open("w", encoding="utf-8") as f:
        for g in gold_rows:
            f.write(json.dumps(asdict(g), ensure_ascii=False) + "\n")
    if out.exists():
        import shutil

        shutil.rmtree(out)
    tmp.rename(out)
    return out


def load_gold(folder: Path) -> list[Gold]:
    path = folder / "gold.jsonl"
    if not path.is_file():
        raise InputError(path, "benchmark gold file not found")
    return [Gold(**json.loads(line)) for line in path.read_text(encoding="utf-8").splitlines()]


# ---------------------------------------------------------------- evaluation
Interval = tuple[int, int, int]  # paragraph, start, end


def bead_spans(aligned: AlignedPair, bead: Bead, lang: Lang, spans) -> list[list[Interval]]:
    """Map spans (offsets into the bead's side text) to paragraph intervals, one list per span."""
    sents = aligned.seg.sents(lang)
    ids = bead.ru_ids if lang == "ru" else bead.en_ids
    pos = 0
    layout = []  # (bead offset, sentence)
    for i in ids:
        layout.append((pos, sents[i]))
        pos += len(sents[i].text) + 1
    out = []
    for sp in spans:
        pieces = []
        for off, s in layout:
            a, b = max(sp.start, off), min(sp.end, off + len(s.text))
            if a < b:
                pieces.append((s.para, s.start + a - off, s.start + b - off))
        out.append(pieces)
    return out


def _overlap(a: Sequence[Interval], b: Sequence[Interval]) -> int:
    n = 0
    for p, s, e in a:
        for q, t, f in b:
            if p == q:
                n += max(0, min(e, f) - max(s, t))
    return n


def _size(a: Sequence[Interval]) -> int:
    return sum(e - s for _, s, e in a)


@dataclass
class _Counts:
    gold: int = 0
    found: int = 0
    pred_ok: int = 0
    pred_bad: int = 0


def evaluate_aligned(
    aligned: Sequence[AlignedPair], gold: Sequence[Gold]
) -> dict[str, float | int]:
    """Recall / precision per kind and direction, and false alarms on untouched beads.

    * A gold span is *found* when predicted spans on its side cover at least half of it; for the
      word kind the predicted spans that overlap it must also be short (at most
      ``max(3 * len(gold), len(gold) + 30)`` characters in all): a clause is not a word.
    * A predicted span is *correct* when at least half of it lies inside gold spans of its side;
      it counts towards the kind of the gold it overlaps most, a wrong one towards the kind of
      its size (a whole sentence: sentence; 40 characters or fewer: word; else clause).
    * A bead is *untouched* when none of its sentences holds gold characters on either side; a
      false alarm is an untouched bead labelled anything but equivalent.
    """
    by_doc: dict[str, list[Gold]] = {}
    for g in gold:
        by_doc.setdefault(g.doc, []).append(g)
    counts = {(k, d): _Counts() for k in KINDS for d in DIRECTIONS}
    untouched = flagged = 0
    for ap in aligned:
        golds = by_doc.get(ap.doc_id, [])
        side_gold = {
            lang: [(g, [(g.para, g.start, g.end)]) for g in golds if g.side == lang]
            for lang in ("ru", "en")
        }
        preds: dict[str, list[list[Interval]]] = {"ru": [], "en": []}
        for b in ap.beads:
            preds["ru"] += bead_spans(ap, b, "ru", b.omitted_spans)
            preds["en"] += bead_spans(ap, b, "en", b.added_spans)
            touched = False
            for lang in ("ru", "en"):
                ids = b.ru_ids if lang == "ru" else b.en_ids
                sents = ap.seg.sents(lang)
                iv = [(sents[i].para, sents[i].start, sents[i].end) for i in ids]
                if any(_overlap(iv, gi) for _, gi in side_gold[lang]):
                    touched = True
            if not touched:
                untouched += 1
                flagged += b.divergence_label != "equivalent"
        for lang, direction in (("ru", "omission"), ("en", "addition")):
            gl = side_gold[lang]
            for g, gi in gl:
                c = counts[(g.kind, direction)]
                c.gold += 1
                hits = [p for p in preds[lang] if _overlap(p, gi)]
                cov = sum(_overlap(p, gi) for p in hits)
                ok = cov * 2 >= _size(gi)
                if ok and g.kind == "word":
                    n = _size(gi)
                    ok = sum(_size(p) for p in hits) <= max(3 * n, n + 30)
                c.found += ok
            sents = ap.seg.sents(lang)  # type: ignore[arg-type]
            for p in preds[lang]:
                ov = [(_overlap(p, gi), g) for g, gi in gl]
                inside = sum(o for o, _ in ov)
                if ov and inside * 2 >= _size(p):
                    g = max(ov, key=lambda t: t[0])[1]
                    counts[(g.kind, direction)].pred_ok += 1
                    continue
                counts[(_size_kind(p, sents), direction)].pred_bad += 1
    out: dict[str, float | int] = {}
    for (k, d), c in counts.items():
        out[f"{k}_{d}_n"] = c.gold
        out[f"{k}_{d}_recall"] = c.found / c.gold if c.gold else float("nan")
        n_pred = c.pred_ok + c.pred_bad
        out[f"{k}_{d}_precision"] = c.pred_ok / n_pred if n_pred else float("nan")
    out["untouched_beads"] = untouched
    out["false_alarm"] = flagged / untouched if untouched else float("nan")
    return out


def _size_kind(p: Sequence[Interval], sents) -> str:
    """A wrong span's kind by its size: a whole sentence, <= 40 characters (about five words: a
    word or phrase), else a clause."""
    length = _size(p)
    for s in sents:
        for q, a, b in p:
            if q == s.para and a <= s.start + 2 and b >= s.end - 2:
                return "sentence"
    return "word" if length <= 40 else "clause"


def format_realdoc(results: dict[str, dict[str, float | int]]) -> str:
    """A table: rows kind/direction, columns n / recall / precision per configuration."""
    names = list(results)
    lines = ["| kind | direction | " + " | ".join(f"{n}: n / recall / precision" for n in names)]
    lines.append("|---|---|" + "---|" * len(names))
    for k in KINDS:
        for d in DIRECTIONS:
            cells = []
            for n in names:
                r = results[n]
                cells.append(
                    f"{r[f'{k}_{d}_n']} / {r[f'{k}_{d}_recall']:.3f} / "
                    f"{r[f'{k}_{d}_precision']:.3f}"
                )
            lines.append(f"| {k} | {d} | " + " | ".join(cells))
    cells = [f"{results[n]['false_alarm']:.2%} of {results[n]['untouched_beads']}" for n in names]
    lines.append("| untouched beads | false alarms | " + " | ".join(cells))
    return "\n".join(lines)


def bench_folder(
    split: str, limit: int | None, cache: Path | None = None, seed: int = SEED
) -> Path:
    """Where the benchmark corpus of ``split`` built with ``seed`` lives (built on first use)."""
    from align.bench.data import bench_dir

    root = cache or bench_dir()
    tag = f"{split}-{limit}" if limit is not None else split
    return root / f"realdoc-v{VERSION}-seed{seed}" / tag


def run_realdoc(
    encoder: TextEncoder,
    split: str,
    data: Path,
    cfg=None,
    limit: int | None = None,
    jobs: int | None = None,
    cache: Path | None = None,
    progress: bool = False,
    seed: int = SEED,
) -> tuple[dict[str, float | int], list[AlignedPair]]:
    """Build (once) and evaluate the benchmark through the whole pipeline (``run_corpus``).

    ``seed``: the perturbations' seed; the models are fitted on the dev build of ``SEED``, so
    a dev build with another seed (the same documents, other perturbations) shows how much of
    the dev numbers is fitted to that one draw."""
    from align.pipeline import run_corpus

    folder = bench_folder(split, limit, cache, seed)
    if not (folder / "gold.jsonl").is_file():
        build_realdoc(encoder, data, split, folder, limit, seed)
    res = run_corpus(folder, None, encoder=encoder, div_cfg=cfg, progress=progress, jobs=jobs)
    return evaluate_aligned(res.aligned, load_gold(folder)), res.aligned


def cmd_realdoc(args, data: Path) -> int:
    """``align eval-divergence --bench realdoc``: build (once, cached) and evaluate."""
    from align.divergence.scorer import DivergenceConfig
    from align.encoders import get_encoder

    encoder = get_encoder(args.encoder)
    cfg = DivergenceConfig()
    seed = SEED if args.seed is None else args.seed
    res, _ = run_realdoc(
        encoder,
        args.split,
        data,
        cfg,
        limit=args.limit,
        jobs=args.jobs,
        progress=not args.quiet,
        seed=seed,
    )
    docs = "all documents" if args.limit is None else f"first {args.limit} documents per source"
    print(
        f"real-document divergence benchmark v{VERSION}, {args.split} split ({docs}), perturbation seed "
        f"{seed}, encoder {encoder.model_name}, whole pipeline"
    )
    print(format_realdoc({"this scorer": res}))
    if args.out:
        from align.cli.args import is_stdout
        from align.io import atomic_files

        if is_stdout(args.out):
            print(json.dumps(res, indent=2))
        else:
            with atomic_files(args.out) as (tmp,):
                tmp.write_text(json.dumps(res, indent=2), encoding="utf-8")
    return 0
