"""Scale benchmark (issue 14): sentences/s and peak memory of `align run` on a synthetic JSON
Lines corpus, local engine with --jobs 1 and 2, Ray engine with 1 and 2 workers.

The corpus is built from the shared NTREX en-ru documents (123 documents, repeated: every copy
after the first shuffles the document order and the sentence order inside each document, the
same permutation on both sides; the third English sentence of each document is dropped), see
``align.bench.scale``. Each configuration is a fresh `python -m align run CORPUS --out OUT`
process; a sampler reads the RSS of the driver and of every process under it (forked workers,
Ray's raylet and actors) every 0.2 s.

    python scripts/bench_scale.py        # the defaults: what the README's table reports

The defaults: 1,000 documents cut to 8 sentences (~15,000 sentences, 16 shards of 64: enough
shards that Ray's last shard leaves an actor idle for a small part of the run) through the
four configurations, then local --jobs 2 on 2,000 and 20,000 documents cut to 2 sentences
(the driver's peak memory against corpus size; those runs' rates are not comparable to the
first). About 30 minutes on an idle 2-core machine: ~4 and ~2 minutes for local --jobs 1 and
2 at 1,000 documents, Ray a little more, ~2 and ~13 minutes for the memory runs. The issue's
20,000 full documents (~650k sentences) would take ~3 hours per configuration here.

Columns: sentences = both sides as segmented; s = wall time of the command from process start
(imports, model load, Ray start included); run s / sentences/s = the library call alone (from
the input pass to the assembled dataset, as `--timings` prints); efficiency = sentences/s with
2 workers / (2 x sentences/s with 1 worker) of the same engine.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from align.bench.scale import ntrex_rows, write_jsonl  # noqa: E402

CONFIGS = {
    "local --jobs 1": ["--jobs", "1"],
    "local --jobs 2": ["--jobs", "2"],
    "ray, 1 worker": ["--engine", "ray", "--jobs", "1"],
    "ray, 2 workers": ["--engine", "ray", "--jobs", "2"],
}
TIMINGS = re.compile(r"timings: (\d+) documents, (\d+) sentences .* in ([\d.]+) s")


class Sampler(threading.Thread):
    """Peak RSS (MB) of one process and of its whole process tree, and CPU seconds (user +
    system) of the driver and of every process of the tree (each process's last reading:
    a process that ends between two readings loses at most 0.2 s of its time)."""

    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.proc = psutil.Process(pid)
        self.driver = self.tree = self.worker = 0.0
        self.cpu: dict[tuple[int, float], float] = {}  # (pid, start time) -> CPU s
        self.loads: list[float] = []
        self.stop = threading.Event()

    def run(self) -> None:
        while not self.stop.is_set():
            try:
                procs = [self.proc, *self.proc.children(recursive=True)]
                rss = []
                for p in procs:
                    try:
                        with p.oneshot():
                            rss.append(p.memory_info().rss / 2**20)
                            t = p.cpu_times()
                            self.cpu[(p.pid, p.create_time())] = t.user + t.system
                    except psutil.Error:
                        rss.append(0.0)
                self.driver = max(self.driver, rss[0])
                self.worker = max([self.worker, *rss[1:]])
                self.tree = max(self.tree, sum(rss))
            except psutil.Error:
                pass
            self.loads.append(os.getloadavg()[0])
            time.sleep(0.2)

    def cpu_seconds(self) -> tuple[float, float]:
        """CPU s of the driver, and of all processes (driver included)."""
        driver = sum(v for (pid, _), v in self.cpu.items() if pid == self.proc.pid)
        return driver, sum(self.cpu.values())


def run(corpus: Path, out: Path, extra: list[str]) -> dict[str, float]:
    cmd = [sys.executable, "-m", "align", "run", str(corpus), "--out", str(out), "--top", "0"]
    cmd += ["--timings", *extra]
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "HF_DATASETS_OFFLINE": "1"}
    t0 = time.perf_counter()
    proc = subprocess.Popen(
        cmd, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True
    )
    sampler = Sampler(proc.pid)
    sampler.start()
    stdout, _ = proc.communicate()
    wall = time.perf_counter() - t0
    sampler.stop.set()
    sampler.join()
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed with exit code {proc.returncode}")
    m = TIMINGS.search(stdout)
    assert m, stdout[-500:]
    docs, sents, run_s = int(m[1]), int(m[2]), float(m[3])
    cpu_driver, cpu_all = sampler.cpu_seconds()
    return {
        "docs": docs,
        "sentences": sents,
        "wall": wall,
        "run": run_s,
        "rate": sents / run_s,
        "driver": sampler.driver,
        "worker": sampler.worker,
        "tree": sampler.tree,
        "cpu_driver": cpu_driver,
        "cpu_all": cpu_all,
        "load": sum(sampler.loads) / max(len(sampler.loads), 1),
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--docs", type=int, default=1000, help="documents in the corpus")
    ap.add_argument("--max-sentences", type=int, default=8, help="cut documents to N (0: no cut)")
    ap.add_argument(
        "--rss-docs",
        type=int,
        nargs="*",
        default=[2000, 20000],
        help="driver memory against corpus size: also run local --jobs 2 on these sizes",
    )
    ap.add_argument(
        "--rss-max-sentences", type=int, default=2, help="cut those documents to N sentences"
    )
    ap.add_argument("--configs", nargs="*", default=list(CONFIGS), choices=list(CONFIGS))
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-scale-") as tmp:
        work = Path(tmp)
        rows: list[tuple[str, dict[str, float]]] = []
        sizes = [(args.docs, args.max_sentences, args.configs)]
        sizes += [(n, args.rss_max_sentences, ["local --jobs 2"]) for n in args.rss_docs]
        for n, max_sents, configs in sizes:
            corpus = write_jsonl(ntrex_rows(n, max_sentences=max_sents), work / f"c{n}.jsonl")
            for name in configs:
                res = run(corpus, work / "out", CONFIGS[name])
                rows.append((name, res))
                print(name, {k: round(v, 1) for k, v in res.items()}, flush=True)
    rate = {(name, int(r["docs"])): r["rate"] for name, r in rows}
    print(
        "\n| configuration | documents | sentences | s (command) | s (run) | sentences/s "
        "| efficiency | peak RSS MB: driver / largest worker / all processes "
        "| CPU s: driver / all processes | load average |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|")
    for name, r in rows:
        eff = ""
        if name.endswith("2") or name.endswith("2 workers"):
            one = "local --jobs 1" if name.startswith("local") else "ray, 1 worker"
            base = rate.get((one, int(r["docs"])))
            eff = f"{r['rate'] / (2 * base):.2f}" if base else ""
        print(
            f"| {name} | {int(r['docs']):,} | {int(r['sentences']):,} | {r['wall']:.0f} | "
            f"{r['run']:.0f} | {r['rate']:.0f} | {eff} | {r['driver']:.0f} / {r['worker']:.0f} "
            f"/ {r['tree']:.0f} | {r['cpu_driver']:.1f} / {r['cpu_all']:.1f} | {r['load']:.1f} |"
        )


if __name__ == "__main__":
    main()
