"""Queries on a space: neighbours, analogies, expressions, odd one out.

Cosine queries follow gensim's ``KeyedVectors`` exactly (same query vector,
same scores, same exclusions) so that gensim can serve as the oracle; cosine
search over large spaces goes through the exact int8 index in
:mod:`embspace.index`.
"""

from __future__ import annotations

import logging
import re
import weakref
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from embspace.space import Space, UnknownKeyError

logger = logging.getLogger(__name__)

METRICS = ("cosine", "euclidean", "dot")
ANALOGY_METHODS = ("add", "mul")
MIN_INDEXED_ROWS = 50_000
COSMUL_EPSILON = 0.000001

# Searches per space before its index is built (see _indexed).
_SEARCHES: weakref.WeakKeyDictionary[Space, int] = weakref.WeakKeyDictionary()

Term = str | np.ndarray


@dataclass(frozen=True)
class Neighbor:
    """One ranked key: its row, and a similarity (or a distance)."""

    key: str
    score: float
    index: int


@dataclass(frozen=True)
class QueryResult:
    """Ranked keys for a query.

    Attributes
    ----------
    query : str
        The query as shown to users, e.g. ``king - man + woman``.
    results : tuple of Neighbor
        Best first: highest similarity, or lowest distance for euclidean.
    metric : str
        ``cosine``, ``euclidean``, ``dot`` or ``3cosmul``.
    inputs : tuple of str
        Keys of the query, excluded from the results.
    notes : tuple of str
        Things the user should know, e.g. a changed case.
    """

    query: str
    results: tuple[Neighbor, ...]
    metric: str = "cosine"
    inputs: tuple[str, ...] = ()
    notes: tuple[str, ...] = field(default=())

    @property
    def keys(self) -> list[str]:
        """The result keys, best first."""
        return [neighbor.key for neighbor in self.results]

    def to_dict(self, *, digits: int = 4) -> dict[str, Any]:
        """JSON-ready form: ``{"query": ..., "results": [{"key", "score"}]}``."""
        return {
            "query": self.query,
            "metric": self.metric,
            "results": [
                {"key": n.key, "score": round(n.score, digits)} for n in self.results
            ],
            "notes": list(self.notes),
        }


@dataclass(frozen=True)
class OddOneOut:
    """The key least like the others, with each key's similarity to the mean."""

    key: str
    scores: dict[str, float]
    notes: tuple[str, ...] = ()


# -- validation ----------------------------------------------------------------


def _check_topn(topn: int) -> int:
    if not isinstance(topn, (int, np.integer)) or isinstance(topn, bool):
        raise TypeError(f"topn must be an integer; got {topn!r}")
    if topn < 1:
        raise ValueError(f"topn={topn} must be at least 1")
    return int(topn)


def _check_metric(metric: str) -> str:
    if metric not in METRICS:
        raise ValueError(f"metric={metric!r} is not one of {', '.join(METRICS)}")
    return metric


def _check_restrict(space: Space, restrict_vocab: int | None) -> int:
    if restrict_vocab is None:
        return space.n_keys
    if not isinstance(restrict_vocab, (int, np.integer)) or isinstance(
        restrict_vocab, bool
    ):
        raise TypeError(
            f"restrict_vocab must be an integer or None; got {restrict_vocab!r}"
        )
    if restrict_vocab < 1:
        raise ValueError(f"restrict_vocab={restrict_vocab} must be at least 1")
    return min(int(restrict_vocab), space.n_keys)


# -- building the query vector -----------------------------------------------


@dataclass(frozen=True)
class _Terms:
    vectors: list[np.ndarray]
    weights: list[float]
    rows: list[int]
    keys: list[str]
    notes: list[str]

    @property
    def indices(self) -> set[int]:
        return {row for row in self.rows if row >= 0}


def _collect(
    space: Space, positive: Sequence[Term], negative: Sequence[Term]
) -> _Terms:
    vectors, weights, rows, keys, notes = [], [], [], [], []
    for weight, terms in ((1.0, positive), (-1.0, negative)):
        for term in terms:
            if isinstance(term, np.ndarray):
                vectors.append(_check_vector(space, term))
                weights.append(weight)
                rows.append(-1)
                continue

            resolved = space.resolve(term)
            _check_row(space, resolved.key, resolved.index)
            vectors.append(space.vectors[resolved.index])
            weights.append(weight)
            rows.append(resolved.index)
            keys.append(resolved.key)
            if resolved.note:
                notes.append(resolved.note)

    if not vectors:
        raise ValueError("a query needs at least one key or vector")
    return _Terms(vectors, weights, rows, keys, notes)


