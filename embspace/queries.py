"""Queries on a space: neighbours, analogies, expressions, odd one out.

The public face of four modules, one concern each:

- :mod:`embspace.query_terms`: result types, validation, the query vector;
- :mod:`embspace.search`: neighbours and analogies, and what blocks them;
- :mod:`embspace.expressions`: ``king - man + woman`` parsed and searched;
- :mod:`embspace.key_sets`: similarity, rank, set similarity, odd one out.

Cosine queries follow gensim's ``KeyedVectors`` exactly, so that gensim can
serve as the oracle.
"""

from __future__ import annotations

from embspace.expressions import expression, parse_expression
from embspace.key_sets import (
    doesnt_match,
    n_similarity,
    rank,
    similarity,
    similarity_matrix,
)
from embspace.query_terms import METRICS, Neighbor, OddOneOut, QueryResult, Term
from embspace.search import (
    ANALOGY_METHODS,
    COSMUL_EPSILON,
    MIN_INDEXED_ROWS,
    analogy,
    most_similar,
    most_similar_cosmul,
    neighbors,
    neighbours_blocker,
)
from embspace.space import UnknownKeyError

__all__ = [
    "ANALOGY_METHODS",
    "COSMUL_EPSILON",
    "METRICS",
    "MIN_INDEXED_ROWS",
    "Neighbor",
    "OddOneOut",
    "QueryResult",
    "Term",
    "UnknownKeyError",
    "analogy",
    "doesnt_match",
    "expression",
    "most_similar",
    "most_similar_cosmul",
    "n_similarity",
    "neighbors",
    "neighbours_blocker",
    "parse_expression",
    "rank",
    "similarity",
    "similarity_matrix",
]
