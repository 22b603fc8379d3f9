"""The int8 index: its candidates always contain the exact top-k."""

from __future__ import annotations

import numpy as np
import pytest
from numpy.testing import assert_allclose

from embspace import queries
from embspace.index import CosineIndex
from embspace.space import Space

N_ROWS = queries.MIN_INDEXED_ROWS + 12_345
N_DIMS = 24


def clustered_vectors(n_rows: int, n_dims: int, *, seed: int) -> np.ndarray:
    """Rows in tight clusters, so that many scores are near-ties."""
    rng = np.random.default_rng(seed)
    centres = rng.normal(size=(n_rows // 50, n_dims))
    labels = rng.integers(0, centres.shape[0], size=n_rows)
    scales = rng.uniform(0.1, 5.0, size=(n_rows, 1))
    noise = rng.normal(scale=0.05, size=(n_rows, n_dims))
    return ((centres[labels] + noise) * scales).astype(np.float32)


@pytest.fixture(scope="module")
def large() -> Space:
    """A synthetic space above MIN_INDEXED_ROWS, with a few invalid rows."""
    vectors = clustered_vectors(N_ROWS, N_DIMS, seed=3)
    vectors[[10, 20_000, N_ROWS - 1]] = 0
    vectors[30, 5] = np.nan
    vectors[40_000, 0] = np.inf
    keys = [f"k{i}" for i in range(N_ROWS)]
    return Space(keys, vectors, name="large")


def float64_unit(space: Space) -> np.ndarray:
    """The unit rows in float64, cached on the space object for the tests."""
    if "_test_unit64" not in space.__dict__:
        space.__dict__["_test_unit64"] = space.unit.astype(np.float64)
    return space.__dict__["_test_unit64"]


def exact_top(space: Space, query: np.ndarray, k: int, n_rows: int) -> np.ndarray:
    """Rows of the true top-k in float64 (ties at the k-th score all kept)."""
    scores = float64_unit(space)[:n_rows] @ query.astype(np.float64)
    kth = np.partition(scores, n_rows - k)[n_rows - k]
    return np.flatnonzero(scores >= kth)


def queries_for(space: Space, rng: np.random.Generator, n: int) -> list[np.ndarray]:
    """Unit queries: rows of the space, and random directions."""
    rows = rng.choice(np.flatnonzero(space.valid), size=n // 2, replace=False)
    found = [space.unit[row] for row in rows]
    for _ in range(n - len(found)):
        vector = rng.normal(size=space.n_dims)
        found.append((vector / np.linalg.norm(vector)).astype(np.float32))
    return found


def test_residual_of_every_row_is_within_eps(large):
    index = large.cosine_index

    decoded = index.codes.T.astype(np.float32) * index.scales[:, None]
    residual = np.linalg.norm(large.unit - decoded, axis=1)

    assert residual.max() <= index.eps
    assert 0 < index.eps < 0.05


@pytest.mark.parametrize("k", [1, 11, 64])
@pytest.mark.parametrize("n_rows", [N_ROWS, 50_001, 4_096])
def test_candidates_contain_the_exact_top_k(large, k, n_rows):
    index = large.cosine_index
    rng = np.random.default_rng(k * n_rows)

    for query in queries_for(large, rng, 40):
        candidates = index.candidates(query, k=k, n_rows=n_rows)

        assert np.all(np.diff(candidates) > 0)
        assert candidates.size == 0 or candidates[-1] < n_rows
        assert np.isin(exact_top(large, query, k, n_rows), candidates).all()
        assert candidates.size < n_rows // 4


def test_candidates_of_a_row_contain_the_row_itself(large):
    index = large.cosine_index
    rows = np.random.default_rng(5).choice(np.flatnonzero(large.valid), 30)

    for row in rows:
        assert row in index.candidates(large.unit[row], k=1, n_rows=N_ROWS)


def test_k_at_least_n_rows_returns_every_row(large):
    candidates = large.cosine_index.candidates(large.unit[0], k=100, n_rows=100)

    assert np.array_equal(candidates, np.arange(100))


def test_candidates_on_glove_contain_the_exact_top_k(glove):
    index = glove.cosine_index
    rng = np.random.default_rng(11)

    for query in queries_for(glove, rng, 16):
        candidates = index.candidates(query, k=11, n_rows=glove.n_keys)

        assert np.isin(exact_top(glove, query, 11, glove.n_keys), candidates).all()


def exact_cosmul(
    space: Space, terms: np.ndarray, signs: np.ndarray, n_rows: int
) -> np.ndarray:
    shifted = [(1 + float64_unit(space)[:n_rows] @ t) / 2 for t in terms]
    numerator = np.prod([s for s, w in zip(shifted, signs) if w > 0], axis=0)
    negatives = [s for s, w in zip(shifted, signs) if w < 0]
    return numerator / (np.prod(negatives, axis=0) + 1e-6)


@pytest.mark.parametrize("n_rows", [N_ROWS, 60_000])
def test_cosmul_candidates_contain_the_exact_top_k(large, n_rows):
    index = large.cosine_index
    valid = np.flatnonzero(large.valid)
    rng = np.random.default_rng(n_rows)
    k = 10 + 3 + large.validity.n_invalid

    for _ in range(25):
        terms = large.unit[rng.choice(valid, size=3, replace=False)]
        signs = np.array([1.0, 1.0, -1.0])
        candidates = index.cosmul_candidates(terms, signs, k=k, n_rows=n_rows)

        scores = exact_cosmul(large, terms, signs, n_rows)
        scores[~large.valid[:n_rows]] = -np.inf
        top = np.flatnonzero(scores >= np.partition(scores, n_rows - k)[n_rows - k])
        assert np.isin(top, candidates).all()
        assert candidates.size < n_rows // 4


def brute_force(space: Space, query: np.ndarray, exclude: set[int], topn: int):
    with np.errstate(invalid="ignore"):
        scores = float64_unit(space) @ query.astype(np.float64)
    scores[~space.valid] = -np.inf
    scores[list(exclude)] = -np.inf
    order = np.argsort(-scores, kind="stable")[:topn]
    return [space.keys[i] for i in order], scores[order]


def test_indexed_neighbours_equal_brute_force_on_a_large_space(large):
    rows = np.random.default_rng(8).choice(np.flatnonzero(large.valid), 40)

    for row in rows:
        result = queries.neighbors(large, large.keys[row], topn=10)

        keys, scores = brute_force(large, large.unit[row], {row}, 10)
        assert result.keys == keys
        assert_allclose([n.score for n in result.results], scores, atol=1e-6)
    assert large.has_cosine_index, "the index path was not used"


def test_indexed_neighbours_match_gensim_on_a_large_space(large):
    from gensim.models import KeyedVectors

    valid = np.flatnonzero(large.valid)
    kv = KeyedVectors(N_DIMS)
    kv.add_vectors([large.keys[i] for i in valid], large.vectors[valid])

    for row in np.random.default_rng(9).choice(valid, 20):
        key = large.keys[row]
        result = queries.neighbors(large, key, topn=10)

        expected = kv.most_similar(key, topn=10)
        assert result.keys == [k for k, _ in expected]
        assert_allclose(
            [n.score for n in result.results], [s for _, s in expected], atol=1e-6
        )


def test_indexed_analogies_equal_brute_force_on_a_large_space(large):
    rng = np.random.default_rng(10)
    valid = np.flatnonzero(large.valid)

    for _ in range(10):
        a, b, c = rng.choice(valid, size=3, replace=False)
        keys = [large.keys[i] for i in (a, b, c)]
        terms = large.unit[[b, c, a]]
        signs = np.array([1.0, 1.0, -1.0])

        added = queries.analogy(large, *keys, method="add", topn=10)
        query = terms[0] + terms[1] - terms[2]
        query = query / np.linalg.norm(query)
        assert added.keys == brute_force(large, query, {a, b, c}, 10)[0]

        multiplied = queries.analogy(large, *keys, method="mul", topn=10)
        scores = exact_cosmul(large, terms, signs, N_ROWS)
        scores[~large.valid] = -np.inf
        scores[[a, b, c]] = -np.inf
        expected = [large.keys[i] for i in np.argsort(-scores, kind="stable")[:10]]
        assert multiplied.keys == expected


def test_invalid_rows_never_come_out_of_the_index_path(large):
    invalid = {large.keys[i] for i in np.flatnonzero(~large.valid)}
    assert len(invalid) == 5

    # A query orthogonal to everything: invalid rows (approximate score 0)
    # sit among the best approximate scores.
    query = np.zeros(N_DIMS, dtype=np.float32)
    query[0] = 1
    for vector in (query, -query):
        result = queries.neighbors(large, vector, topn=50)

        assert invalid.isdisjoint(result.keys)
        assert np.isfinite([n.score for n in result.results]).all()


def test_index_of_a_small_space_is_exact_too():
    vectors = clustered_vectors(500, 6, seed=1)
    space = Space([f"s{i}" for i in range(500)], vectors)
    index = CosineIndex(space.unit)

    for row in range(0, 500, 17):
        candidates = index.candidates(space.unit[row], k=5, n_rows=500)

        assert np.isin(exact_top(space, space.unit[row], 5, 500), candidates).all()


def test_warm_up_compiles_every_kernel():
    from embspace import index

    index.warm_up()

    assert index._scan_top.signatures
    assert index._scan_cosmul.signatures
