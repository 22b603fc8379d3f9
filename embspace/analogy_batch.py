"""Answer many analogy questions at once, with gensim's answers.

gensim answers ``a : b :: c : ?`` one ``most_similar`` call at a time: a
float32 scan of ``restrict_vocab`` rows for the query ``m = unit(mean(u_b, u_c,
-u_a))``, the top 8 rows by ``v . m / |v|``, the input rows dropped, and the
first of the next five whose case-folded key is not an input word.

Here the questions are answered in three steps.

1. Candidates. The unit rows of the distinct question words are multiplied
   with a chunk of the vocabulary once (``S = U_w U_chunk^T``); a question's
   approximate scores are then ``(S_b + S_c - S_a) / |u_b + u_c - u_a|``, and
   a numba kernel keeps the best ``KEEP`` rows of every question. Rounding
   makes an approximate score differ from gensim's by less than ``MARGIN``, so
   a question whose ``KEEP``-th score is more than ``2 * MARGIN + TIE`` below
   its 8th holds all of gensim's top 8 among its kept rows.
2. Exact order. The kept rows are re-scored in float64 with gensim's query
   vector (built with the same operations, so bit for bit the same). gensim's
   float32 scores differ from these by far less than ``TIE / 2``; wherever the
   rows that decide the answer are at least ``TIE`` apart, their order is
   gensim's.
3. Fallback. The few questions left (near ties, degenerate queries) are
   answered by gensim's own procedure: a full float32 scan and the same
   partial sort.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

import numpy as np

from embspace.space import Space

logger = logging.getLogger(__name__)

TOPN = 5
N_INPUTS = 3
KEEP = 16
MARGIN = 1e-4
TIE = 1e-5
MIN_QUERY_NORM = 0.2
MIN_BATCH_ROWS = 64
CHUNK_CELLS = 2**21
BOUND_BLOCK = 16


def _scan_kernel():
    from numba import njit, prange

    @njit(parallel=True, fastmath=True, cache=True)
    def scan(sims, pairs, questions, start, top_values, top_rows, floors):
        n_cols = sims.shape[1]
        n_blocks = (n_cols + BOUND_BLOCK - 1) // BOUND_BLOCK

        # Offsets d = s_b - s_a, shared by the questions of a pair, and the
        # largest offset and similarity in each block of columns.
        offsets = np.empty((pairs.shape[0], n_cols), dtype=np.float32)
        offset_peaks = np.empty((pairs.shape[0], n_blocks), dtype=np.float32)
        for p in prange(pairs.shape[0]):
            sb, sa = sims[pairs[p, 0]], sims[pairs[p, 1]]
            for block in range(n_blocks):
                peak = np.float32(-np.inf)
                for j in range(
                    block * BOUND_BLOCK, min(n_cols, (block + 1) * BOUND_BLOCK)
                ):
                    value = sb[j] - sa[j]
                    offsets[p, j] = value
                    peak = max(peak, value)
                offset_peaks[p, block] = peak
        sim_peaks = np.empty((sims.shape[0], n_blocks), dtype=np.float32)
        for w in prange(sims.shape[0]):
            for block in range(n_blocks):
                peak = np.float32(-np.inf)
                for j in range(
                    block * BOUND_BLOCK, min(n_cols, (block + 1) * BOUND_BLOCK)
                ):
                    peak = max(peak, sims[w, j])
                sim_peaks[w, block] = peak

        # A block is read only if its bound beats the question's floor.
        for q in prange(questions.shape[0]):
            p, c = questions[q, 0], questions[q, 1]
            offset, sc = offsets[p], sims[c]
            floor = floors[q]
            for block in range(n_blocks):
                if offset_peaks[p, block] + sim_peaks[c, block] <= floor:
                    continue
                for j in range(
                    block * BOUND_BLOCK, min(n_cols, (block + 1) * BOUND_BLOCK)
                ):
                    value = offset[j] + sc[j]
                    if value > floor:
                        slot = np.argmin(top_values[q])
                        top_values[q, slot] = value
                        top_rows[q, slot] = start + j
                        floor = top_values[q].min()
            floors[q] = floor

    return scan


_SCAN = None


def _scan():
    global _SCAN
    if _SCAN is None:
        _SCAN = _scan_kernel()
    return _SCAN


# -- gensim's procedure ----------------------------------------------------------


def query_vectors(space: Space, rows: np.ndarray) -> np.ndarray:
    """gensim's analogy query for each row triple ``(b, c, a)``, bit for bit.

    ``get_mean_vector`` with weights ``(1, 1, -1)``: unit rows added into a
    float32 mean through float64 products, divided by the float64 total
    weight, then ``matutils.unitvec`` (double-precision BLAS) and float32.
    """
    from scipy.linalg.blas import dnrm2

    vectors, norms = space.vectors, space.norms
    mean = np.zeros((len(rows), space.n_dims), dtype=np.float32)
    with np.errstate(invalid="ignore", divide="ignore"):
        for column, weight in enumerate((1.0, 1.0, -1.0)):
            picked = rows[:, column]
            unit = vectors[picked] / norms[picked][:, None]
            mean += np.float64(weight) * unit
        mean = mean / np.float64(3.0)

        lengths = np.array([dnrm2(row) for row in mean], dtype=np.float64)
        scale = np.where(lengths > 0.0, 1.0 / np.where(lengths > 0, lengths, 1), 1.0)
    return (mean * scale[:, None]).astype(np.float32)


def _gensim_top(dists: np.ndarray, topn: int) -> np.ndarray:
    # matutils.argsort(dists, topn=topn, reverse=True)
    x = -dists
    if topn >= x.size:
        return np.argsort(x)[:topn]
    most_extreme = np.argpartition(x, topn)[:topn]
    return most_extreme.take(np.argsort(x.take(most_extreme)))


def _walk(ranked, inputs, fold, keys) -> tuple[int | None, int]:
    """gensim's answer from its result list: (row or None, items looked at)."""
    ignore = {fold(keys[row]) for row in inputs}
    predicted = None
    looked = 0
    for row in ranked[:TOPN]:
        looked += 1
        predicted = row
        if fold(keys[row]) not in ignore:
            break
    return predicted, looked


