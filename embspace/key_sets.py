"""Pairs and sets of keys: similarity, rank, set similarity, odd one out.

Each function follows the gensim ``KeyedVectors`` method of the same name.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

import numpy as np

from embspace.query_terms import OddOneOut, _check_row, _unit
from embspace.space import Space

logger = logging.getLogger(__name__)


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
