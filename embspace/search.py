"""Ranked searches: neighbours, analogies (3CosAdd, 3CosMul), and their guards.

Cosine queries follow gensim's ``KeyedVectors`` exactly (same query vector,
same scores, same exclusions) so that gensim can serve as the oracle; cosine
search over large spaces goes through the exact int8 index in
:mod:`embspace.index`. Zero rows have no direction, so they are left out of
cosine results only; non-finite rows are left out of every result.
"""

from __future__ import annotations

import logging
import weakref
from collections.abc import Sequence

import numpy as np

from embspace.query_terms import (
    Neighbor,
    QueryResult,
    Term,
    _check_metric,
    _check_restrict,
    _check_topn,
    _collect,
    _cosine_query,
    _label,
    _linear_query,
    _term_unit,
)
from embspace.space import ALL_ZERO, ONE_VECTOR, Space

logger = logging.getLogger(__name__)

ANALOGY_METHODS = ("add", "mul")
MIN_INDEXED_ROWS = 50_000
COSMUL_EPSILON = 0.000001

# Searches per space before its index is built (see _indexed).
_SEARCHES: weakref.WeakKeyDictionary[Space, int] = weakref.WeakKeyDictionary()


# -- ranking -------------------------------------------------------------------


def _rank(
    space: Space,
    scores: np.ndarray,
    candidates: np.ndarray,
    *,
    topn: int,
    exclude: set[int],
    ascending: bool = False,
    cosine: bool = True,
) -> tuple[Neighbor, ...]:
    # Rows that the metric cannot compare (zero rows for cosine, non-finite
    # rows always), non-finite scores and the query's own keys never rank.
    usable = space.valid if cosine else space.finite
    keep = usable[candidates] & np.isfinite(scores)
    for row in exclude:
        keep[candidates == row] = False
    candidates, scores = candidates[keep], scores[keep]

    # A partial sort of the best topn (and any ties with the last of them);
    # among equal scores the lower row comes first.
    sort_keys = scores if ascending else -scores
    best = np.arange(sort_keys.size)
    if sort_keys.size > topn:
        kth = np.partition(sort_keys, topn - 1)[topn - 1]
        best = np.flatnonzero(sort_keys <= kth)
    order = best[np.lexsort((candidates[best], sort_keys[best]))][:topn]
    return tuple(
        Neighbor(space.keys[i], float(scores[j]), int(i))
        for j, i in zip(order, candidates[order])
    )


def _indexed(space: Space, *, k: int, n_rows: int) -> bool:
    """Whether a search of ``n_rows`` rows for the top ``k`` uses the index.

    Building the index takes about as long as a hundred plain scans, so a
    space's first search (often the only one, from the command line) scans
    the float32 rows; the answers are the same either way.
    """
    if n_rows < MIN_INDEXED_ROWS or 4 * k >= n_rows:
        return False
    if space.has_cosine_index:
        return True
    searches = _SEARCHES.get(space, 0)
    _SEARCHES[space] = searches + 1
    return searches >= 1


def _candidates(space: Space, query: np.ndarray, *, k: int, n_rows: int) -> np.ndarray:
    if not _indexed(space, k=k, n_rows=n_rows):
        return np.arange(n_rows)
    return space.cosine_index.candidates(query, k=k, n_rows=n_rows)


