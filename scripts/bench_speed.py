#!/usr/bin/env python
"""Speed and memory benchmark of the whole pipeline (issue: 1,000 sentences/s on 2 cores).

Inputs, rebuilt from ../shared/data/ntrex-enru into bench/speed/ (ignored by git):

* ``ntrex``: the 123 NTREX en-ru documents as a corpus (one sentence per line);
* ``long-1997``: all of them concatenated into one document pair (1,997 sentences a side);
* ``long-1k`` ... ``long-16k``: that pair repeated to 1k..16k lines a side. Copy number c
  (c >= 1) of a line gets ``(c) `` prepended on both sides, so no text repeats and the
  per-text embedding cache gives no unfair hits (a tag at the end, after the full stop, would
  be split off as a sentence of its own);
* ``textberg``: the 7 Text+Berg test documents (de-fr, one sentence per line), aligned and
  scored, timed from process start (imports and model load included);
* ``textberg-align``: the same, aligned only, in one process (what the issue's baseline did);
* ``ntrex-align``: the ``ntrex`` corpus read, segmented and aligned only (no scoring, no
  export), in one process, timed from process start;
* ``long-4k-align`` ... ``long-32k-align``: the same for one long document (the align stage's
  time against length, and its peak memory); ``long-32k`` and these are run only when named.

Each (input, run) is a fresh subprocess, so the peak resident memory (VmHWM) is its own (with
worker processes, the parent's; each forked worker's own peak is reported separately is not).
``total s``: wall-clock time of the pipeline call (``align run`` as a library call: read,
segment, align, score, export; the model already loaded, its load time reported beside it);
for ``textberg``, from process start, imports and model load included. Stage times: load (read
the corpus folder), segment, embed (time inside the encoder), align and score (their own time,
encoder excluded), export; with ``--jobs`` > 1 they are summed over the worker processes, so
they add up to more than the wall time. Throughput counts the sentences of both sides.
Reported: the median of ``--runs`` runs.

    python scripts/bench_speed.py                 # the default inputs, 3 runs each
    python scripts/bench_speed.py --inputs ntrex long-1997 --runs 1
    python scripts/bench_speed.py --inputs long-8k-align long-16k-align long-32k-align --runs 1
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

T_START = time.perf_counter()

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "data"
BENCH = ROOT / "bench" / "speed"
LONG_SIZES = {
    "long-1k": 1000,
    "long-2k": 2000,
    "long-4k": 4000,
    "long-8k": 8000,
    "long-16k": 16000,
    "long-32k": 32000,
}
# run when no --inputs are given (long-32k and the long documents aligned only are asked for)
DEFAULT_INPUTS = ["textberg", "textberg-align", "ntrex-align", "ntrex", "long-1997"]
DEFAULT_INPUTS += [n for n in LONG_SIZES if n != "long-32k"]
# the align stage alone on one long document (issue 15: linear time, peak RSS < 1 GB at 16k)
LONG_ALIGN = [f"{n}-align" for n in ("long-4k", "long-8k", "long-16k", "long-32k")]
ALL_INPUTS = [*DEFAULT_INPUTS, "long-32k", *LONG_ALIGN]
STAGES = ["load", "segment", "embed", "align", "score", "export"]


def ntrex_docs() -> list[tuple[str, list[str], list[str]]]:
    d = SHARED / "ntrex-enru"
    en = (d / "newstest2019-src.eng.txt").read_text(encoding="utf-8").splitlines()
    ru = (d / "newstest2019-ref.rus.txt").read_text(encoding="utf-8").splitlines()
    ids = (d / "DOCUMENT_IDS.tsv").read_text(encoding="utf-8").splitlines()
    docs: dict[str, tuple[list[str], list[str]]] = {}
    for doc_id, r, e in zip(ids, ru, en, strict=True):
        docs.setdefault(doc_id, ([], []))
        docs[doc_id][0].append(r)
        docs[doc_id][1].append(e)
    return [(k, v[0], v[1]) for k, v in docs.items()]


def write_doc(folder: Path, ru: list[str], en: list[str]) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "ru.txt").write_text("\n".join(ru) + "\n", encoding="utf-8")
    (folder / "en.txt").write_text("\n".join(en) + "\n", encoding="utf-8")


def build_inputs() -> None:
    """(Re)build the benchmark corpora under bench/speed/."""
    docs = ntrex_docs()
    for doc_id, ru, en in docs:
        write_doc(BENCH / "ntrex" / doc_id, ru, en)
    all_ru = [s for _, ru, _ in docs for s in ru]
    all_en = [s for _, _, en in docs for s in en]
    write_doc(BENCH / "long-1997" / "ntrex-all", all_ru, all_en)
    for name, n in LONG_SIZES.items():
        ru, en = [], []
        for i in range(n):
            c, k = divmod(i, len(all_ru))
            tag = f"({c}) " if c else ""
            ru.append(tag + all_ru[k])
            en.append(tag + all_en[k])
        write_doc(BENCH / name / f"ntrex-x{n}", ru, en)


def peak_rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def run_textberg(jobs: int | None, score: bool = True) -> dict:
    """Align and score the 7 Text+Berg test documents; time from process start. With
    ``score=False`` (input ``textberg-align``), align only, in one process: the work of the
    issue's baseline (bertalign's algorithm with the USE-m3 encoder)."""
    from align.alignment import AlignConfig
    from align.encoders import get_encoder
    from align.model import DocMeta, DocPair, Document
    from align.pipeline import StageTimes, default_jobs, process_pairs, quiet_libraries
    from align.segment import presegmented_pair

    quiet_libraries()
    t_load = time.perf_counter()
    enc = get_encoder("use-m3")
    model_load = time.perf_counter() - t_load
    tb = SHARED / "textberg"
    pairs = []
    for name in sorted(p.name for p in (tb / "de").iterdir()):
        de = (tb / "de" / name).read_text(encoding="utf-8").splitlines()
        fr = (tb / "fr" / name).read_text(encoding="utf-8").splitlines()
        # the toolkit's sides are named ru/en; here they carry German and French
        pairs.append(
            DocPair(name, Document(DocMeta("ru"), tuple(de)), Document(DocMeta("en"), tuple(fr)))
        )
    times = StageTimes()
    if not score:
        from align.alignment import align_pair

        e0 = enc.encode_seconds
        t = time.perf_counter()
        segs = [presegmented_pair(p) for p in pairs]
        for s in segs:
            align_pair(s, enc, AlignConfig(paragraphs=False))
        times.align = time.perf_counter() - t - (enc.encode_seconds - e0)
        times.embed = enc.encode_seconds - e0
        n_sents = sum(len(s.ru) + len(s.en) for s in segs)
        total = time.perf_counter() - T_START
        return {
            "sentences": n_sents,
            "total_s": total,
            "model_load_s": model_load,
            "jobs": 1,
            **times.as_dict(),
        }
    n_jobs = default_jobs(len(pairs)) if jobs is None else jobs
    aligned = process_pairs(
        pairs,
        enc,
        AlignConfig(paragraphs=False),
        jobs=n_jobs,
        progress=False,
        times=times,
        segment=presegmented_pair,
    )
    n_sents = sum(len(a.seg.ru) + len(a.seg.en) for a in aligned)
    total = time.perf_counter() - T_START
    return {
        "sentences": n_sents,
        "total_s": total,
        "model_load_s": model_load,
        "jobs": n_jobs,
        **times.as_dict(),
    }


def run_align_only(name: str) -> dict:
    """Read, segment and align (no scoring) the corpus bench/speed/NAME in one process, timed
    from process start (imports and model load included)."""
    from align.alignment import align_pair
    from align.encoders import get_encoder
    from align.ingest import read_corpus
    from align.pipeline import StageTimes, quiet_libraries
    from align.segment import segment_pair

    quiet_libraries()
    t_load = time.perf_counter()
    enc = get_encoder("use-m3")
    model_load = time.perf_counter() - t_load
    times = StageTimes()
    t = time.perf_counter()
    corpus = read_corpus(BENCH / name)
    times.load = time.perf_counter() - t
    n_sents = 0
    for pair in corpus.pairs:
        enc.clear_cache()  # as the pipeline does per document
        t = time.perf_counter()
        seg = segment_pair(pair)
        times.segment += time.perf_counter() - t
        e0 = enc.encode_seconds
        t = time.perf_counter()
        align_pair(seg, enc)
        times.embed += enc.encode_seconds - e0
        times.align += time.perf_counter() - t - (enc.encode_seconds - e0)
        n_sents += len(seg.ru) + len(seg.en)
    return {
        "sentences": n_sents,
        "total_s": time.perf_counter() - T_START,
        "model_load_s": model_load,
        "jobs": 1,
        **times.as_dict(),
    }


def run_corpus_timed(name: str, jobs: int | None) -> dict:
    """One ``align run`` over bench/speed/NAME (library call) with per-stage times."""
    from align.encoders import get_encoder
    from align.pipeline import run_corpus

    t0 = time.perf_counter()
    enc = get_encoder("use-m3")
    model_load = time.perf_counter() - t0
    with tempfile.TemporaryDirectory() as tmp:
        t = time.perf_counter()
        res = run_corpus(BENCH / name, Path(tmp) / "out", encoder=enc, progress=False, jobs=jobs)
        wall = time.perf_counter() - t
    n = sum(len(a.seg.ru) + len(a.seg.en) for a in res.aligned)
    return {
        "sentences": n,
        "total_s": wall,
        "model_load_s": model_load,
        "jobs": res.jobs,
        **res.times.as_dict(),
    }


def child(name: str, jobs: int | None) -> None:
    if name.startswith("textberg"):
        res = run_textberg(jobs, score=name == "textberg")
    elif name.endswith("-align"):  # ntrex-align, long-16k-align, ...
        res = run_align_only(name.removesuffix("-align"))
    else:
        res = run_corpus_timed(name, jobs)
    res["peak_rss_mb"] = peak_rss_mb()
    # the largest forked worker's own peak (a fork shares the parent's pages until written)
    res["worker_peak_rss_mb"] = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print("RESULT " + json.dumps(res))


def main() -> None:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--inputs", nargs="+", default=DEFAULT_INPUTS, choices=ALL_INPUTS)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--jobs", type=int, default=None, help="worker processes (default: cores)")
    ap.add_argument("--child", help=argparse.SUPPRESS)
    ap.add_argument("--json", type=Path, default=BENCH / "results.json")
    args = ap.parse_args()
    if args.child:
        child(args.child, args.jobs)
        return
    build_inputs()
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "HF_DATASETS_OFFLINE": "1", "PYTHONPATH": str(ROOT)}
    results: dict[str, dict] = {}
    from tqdm import tqdm

    todo = [(name, r) for name in args.inputs for r in range(args.runs)]
    runs: dict[str, list[dict]] = {}
    for name, _ in tqdm(todo, desc="benchmark runs", unit="run"):
        proc = subprocess.run(
            [sys.executable, __file__, "--child", name]
            + ([] if args.jobs is None else ["--jobs", str(args.jobs)]),
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        line = [ln for ln in proc.stdout.splitlines() if ln.startswith("RESULT ")]
        if proc.returncode != 0 or not line:
            sys.exit(f"benchmark run {name} failed:\n{proc.stderr[-3000:]}")
        runs.setdefault(name, []).append(json.loads(line[0][7:]))
    for name, rs in runs.items():
        keys = rs[0].keys()
        results[name] = {k: statistics.median(r[k] for r in rs) for k in keys}
        results[name]["runs"] = len(rs)
    args.json.parent.mkdir(parents=True, exist_ok=True)
    from align.encoders import machine_description  # after the timed runs: no import cost in them

    args.json.write_text(
        json.dumps({"machine": machine_description(), "results": results}, indent=2)
    )

    print(
        f"machine: {machine_description()}; median of {args.runs} run(s); command: python scripts/bench_speed.py"
    )
    print(
        "| input | sentences (both sides) | total s | sent/s | "
        + " | ".join(STAGES)
        + " | model load s | peak RSS MB (main / largest worker) |"
    )
    print("|---" * (6 + len(STAGES)) + "|")
    for name, r in results.items():
        stages = " | ".join(f"{r.get(s, float('nan')):.2f}" for s in STAGES)
        print(
            f"| {name} | {r['sentences']:.0f} | {r['total_s']:.2f} | {r['sentences'] / r['total_s']:.0f} | "
            f"{stages} | {r['model_load_s']:.2f} | {r['peak_rss_mb']:.0f} / "
            f"{r['worker_peak_rss_mb']:.0f} |"
        )


if __name__ == "__main__":
    main()
