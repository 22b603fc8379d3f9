"""Exact cosine top-k search through an int8 copy of the unit rows.

A full float32 scan of GloVe 400k x 50 reads 80 MB per query. This index scans
a 20 MB int8 copy instead and then re-ranks a few candidates exactly.

Why the candidates always contain the true top-k: each unit row ``u_i`` is
stored as ``s_i * c_i`` with ``c_i`` in int8 and an error ``e_i = u_i - s_i
c_i`` whose norm is at most ``eps`` for every row. For a unit query ``q`` the
approximate score ``a_i = s_i c_i . q`` differs from the true score by
``|e_i . q| <= eps``. If ``A_k`` is the k-th largest approximate score, k rows
have a true score of at least ``A_k - eps``, so every row of the true top-k
has a true score of at least that and an approximate score of at least
``A_k - 2 eps``. The index returns every row above that line (with a margin
for float32 rounding).

3CosMul uses the same bound term by term: each cosine lies within ``eps``
(times the query's norm) of its approximation, and the score only grows with
the positive cosines and shrinks with the negative ones, so every row has a
lower and an upper bound on its score. A row whose upper bound is below the
k-th largest lower bound cannot be in the top-k.
"""

from __future__ import annotations

import logging
import threading

import numpy as np
from numba import njit, prange

logger = logging.getLogger(__name__)

BLOCK = 4096
ROUNDING_MARGIN = 1e-4
COSMUL_EPSILON = np.float32(1e-6)
# Below every approximate score (cosines lie within [-1 - eps, 1 + eps]).
FLOOR = np.float32(-4.0)


@njit(fastmath=True, cache=True, inline="always")
def _block_scores(codes, scales, query, start, stop, acc):
    # acc[i] = scales[i] * codes[:, i] . query, four dimensions per pass
    # over acc (a pass per dimension spends its time loading and storing acc).
    acc[:] = 0
    n_dims = codes.shape[0]
    j = 0
    while j + 4 <= n_dims:
        w0, w1, w2, w3 = query[j], query[j + 1], query[j + 2], query[j + 3]
        c0, c1 = codes[j, start:stop], codes[j + 1, start:stop]
        c2, c3 = codes[j + 2, start:stop], codes[j + 3, start:stop]
        for i in range(stop - start):
            acc[i] += (w0 * np.float32(c0[i]) + w1 * np.float32(c1[i])) + (
                w2 * np.float32(c2[i]) + w3 * np.float32(c3[i])
            )
        j += 4
    for tail in range(j, n_dims):
        weight = query[tail]
        column = codes[tail, start:stop]
        for i in range(stop - start):
            acc[i] += weight * np.float32(column[i])
    for i in range(stop - start):
        acc[i] *= scales[start + i]


@njit(fastmath=True, cache=True, inline="always")
def _keep_top(values, top):
    # top holds the k largest values seen so far, ascending.
    top[:] = FLOOR
    k = top.size
    for value in values:
        if value > top[0]:
            p = 0
            while p + 1 < k and top[p + 1] < value:
                top[p] = top[p + 1]
                p += 1
            top[p] = value


@njit(parallel=True, fastmath=True, cache=True)
def _scan_top(codes, scales, query, n_rows, out, tops):
    # Approximate scores of every row, and each block's k largest.
    n_blocks = (n_rows + BLOCK - 1) // BLOCK
    for block in prange(n_blocks):
        start = block * BLOCK
        stop = min(n_rows, start + BLOCK)
        _block_scores(codes, scales, query, start, stop, out[start:stop])
        _keep_top(out[start:stop], tops[block])


@njit(parallel=True, fastmath=True, cache=True)
def _scan_cosmul(codes, scales, terms, signs, slack, n_rows, upper, tops):
    # Bounds of prod(pos (1 + cos) / 2) / (prod(neg (1 + cos) / 2) + 1e-6):
    # upper bounds of every row, and each block's k largest lower bounds.
    n_blocks = (n_rows + BLOCK - 1) // BLOCK
    for block in prange(n_blocks):
        start = block * BLOCK
        stop = min(n_rows, start + BLOCK)
        size = stop - start
        acc = np.empty(size, dtype=np.float32)
        num_low = np.ones(size, dtype=np.float32)
        num_high = np.ones(size, dtype=np.float32)
        den_low = np.ones(size, dtype=np.float32)
        den_high = np.ones(size, dtype=np.float32)

        for t in range(terms.shape[0]):
            _block_scores(codes, scales, terms[t], start, stop, acc)
            for i in range(size):
                low = max((1 + acc[i] - slack[t]) / 2, np.float32(0))
                high = (1 + acc[i] + slack[t]) / 2
                if signs[t] > 0:
                    num_low[i] *= low
                    num_high[i] *= high
                else:
                    den_low[i] *= low
                    den_high[i] *= high

        lower = np.empty(size, dtype=np.float32)
        for i in range(size):
            lower[i] = num_low[i] / (den_high[i] + COSMUL_EPSILON)
            upper[start + i] = num_high[i] / (den_low[i] + COSMUL_EPSILON)
        _keep_top(lower, tops[block])