def answer_exact(
    space: Space, rows: np.ndarray, query: np.ndarray, *, restrict_vocab: int, fold
) -> int | None:
    """One question the way gensim answers it: full float32 scan."""
    with np.errstate(invalid="ignore", divide="ignore"):
        dists = (
            np.dot(space.vectors[:restrict_vocab], query) / space.norms[:restrict_vocab]
        )
    best = _gensim_top(dists, TOPN + N_INPUTS)
    inputs = set(rows.tolist())
    ranked = [int(row) for row in best if row not in inputs]
    return _walk(ranked, rows, fold, space.keys)[0]


# -- the batched procedure ---------------------------------------------------------


def answer_questions(
    space: Space, rows: np.ndarray, *, restrict_vocab: int, fold: Callable
) -> list[str | None]:
    """gensim's predicted key for every question.

    Parameters
    ----------
    space : Space
        The vectors.
    rows : numpy.ndarray
        Integer matrix of shape ``(n_questions, 3)``: rows of ``b``, ``c`` and
        ``a`` (all below ``restrict_vocab``).
    restrict_vocab : int
        Rows searched for answers.
    fold : callable
        Case folding of keys (``str.upper`` or ``str``).

    Returns
    -------
    list of str or None
        The predicted key per question (``None`` if no row was left).
    """
    if len(rows) == 0:
        return []
    queries = query_vectors(space, rows)
    if restrict_vocab < MIN_BATCH_ROWS:
        chosen = [None] * len(rows)
        pending = np.arange(len(rows))
    else:
        chosen, pending = _answer_batched(space, rows, queries, restrict_vocab, fold)

    for q in pending:
        chosen[q] = answer_exact(
            space, rows[q], queries[q], restrict_vocab=restrict_vocab, fold=fold
        )
    logger.info(
        "answered %d questions, %d of them by a full scan", len(rows), len(pending)
    )
    keys = space.keys
    return [None if row is None else keys[row] for row in chosen]


