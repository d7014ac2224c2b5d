"""Time `align run` on text without sentence punctuation (docs/reliability.md, limits).

Writes a one-pair corpus whose Russian and English sides are each one paragraph of N characters
with no sentence punctuation, runs the whole pipeline on it with one worker, and prints the wall
time, the stage times and the number of pieces the text was cut into.

    PYTHONPATH=. python scripts/bench_long_sentence.py --chars 40000 200000
"""

from __future__ import annotations

import argparse
import random
import tempfile
import time
from pathlib import Path

from align.pipeline import run_corpus

RU = [
    "слово",
    "дом",
    "идти",
    "город",
    "страна",
    "время",
    "человек",
    "работа",
    "вопрос",
    "день",
    "министр",
    "заявил",
]
EN = [
    "word",
    "house",
    "go",
    "city",
    "country",
    "time",
    "person",
    "work",
    "question",
    "day",
    "minister",
    "said",
]


def write_corpus(folder: Path, chars: int, seed: int = 1) -> Path:
    rng = random.Random(seed)
    idx = [rng.randrange(len(RU)) for _ in range(chars // 5)]
    doc = folder / "doc"
    doc.mkdir(parents=True)
    (doc / "ru.txt").write_text(" ".join(RU[i] for i in idx)[:chars] + "\n", encoding="utf-8")
    (doc / "en.txt").write_text(" ".join(EN[i] for i in idx)[:chars] + "\n", encoding="utf-8")
    return folder


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--chars", type=int, nargs="+", default=[40_000, 200_000])
    args = ap.parse_args()
    for chars in args.chars:
        with tempfile.TemporaryDirectory() as tmp:
            corpus = write_corpus(Path(tmp) / "c", chars)
            t0 = time.perf_counter()
            res = run_corpus(corpus, Path(tmp) / "out", progress=False, jobs=1)
            wall = time.perf_counter() - t0
            a = res.aligned[0]
            stages = ", ".join(f"{k} {v:.1f}" for k, v in res.times.as_dict().items())
            print(
                f"{chars} characters a side: {wall:.1f} s ({stages}; model load "
                f"{res.model_load_s:.1f}); pieces: {len(a.seg.ru)} ru / {len(a.seg.en)} en"
            )


if __name__ == "__main__":
    main()
