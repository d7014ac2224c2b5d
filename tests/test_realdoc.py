"""Real-document divergence benchmark, sentence units, clause/word models and the calibrated score,
on small slices of the shared data with the real encoder."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from align.bench.realdoc import (
    SEED,
    VERSION,
    SourceDoc,
    _assemble,
    _Builder,
    build_realdoc,
    evaluate_aligned,
    load_gold,
    load_wmt,
)
from align.divergence import DivergenceConfig, score_texts
from align.divergence.decision import CLAUSE_FEATURES, WORD_FEATURES
from align.divergence.fitted import load_model
from align.divergence.units import UNIT_FEATURES, Layout
from align.ingest import read_corpus
from align.model import Span

SHARED = Path(__file__).resolve().parents[2] / "shared" / "data"
needs_data = pytest.mark.skipif(not SHARED.is_dir(), reason="../shared/data is not available")


@pytest.fixture(scope="module")
def small_bench(tmp_path_factory, encoder) -> Path:
    if not SHARED.is_dir():
        pytest.skip("../shared/data is not available")
    return build_realdoc(encoder, SHARED, "dev", tmp_path_factory.mktemp("rd") / "bench", limit=2)


@needs_data
def test_benchmark_gold_spans_are_exact_and_deterministic(small_bench, encoder, tmp_path):
    gold = load_gold(small_bench)
    corpus = read_corpus(small_bench)
    paras = {
        (p.doc_id, lang): p.side(lang).paragraphs for p in corpus.pairs for lang in ("ru", "en")
    }
    assert len(corpus.pairs) == 4  # two WMT and two NTREX dev documents
    for g in gold:  # offsets point into the paragraphs exactly as the reader returns them
        assert paras[(g.doc, g.side)][g.para][g.start : g.end] == g.text
        assert (g.side == "ru") == (g.direction == "omission")
    assert {g.kind for g in gold} == {"sentence", "clause", "word"}
    again = build_realdoc(encoder, SHARED, "dev", tmp_path / "again", limit=2)
    assert load_gold(again) == gold
    other = load_gold(build_realdoc(encoder, SHARED, "dev", tmp_path / "s1", limit=2, seed=1))
    assert {g.doc for g in other} == {g.doc for g in gold}  # same documents,
    assert other != gold  # other perturbations


def test_inserted_sentences_are_english_sentences_never_glued_to_a_headline(encoder):
    # v2 of the benchmark drew headlines and the Cyrillic "English" of a WMT document as
    # inserted English sentences, and appended them to a headline's paragraph (no stop between)
    foreign = [
        SourceDoc("ru-as-en", "wmt", [[("Раз два три четыре пять шесть.", "Раз два три четыре пять шесть семь.")]]),
        SourceDoc("f", "wmt", [[("Заголовок", "A headline of six words here")],
                               [("Текст.", "One two three four five six seven.")]]),
    ]  # fmt: skip
    doc = SourceDoc(
        "d",
        "wmt",
        [[("Первый заголовок", "First headline")], [("Второй", "Second headline")],
         [("Тело.", "The body sentence is here.")]],
    )  # fmt: skip
    for seed in range(12):
        segs = _Builder(encoder, foreign, seed).perturb(doc, 1, [])  # index 1: sent_ins first
        _, en, gold = _assemble("d", segs)
        (ins,) = [g for g in gold if g.method == "sent_ins"]
        assert ins.text == "One two three four five six seven."
        before = en[ins.para][: ins.start].rstrip()
        assert not before or before.endswith(".")


@needs_data
def test_split_is_by_document():
    dev = {d.doc_id for d in load_wmt(SHARED, "dev")}
    test = {d.doc_id for d in load_wmt(SHARED, "test")}
    assert not dev & test
    assert abs(len(dev) / (len(dev) + len(test)) - 0.4) < 0.01


@needs_data
def test_whole_pipeline_evaluation(small_bench, encoder):
    from align.pipeline import run_corpus

    run = run_corpus(small_bench, None, encoder=encoder, progress=False, jobs=1)
    res = evaluate_aligned(run.aligned, load_gold(small_bench))
    assert res["untouched_beads"] > 0
    assert 0.0 <= res["false_alarm"] <= 1.0
    for kind in ("sentence", "clause", "word"):
        for d in ("omission", "addition"):
            r = res[f"{kind}_{d}_recall"]
            assert math.isnan(r) or 0.0 <= r <= 1.0
    # the deleted English sentences are found as omitted Russian text
    assert res["sentence_omission_recall"] >= 0.5


@needs_data
def test_sentence_inside_a_merged_bead_is_omitted(encoder):
    """A Russian sentence whose English was deleted, aligned 2-1 with its neighbour (real WMT
    text), is reported whole; the faithful 2-2 version of the same bead is not."""
    doc = next(d for d in load_wmt(SHARED, "dev") if len(d.segments) >= 6)
    (r1, e1), (r2, e2) = doc.segments[3], doc.segments[4]
    ru = f"{r1} {r2}"
    lay_ru = [Span(r1, 0, len(r1)), Span(r2, len(r1) + 1, len(ru))]
    both = f"{e1} {e2}"
    lay_both = [Span(e1, 0, len(e1)), Span(e2, len(e1) + 1, len(both))]
    merged, faithful = score_texts(
        [(ru, e2), (ru, both)],
        encoder,
        layouts=[Layout(lay_ru, [Span(e2, 0, len(e2))]), Layout(lay_ru, lay_both)],
    )
    assert merged.label in ("omission", "omission+addition")
    covered = sum(min(s.end, len(r1)) - s.start for s in merged.omitted if s.start < len(r1))
    assert covered >= 0.8 * len(r1)
    assert faithful.label == "equivalent"


@needs_data
def test_unrelated_one_to_one_is_omission_and_addition(encoder):
    docs = load_wmt(SHARED, "dev")
    ru = docs[0].segments[3][0]
    en = docs[5].segments[3][1]
    (res,) = score_texts([(ru, en)], encoder)
    assert res.label == "omission+addition"


def test_model_file_names_every_feature():
    model = load_model()
    assert set(model["clauses"]["weights"]) == set(CLAUSE_FEATURES)
    assert set(model["units"]["weights"]) == set(UNIT_FEATURES)
    assert set(model["words"]["weights"]) == set(WORD_FEATURES)
    assert "rank" in model["score"]["weights"]
    for part in ("clauses", "units", "words", "rank", "score"):
        assert model[part]["fitted_on"]
    assert 0.0 < model["score"]["threshold"] < 1.0


@needs_data
def test_label_agrees_with_calibrated_score(encoder):
    from align.bench.divergence import load_demetr

    items = load_demetr(SHARED / "demetr-ru", "dev")[:10]
    thr = load_model()["score"]["threshold"]
    res = score_texts([(it.src, x) for it in items for x in (it.mt, it.pert)], encoder)
    for r in res:
        assert (r.label != "equivalent") == (r.score > thr)
        assert bool(r.omitted or r.added) == (r.label != "equivalent")
    raw = score_texts([(items[0].src, items[0].mt)], encoder, DivergenceConfig(calibrated=False))
    assert 0.0 <= raw[0].score <= 1.0


def test_seed_only_the_dropped_paragraph_is_flagged(seed_run):
    beads = seed_run.aligned[0].beads
    flagged = [b for b in beads if b.divergence_label != "equivalent"]
    assert [b.alignment_type for b in flagged] == ["1-0"]
    assert "Патриот" in flagged[0].omitted_spans[0].text
    thr = load_model()["score"]["threshold"]
    assert all((b.divergence_score > thr) == (b in flagged) for b in beads)


@needs_data
def test_eval_divergence_realdoc_command(tmp_path, monkeypatch):
    import json

    from align.cli import main

    monkeypatch.setenv("ALIGN_BENCH_DIR", str(tmp_path / "benchmarks"))
    out = tmp_path / "res.json"
    args = ["eval-divergence", "--bench", "realdoc", "--split", "dev", "--limit", "1"]
    assert main([*args, "--jobs", "1", "--out", str(out), "-q"]) == 0
    res = json.loads(out.read_text(encoding="utf-8"))
    assert res["untouched_beads"] > 0 and "sentence_omission_recall" in res
    assert (tmp_path / "benchmarks" / f"realdoc-v{VERSION}-seed{SEED}" / "dev-1").is_dir()
    assert main([*args, "--seed", "7", "--jobs", "1", "-q"]) == 0
    assert (tmp_path / "benchmarks" / f"realdoc-v{VERSION}-seed7" / "dev-1").is_dir()


@needs_data
def test_a_headline_whose_translation_was_deleted_is_omitted(tmp_path, encoder):
    """A real WMT Russian headline (a paragraph of its own) whose English headline was deleted:
    the aligner merges it with the lead into a 2-1 bead across the paragraph boundary, and the
    sentence unit reports it whole (``para_extra``); the faithful bead is not flagged."""
    from align.divergence.units import bead_layouts
    from align.pipeline import run_corpus

    doc = next(d for d in load_wmt(SHARED, "dev") if d.doc_id == "wmt21-lgng.99319")
    headline, body = doc.paragraphs[0], doc.paragraphs[1][:6]
    folder = tmp_path / "corpus" / "doc"
    folder.mkdir(parents=True)
    (folder / "ru.txt").write_text(f"{headline[0][0]}\n\n" + " ".join(r for r, _ in body) + "\n")
    (folder / "en.txt").write_text(" ".join(e for _, e in body) + "\n")
    (ap,) = run_corpus(tmp_path / "corpus", None, encoder=encoder, jobs=1).aligned
    title = ap.seg.ru[0]
    assert title.text == headline[0][0]
    bead = next(b for b in ap.beads if title.idx in b.ru_ids)
    ru_text = ap.text(bead, "ru")
    assert any(s.start <= 2 and s.end >= len(title.text) - 2 for s in bead.omitted_spans)
    assert bead.alignment_type == "2-1" and ru_text.startswith(title.text)  # merged with the lead
    # both Russian sentences are their paragraph's only one in the bead; the cosines pick one
    assert len(bead_layouts(ap)[ap.beads.index(bead)].extra("ru")) == 2
    assert not any(s.start > len(title.text) for s in bead.omitted_spans)
    others = [b for b in ap.beads if b is not bead]
    assert all(b.divergence_label == "equivalent" for b in others)
    # without the paragraph evidence (--no-paragraphs' scorer setting) the headline is missed
    cfg = DivergenceConfig(use_paragraphs=False)
    (ap,) = run_corpus(tmp_path / "corpus", None, encoder=encoder, div_cfg=cfg, jobs=1).aligned
    bead = next(b for b in ap.beads if title.idx in b.ru_ids)
    assert bead.alignment_type == "2-1" and bead.divergence_label == "equivalent"