def _check_vector(space: Space, vector: np.ndarray) -> np.ndarray:
    vector = np.asarray(vector, dtype=np.float32)
    if vector.shape != (space.n_dims,):
        raise ValueError(
            f"query vector has shape {vector.shape}; expected ({space.n_dims},)"
        )
    if not np.isfinite(vector).all():
        raise ValueError("query vector holds NaN or infinite values")
    return vector


def _check_row(space: Space, key: str, index: int) -> None:
    if not space.valid[index]:
        problem = "zero" if space.norms[index] == 0 else "non-finite"
        raise ValueError(
            f"key {key!r} has a {problem} vector; it has no direction to compare"
        )


def _unit(vector: np.ndarray) -> np.ndarray:
    norm = np.linalg.norm(vector)
    if not norm > 0:
        raise ValueError("the query vector is zero; it has no direction to compare")
    return (vector / norm).astype(np.float32)


def _cosine_query(space: Space, terms: _Terms) -> np.ndarray:
    """Weighted mean of the terms, normalised (gensim ``get_mean_vector``).

    Keys enter as unit vectors, vectors given by the caller as they are. The
    dtypes follow gensim's so that the query is the same to the bit: terms
    are summed in float32, the mean is divided and normalised in float64.
    """
    mean = np.zeros(space.n_dims, dtype=np.float32)
    for vector, weight, row in zip(terms.vectors, terms.weights, terms.rows):
        if row >= 0:
            vector = vector / space.norms[row]
        mean += np.float64(weight) * vector
    mean = mean / np.float64(sum(abs(w) for w in terms.weights))

    norm = np.linalg.norm(mean)
    if not norm > 0:
        raise ValueError("the query vector is zero; it has no direction to compare")
    return (mean * (1.0 / norm)).astype(np.float32)


def _term_unit(space: Space, vector: np.ndarray, row: int) -> np.ndarray:
    """A key's row divided by its stored norm; a caller's vector as it is."""
    return vector / space.norms[row] if row >= 0 else vector


def _linear_query(terms: _Terms) -> np.ndarray:
    query = np.zeros_like(terms.vectors[0])
    for vector, weight in zip(terms.vectors, terms.weights):
        query += np.float32(weight) * vector
    return query


# -- ranking -------------------------------------------------------------------


def _rank(
    space: Space,
    scores: np.ndarray,
    candidates: np.ndarray,
    *,
    topn: int,
    exclude: set[int],
    ascending: bool = False,
) -> tuple[Neighbor, ...]:
    # Invalid rows, non-finite scores and the query's own keys never rank.
    keep = space.valid[candidates] & np.isfinite(scores)
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
    terms = _collect(space, positive, negative)
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
        space, scores, rows, topn=topn, exclude=exclude, ascending=ascending
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
    with np.errstate(invalid="ignore", over="ignore"):
        dots = vectors @ query
        if metric == "dot":
            return dots
        squared = space.norms[:n_rows] ** 2 - 2 * dots + float(query @ query)
    return np.sqrt(np.maximum(squared, 0))


def _label(positive: Sequence[Term], negative: Sequence[Term], terms: _Terms) -> str:
    names = iter(terms.keys)
    parts = []
    for sign, group in (("+", positive), ("-", negative)):
        for term in group:
            name = "<vector>" if isinstance(term, np.ndarray) else next(names)
            parts.append(f"{sign} {name}")
    text = " ".join(parts)
    return text[2:] if text.startswith("+ ") else text


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


# -- expressions ----------------------------------------------------------------

_SPACED_OPERATOR = re.compile(r"(?:^|(?<=\s))([+-])\s*")
_ANY_OPERATOR = re.compile(r"([+-])")


def parse_expression(
    text: str, space: Space | None = None
) -> tuple[list[str], list[str]]:
    """Split ``king - man + woman`` into positive and negative keys.

    Operators are ``+`` and ``-`` with white space before them, so keys such
    as ``e-mail`` keep their hyphen; ``king-man+woman`` without spaces is
    split on every sign unless the whole text is a key of ``space``.

    Parameters
    ----------
    text : str
        The expression. No code is evaluated.
    space : Space, optional
        Used to keep a hyphenated key whole.

    Returns
    -------
    tuple of (list of str, list of str)
        Positive keys and negative keys.

    Raises
    ------
    ValueError
        If the expression is empty or has an operator without a key.
    """
    text = text.strip()
    if not text:
        raise ValueError("the expression is empty; try 'king - man + woman'")

    pattern = _SPACED_OPERATOR
    if _SPACED_OPERATOR.search(text) is None and not (space and text in space):
        pattern = _ANY_OPERATOR
    pieces = pattern.split(text)

    positive: list[str] = []
    negative: list[str] = []
    sign = "+"
    for position, piece in enumerate(pieces):
        piece = piece.strip()
        if position % 2 == 1:
            sign = piece
            continue
        if not piece:
            if position in (0,):
                continue
            raise ValueError(f"expression {text!r} has an operator without a key")
        (positive if sign == "+" else negative).append(piece)
        sign = "+"

    if not positive and not negative:
        raise ValueError(f"expression {text!r} holds no key")
    return positive, negative