def _row_dots(
    space: Space, vector: np.ndarray, rows: np.ndarray, *, n_rows: int
) -> np.ndarray:
    """``vectors[rows] @ vector`` with the bits of gensim's full product.

    ``rows`` is either all of the first ``n_rows`` rows (a plain product, as
    gensim computes it) or a sorted subset. BLAS sums the last rows of a
    matrix-vector product in another order than the others, so a subset is
    padded to a multiple of 8 rows (repeating them) to get the same bits.
    """
    if rows.size == n_rows:
        return space.vectors[:n_rows] @ vector
    padded = np.resize(rows, -(-rows.size // 8) * 8)
    return (space.vectors[padded] @ vector)[: rows.size]


def _cosine_scores(
    space: Space, query: np.ndarray, rows: np.ndarray, *, n_rows: int
) -> np.ndarray:
    """gensim's formula: raw rows times the unit query, over the row norms."""
    with np.errstate(invalid="ignore", divide="ignore"):
        return _row_dots(space, query, rows, n_rows=n_rows) / space.norms[rows]


def most_similar(
    space: Space,
    positive: Sequence[Term] = (),
    negative: Sequence[Term] = (),
    *,
    topn: int = 10,
    metric: str = "cosine",
    restrict_vocab: int | None = None,
    label: str | None = None,
) -> QueryResult:
    """Keys nearest to the sum of ``positive`` minus ``negative``.

    With ``metric="cosine"`` this is gensim's ``most_similar``: the mean of the
    unit vectors (weights +1 and -1), normalised, compared by cosine. With
    ``euclidean`` and ``dot`` the raw vectors are summed.

    Parameters
    ----------
    space : Space
        The vectors to search.
    positive, negative : sequence of str or numpy.ndarray
        Keys or vectors that add or subtract.
    topn : int
        Number of results.
    metric : {"cosine", "euclidean", "dot"}
        Similarity; euclidean results are distances, smallest first.
    restrict_vocab : int, optional
        Search only the first ``restrict_vocab`` keys (the most frequent).
    label : str, optional
        The query as shown in the result; built from the terms if not given.

    Returns
    -------
    QueryResult
        Ranked keys, input keys excluded.
    """
    topn = _check_topn(topn)
    metric = _check_metric(metric)
    n_rows = _check_restrict(space, restrict_vocab)
    terms = _collect(space, positive, negative, cosine=metric == "cosine")
    exclude = terms.indices
    k = topn + len(exclude) + space.validity.n_invalid

    if metric == "cosine":
        query = _cosine_query(space, terms)
        rows = _candidates(space, query, k=k, n_rows=n_rows)
        scores = _cosine_scores(space, query, rows, n_rows=n_rows)
        ascending = False
    else:
        query = _linear_query(terms)
        rows = np.arange(n_rows)
        scores = _linear_scores(space, query, n_rows, metric)
        ascending = metric == "euclidean"

    results = _rank(
        space,
        scores,
        rows,
        topn=topn,
        exclude=exclude,
        ascending=ascending,
        cosine=metric == "cosine",
    )
    return QueryResult(
        query=label or _label(positive, negative, terms),
        results=results,
        metric=metric,
        inputs=tuple(terms.keys),
        notes=tuple(terms.notes),
    )


def _linear_scores(
    space: Space, query: np.ndarray, n_rows: int, metric: str
) -> np.ndarray:
    vectors = space.vectors[:n_rows]
    with np.errstate(invalid="ignore", over="ignore", divide="ignore"):
        dots = vectors @ query
        if metric == "dot":
            return dots
        squared = space.norms[:n_rows] ** 2 - 2 * dots + float(query @ query)
    return np.sqrt(np.maximum(squared, 0))


def neighbors(
    space: Space,
    query: Term,
    *,
    topn: int = 10,
    metric: str = "cosine",
    restrict_vocab: int | None = None,
) -> QueryResult:
    """Nearest keys to one key or vector, the key itself excluded.

    Parameters
    ----------
    space : Space
        The vectors to search.
    query : str or numpy.ndarray
        A key (matched in another case if needed) or a vector of length d.
    topn, metric, restrict_vocab
        As in :func:`most_similar`.

    Returns
    -------
    QueryResult
    """
    return most_similar(
        space, [query], topn=topn, metric=metric, restrict_vocab=restrict_vocab
    )


def analogy(
    space: Space,
    a: str,
    b: str,
    c: str,
    *,
    method: str = "add",
    topn: int = 5,
    restrict_vocab: int | None = None,
) -> QueryResult:
    """Solve "a is to b as c is to ?", the three inputs excluded.

    Parameters
    ----------
    space : Space
        The vectors to search.
    a, b, c : str
        Keys: ``man``, ``king``, ``woman`` gives ``queen``.
    method : {"add", "mul"}
        3CosAdd (``b - a + c``, gensim ``most_similar``) or 3CosMul (gensim
        ``most_similar_cosmul``).
    topn : int
        Number of answers.
    restrict_vocab : int, optional
        Search only the first ``restrict_vocab`` keys.

    Returns
    -------
    QueryResult
    """
    for name, key in (("a", a), ("b", b), ("c", c)):
        if isinstance(key, str) and not key.strip():
            raise ValueError(f"{name} is empty; the analogy needs three keys")
    label = f"{a} : {b} :: {c} : ?"
    if method == "add":
        return most_similar(
            space, [b, c], [a], topn=topn, restrict_vocab=restrict_vocab, label=label
        )
    if method == "mul":
        return most_similar_cosmul(
            space, [b, c], [a], topn=topn, restrict_vocab=restrict_vocab, label=label
        )
    raise ValueError(f"method={method!r} is not one of {', '.join(ANALOGY_METHODS)}")


def most_similar_cosmul(
    space: Space,
    positive: Sequence[str],
    negative: Sequence[str] = (),
    *,
    topn: int = 10,
    restrict_vocab: int | None = None,
    label: str | None = None,
) -> QueryResult:
    """3CosMul of Levy and Goldberg (2014), as gensim ``most_similar_cosmul``.

    Each cosine is shifted to [0, 1]; the score is the product over
    ``positive`` divided by the product over ``negative`` plus 1e-6.
    """
    topn = _check_topn(topn)
    n_rows = _check_restrict(space, restrict_vocab)
    terms = _collect(space, positive, negative)
    if not positive:
        raise ValueError("3CosMul needs at least one positive key")

    units = np.stack(
        [_term_unit(space, v, row) for v, row in zip(terms.vectors, terms.rows)]
    )
    signs = np.array(terms.weights)
    rows = np.arange(n_rows)
    k = topn + len(terms.indices) + space.validity.n_invalid
    if _indexed(space, k=k, n_rows=n_rows):
        rows = space.cosine_index.cosmul_candidates(units, signs, k=k, n_rows=n_rows)

    scores = _cosmul_scores(space, units, signs, rows, n_rows=n_rows)
    results = _rank(space, scores, rows, topn=topn, exclude=terms.indices)
    return QueryResult(
        query=label or _label(positive, negative, terms),
        results=results,
        metric="3cosmul",
        inputs=tuple(terms.keys),
        notes=tuple(terms.notes),
    )


def _cosmul_scores(
    space: Space,
    units: np.ndarray,
    signs: np.ndarray,
    rows: np.ndarray,
    *,
    n_rows: int,
) -> np.ndarray:
    """gensim's 3CosMul scores of ``rows``, in its order of operations."""
    norms = space.norms[rows]
    with np.errstate(invalid="ignore", divide="ignore"):
        shifted = [
            (1 + _row_dots(space, unit, rows, n_rows=n_rows) / norms) / 2
            for unit in units
        ]
    numerator = np.prod([s for s, w in zip(shifted, signs) if w > 0], axis=0)
    negatives = [s for s, w in zip(shifted, signs) if w < 0]
    return numerator / (np.prod(negatives, axis=0) + COSMUL_EPSILON)


# -- what blocks a search --------------------------------------------------------


def neighbours_blocker(space: Space, metric: str = "cosine") -> str | None:
    """Why no key of ``space`` can have neighbours by ``metric``, or ``None``.

    Parameters
    ----------
    space : Space
        The vectors.
    metric : {"cosine", "euclidean", "dot"}
        The similarity that would rank them.

    Returns
    -------
    str or None
        The reason in one sentence (the same wording as the projections use
        for the same data), or ``None`` when neighbours can be searched.
    """
    metric = _check_metric(metric)
    if space.n_keys == 0:
        return "the data has no vectors"
    if space.n_keys == 1:
        return ONE_VECTOR
    if space.all_zero:
        return ALL_ZERO

    usable = space.valid if metric == "cosine" else space.finite
    n_usable = int(np.count_nonzero(usable))
    if n_usable < 2:
        what = "finite and non-zero" if metric == "cosine" else "finite"
        return (
            f"only {n_usable} of {space.n_keys:,} vectors are {what}; "
            f"{metric} neighbours need at least 2"
        )
    return None