def _kth_largest(tops: np.ndarray, k: int) -> float:
    flat = tops.ravel()
    return float(np.partition(flat, flat.size - k)[flat.size - k])


class CosineIndex:
    """int8 codes of unit rows, stored dimension-major for a fast scan.

    Parameters
    ----------
    unit : numpy.ndarray
        Unit rows of shape ``(n_keys, n_dims)``; invalid rows all zeros.
    """

    def __init__(self, unit: np.ndarray) -> None:
        peak = np.abs(unit).max(axis=1)
        scales = np.where(peak > 0, peak / 127.0, 0).astype(np.float32)
        safe = np.where(scales > 0, scales, 1)[:, None]
        codes = np.rint(unit / safe).astype(np.int8)

        residual = unit - codes.astype(np.float32) * scales[:, None]
        self.eps = float(np.linalg.norm(residual, axis=1).max())
        self.codes = np.ascontiguousarray(codes.T)
        self.scales = scales
        self.n_rows = unit.shape[0]
        self._buffers = threading.local()
        logger.debug("int8 cosine index: %d rows, eps=%.5f", len(unit), self.eps)

    def _buffer(self, n_blocks: int, k: int) -> tuple[np.ndarray, np.ndarray]:
        # One scores array per thread, reused: a fresh 1.6 MB array per query
        # costs page faults.
        buffers = self._buffers
        if getattr(buffers, "scores", None) is None:
            buffers.scores = np.empty(self.n_rows, dtype=np.float32)
        tops = getattr(buffers, "tops", None)
        if tops is None or tops.shape[0] < n_blocks or tops.shape[1] != k:
            buffers.tops = tops = np.empty((n_blocks, k), dtype=np.float32)
        return buffers.scores, tops[:n_blocks]

    def candidates(self, query: np.ndarray, *, k: int, n_rows: int) -> np.ndarray:
        """Rows among the first ``n_rows`` that may be in the true top-k.

        Parameters
        ----------
        query : numpy.ndarray
            A unit vector.
        k : int
            Size of the top set that must be contained.
        n_rows : int
            Search only rows ``0 .. n_rows - 1``.

        Returns
        -------
        numpy.ndarray
            Sorted row indices, a superset of the ``k`` rows with the largest
            true cosine (all rows if ``k >= n_rows``).
        """
        if k >= n_rows:
            return np.arange(n_rows)

        n_blocks = -(-n_rows // BLOCK)
        scores, tops = self._buffer(n_blocks, k)
        query = np.ascontiguousarray(query, dtype=np.float32)
        _scan_top(self.codes, self.scales, query, n_rows, scores, tops)

        line = _kth_largest(tops, k) - 2 * self.eps - ROUNDING_MARGIN
        return np.flatnonzero(scores[:n_rows] >= line)

    def cosmul_candidates(
        self,
        terms: np.ndarray,
        signs: np.ndarray,
        *,
        k: int,
        n_rows: int,
    ) -> np.ndarray:
        """Rows that may be in the top-k by 3CosMul (see the module notes).

        Parameters
        ----------
        terms : numpy.ndarray
            Query vectors of shape ``(n_terms, n_dims)``; cosines are taken
            as ``row . term`` for unit rows, as gensim does.
        signs : numpy.ndarray
            +1 for a positive term, -1 for a negative one.
        k : int
            Size of the top set that must be contained.
        n_rows : int
            Search only rows ``0 .. n_rows - 1``.

        Returns
        -------
        numpy.ndarray
            Sorted row indices, a superset of the true top-k.
        """
        if k >= n_rows:
            return np.arange(n_rows)

        terms = np.ascontiguousarray(terms, dtype=np.float32)
        norms = np.linalg.norm(terms, axis=1)
        slack = (self.eps * norms + ROUNDING_MARGIN).astype(np.float32)
        signs = np.asarray(signs, dtype=np.float32)

        n_blocks = -(-n_rows // BLOCK)
        upper, tops = self._buffer(n_blocks, k)
        _scan_cosmul(self.codes, self.scales, terms, signs, slack, n_rows, upper, tops)

        line = _kth_largest(tops, k) * (1 - ROUNDING_MARGIN)
        return np.flatnonzero(upper[:n_rows] >= line)


def warm_up() -> None:
    """Compile (or load from numba's disk cache) every kernel of the index.

    A tiny index is searched once each way, so the first real query of a
    process does not wait for compilation.
    """
    rng = np.random.default_rng(0)
    unit = rng.normal(size=(64, 8)).astype(np.float32)
    unit /= np.linalg.norm(unit, axis=1, keepdims=True)

    index = CosineIndex(unit)
    index.candidates(unit[0], k=4, n_rows=64)
    index.cosmul_candidates(unit[:3], np.array([1, 1, -1]), k=4, n_rows=64)
    logger.info("int8 index kernels ready")