def expression(
    space: Space,
    text: str,
    *,
    topn: int = 10,
    metric: str = "cosine",
    restrict_vocab: int | None = None,
) -> QueryResult:
    """Neighbours of a parsed expression such as ``king - man + woman``."""
    positive, negative = parse_expression(text, space)
    return most_similar(
        space,
        positive,
        negative,
        topn=topn,
        metric=metric,
        restrict_vocab=restrict_vocab,
        label=" ".join(text.split()),
    )


# -- pairs and sets ---------------------------------------------------------------


def similarity(space: Space, a: str, b: str) -> float:
    """Cosine similarity of two keys (gensim ``similarity``)."""
    first, second = _valid_row(space, a), _valid_row(space, b)
    return float(space.unit[first] @ space.unit[second])


def rank(space: Space, a: str, b: str) -> int:
    """Rank of ``b`` among the neighbours of ``a`` by cosine, 1 is closest.

    As gensim ``rank``: one plus the number of keys other than ``a`` whose
    cosine distance to ``a`` is strictly smaller than that of ``b``.
    """
    first, second = _valid_row(space, a), _valid_row(space, b)

    vector = space.vectors[first]
    with np.errstate(invalid="ignore", divide="ignore"):
        cosines = space.vectors @ vector / (np.linalg.norm(vector) * space.norms)
    distances = 1 - cosines

    closer = distances < distances[second]
    closer[first] = False
    return int(np.count_nonzero(closer)) + 1


def _valid_row(space: Space, key: str) -> int:
    resolved = space.resolve(key)
    _check_row(space, resolved.key, resolved.index)
    return resolved.index


def _mean_direction(space: Space, keys: Sequence[str], name: str) -> np.ndarray:
    if not keys:
        raise ValueError(f"{name} is empty; it needs at least one key")
    rows = [_valid_row(space, key) for key in keys]

    # gensim averages the raw vectors here, not the unit ones.
    total = np.zeros(space.n_dims, dtype=np.float32)
    for row in rows:
        total += space.vectors[row]
    return _unit(total / np.float32(len(rows)))


def n_similarity(space: Space, keys1: Sequence[str], keys2: Sequence[str]) -> float:
    """Cosine between the mean vectors of two sets (gensim ``n_similarity``).

    Parameters
    ----------
    space : Space
        The vectors.
    keys1, keys2 : sequence of str
        Two non-empty sets of keys; each set's raw vectors are averaged.

    Returns
    -------
    float
        Cosine of the two mean vectors.
    """
    first = _mean_direction(space, keys1, "keys1")
    second = _mean_direction(space, keys2, "keys2")
    return float(first @ second)


def doesnt_match(space: Space, keys: Sequence[str]) -> OddOneOut:
    """The key furthest from the mean of the set (gensim ``doesnt_match``).

    Parameters
    ----------
    space : Space
        The vectors.
    keys : sequence of str
        At least two keys.

    Returns
    -------
    OddOneOut
        The odd key and every key's cosine to the normalised mean.
    """
    if len(keys) < 2:
        raise ValueError(f"odd one out needs at least 2 keys; got {len(keys)}")

    rows = [_valid_row(space, key) for key in keys]
    found = [space.keys[row] for row in rows]
    units = space.unit[rows]
    scores = units @ _unit(units.mean(axis=0))

    odd = min(zip(scores, found))[1]
    return OddOneOut(odd, {key: float(s) for key, s in zip(found, scores)})


def similarity_matrix(space: Space, keys: Sequence[str]) -> np.ndarray:
    """Pairwise cosine similarities of ``keys``, shape ``(len(keys), len(keys))``."""
    rows = [_valid_row(space, key) for key in keys]
    units = space.unit[rows]
    return np.clip(units @ units.T, -1.0, 1.0)


__all__ = [
    "METRICS",
    "Neighbor",
    "OddOneOut",
    "QueryResult",
    "UnknownKeyError",
    "analogy",
    "doesnt_match",
    "expression",
    "most_similar",
    "most_similar_cosmul",
    "n_similarity",
    "neighbors",
    "parse_expression",
    "rank",
    "similarity",
    "similarity_matrix",
]
