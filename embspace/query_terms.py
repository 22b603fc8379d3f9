"""Results of queries and the query vectors they start from.

The result types (:class:`Neighbor`, :class:`QueryResult`, :class:`OddOneOut`),
the validation of ``topn``, ``metric`` and ``restrict_vocab``, and the query
vector built from keys and vectors as gensim builds it.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from embspace.space import Space

logger = logging.getLogger(__name__)

METRICS = ("cosine", "euclidean", "dot")

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
    space: Space,
    positive: Sequence[Term],
    negative: Sequence[Term],
    *,
    cosine: bool = True,
) -> _Terms:
    vectors, weights, rows, keys, notes = [], [], [], [], []
    for weight, terms in ((1.0, positive), (-1.0, negative)):
        for term in terms:
            if isinstance(term, np.ndarray):
                vectors.append(_check_vector(space, term))
                weights.append(weight)
                rows.append(-1)
                continue

            if isinstance(term, str) and not term.strip():
                raise ValueError("a key of the query is empty; type a key")
            resolved = space.resolve(term)
            _check_row(space, resolved.key, resolved.index, cosine=cosine)
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


def _check_row(space: Space, key: str, index: int, *, cosine: bool = True) -> None:
    """Reject a key whose vector the metric cannot compare.

    A zero vector has no direction (cosine is undefined) but a place
    (euclidean distance and dot product are defined); a non-finite one has
    neither.
    """
    usable = space.valid[index] if cosine else space.finite[index]
    if not usable:
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


def _label(positive: Sequence[Term], negative: Sequence[Term], terms: _Terms) -> str:
    names = iter(terms.keys)
    parts = []
    for sign, group in (("+", positive), ("-", negative)):
        for term in group:
            name = "<vector>" if isinstance(term, np.ndarray) else next(names)
            parts.append(f"{sign} {name}")
    text = " ".join(parts)
    return text[2:] if text.startswith("+ ") else text
