"""The Ray engine on a real local Ray cluster (two CPUs, two actors) gives the rows of the local
engine, for 50 short NTREX documents; the cluster is shut down at the end.

Both engines run with two workers. Rows must be equal, floats included (bit-identical since
issue 18 made the scores independent of the process and the thread count).
"""

from __future__ import annotations

import pytest

from align.bench.scale import ntrex_rows, write_jsonl
from align.ray_engine import PACKAGE_ROOT
from align.sources import open_source
from align.stream import StreamOptions, run_stream

ray = pytest.importorskip("ray")


@pytest.fixture
def ray_cluster():
    from align.ray_engine import connect

    assert not ray.is_initialized()
    started = connect(None, 2)  # a local cluster: head + 2 CPUs, the package on the path
    try:
        # the workers import this checkout's package (through the environment they inherit)
        where = ray.get(ray.remote(lambda: __import__("align").__file__).remote())
        assert where.startswith(str(PACKAGE_ROOT))
        yield
    finally:
        if started:
            ray.shutdown()


def test_ray_engine_gives_the_rows_of_the_local_engine(tmp_path, ntrex_lines, ray_cluster):
    src = write_jsonl(ntrex_rows(50, max_sentences=3), tmp_path / "c.jsonl")
    opts = StreamOptions(shard_docs=8)
    local = run_stream(open_source(src), tmp_path / "local", options=opts, jobs=2, progress=False)
    on_ray = run_stream(
        open_source(src), tmp_path / "ray", options=opts, engine="ray", jobs=2, progress=False
    )
    assert on_ray.n_docs == local.n_docs == 50
    for config in ("sentences", "documents"):
        a, b = local.dataset[config].to_list(), on_ray.dataset[config].to_list()
        assert len(a) == len(b) > 0
        assert [r["doc_id"] for r in a] == [r["doc_id"] for r in b]
        assert a == b
    assert not (tmp_path / "ray.shards").exists()
    assert ray.is_initialized()  # joined the test's cluster, left it running for its owner