def _answer_batched(space, rows, queries, restrict_vocab, fold):
    top_values, top_rows = _candidates(space, rows, restrict_vocab)
    ranked = _rescore(space, queries, top_rows)
    scale = _inverse_query_norms(space, rows)

    chosen: list[int | None] = [None] * len(rows)
    pending = []
    for q in range(len(rows)):
        approx = np.sort(top_values[q])[::-1] * scale[q]
        complete = approx[KEEP - 1] < approx[TOPN + N_INPUTS - 1] - 2 * MARGIN - TIE
        answer = _decide(ranked[q], rows[q], fold, space.keys) if complete else None
        if answer is None or not np.isfinite(scale[q]):
            pending.append(q)
        else:
            chosen[q] = answer
    return chosen, np.array(pending, dtype=np.int64)


def _inverse_query_norms(space: Space, rows: np.ndarray) -> np.ndarray:
    unit = space.unit
    valid = space.valid[rows].all(axis=1)
    direction = unit[rows[:, 0]] + unit[rows[:, 1]] - unit[rows[:, 2]]
    norms = np.linalg.norm(direction.astype(np.float64), axis=1)
    ok = valid & (norms >= MIN_QUERY_NORM)
    return np.where(ok, 1.0 / np.where(ok, norms, 1.0), np.nan)


def _candidates(space: Space, rows: np.ndarray, restrict_vocab: int):
    """The ``KEEP`` best rows of each question by approximate score."""
    words, inverse = np.unique(rows, return_inverse=True)
    inverse = inverse.reshape(rows.shape).astype(np.int64)
    pairs, pair_of = np.unique(inverse[:, [0, 2]], axis=0, return_inverse=True)
    questions = np.column_stack([pair_of.reshape(-1), inverse[:, 1]]).astype(np.int64)
    pairs = np.ascontiguousarray(pairs, dtype=np.int64)
    word_units = np.ascontiguousarray(space.unit[words])
    unit = space.unit

    top_values = np.full((len(rows), KEEP), -np.inf, dtype=np.float32)
    top_rows = np.zeros((len(rows), KEEP), dtype=np.int64)
    floors = np.full(len(rows), -np.inf, dtype=np.float32)
    chunk = max(256, CHUNK_CELLS // max(len(words), len(pairs)))
    chunk -= chunk % BOUND_BLOCK
    scan = _scan()
    for start in range(0, restrict_vocab, chunk):
        stop = min(start + chunk, restrict_vocab)
        sims = word_units @ unit[start:stop].T
        scan(sims, pairs, questions, start, top_values, top_rows, floors)
    return top_values, top_rows


def _rescore(space: Space, queries: np.ndarray, top_rows: np.ndarray):
    """Kept rows of each question with float64 scores, best first."""
    ranked = []
    for start in range(0, len(queries), 4096):
        block = slice(start, start + 4096)
        rows = top_rows[block]
        vectors = space.vectors[rows].astype(np.float64)
        with np.errstate(invalid="ignore", divide="ignore"):
            scores = np.einsum("qkd,qd->qk", vectors, queries[block].astype(np.float64))
            scores /= space.norms[rows]
        order = np.argsort(-scores, axis=1, kind="stable")
        ranked.extend(
            zip(
                np.take_along_axis(rows, order, 1), np.take_along_axis(scores, order, 1)
            )
        )
    return ranked


def _decide(ranked, inputs, fold, keys) -> int | None:
    """gensim's answer if the rows that decide it are clearly ordered."""
    rows, scores = ranked
    if not np.isfinite(scores).all():
        return None
    inputs_set = set(inputs.tolist())
    others = [k for k in range(KEEP) if rows[k] not in inputs_set]
    answer, looked = _walk([int(rows[k]) for k in others], inputs, fold, keys)

    if looked < TOPN:
        # Only the order of the non-input rows up to the answer matters.
        decisive = scores[others[: looked + 1]]
    else:
        # All five results were looked at: membership of the top 8 matters.
        decisive = scores[: TOPN + N_INPUTS + 1]
    if np.any(decisive[:-1] - decisive[1:] < TIE):
        return None
    return answer
