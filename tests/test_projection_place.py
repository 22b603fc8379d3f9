"""Placing keys outside a fitted map into it: scikit-learn's PCA as the oracle."""

from __future__ import annotations

import numpy as np
import pytest
from numpy.testing import assert_allclose

from embspace import projection
from embspace.projection_base import Projection
from embspace.projection_place import place
from embspace.space import Space


def test_pca_places_new_keys_as_scikit_learn_transforms_them(glove):
    from sklearn.decomposition import PCA

    fitted = projection.project(glove, method="pca", limit=2000, use_cache=False)
    rows = [glove.index(key) for key in ("paris", "prohertrib", "strasbourg")]
    rows += list(range(100_000, 100_010))

    placed = place(glove, fitted, rows)

    oracle = PCA(n_components=2).fit(glove.vectors[:2000])
    expected = oracle.transform(glove.vectors[rows])
    signs = np.sign(np.sum(oracle.transform(glove.vectors[:2000]) * fitted.coords, 0))
    assert placed.exact
    assert placed.keys[0] == "paris"
    assert_allclose(placed.coords, expected * signs, atol=2e-4)


def test_raw_coordinates_place_a_key_at_its_own_values():
    vectors = np.random.default_rng(1).normal(size=(50, 2)).astype(np.float32)
    space = Space([f"k{i}" for i in range(50)], vectors)
    fitted = projection.project(space, method="raw", rows=range(40), use_cache=False)

    placed = place(space, fitted, [45, 49])

    assert_allclose(placed.coords, vectors[[45, 49]], atol=1e-5)


def _map(method: str) -> tuple[Space, Projection]:
    """Ten fitted rows in two far-apart groups, and two new rows near each."""
    rng = np.random.default_rng(2)
    left, right = np.eye(6)[0], np.eye(6)[1]
    vectors = np.vstack(
        [
            left + 0.05 * rng.normal(size=(5, 6)),
            right + 0.05 * rng.normal(size=(5, 6)),
            [left + 0.01, right + 0.01],
        ]
    )
    space = Space([f"k{i}" for i in range(12)], vectors)
    coords = np.vstack([np.full((5, 2), -10.0), np.full((5, 2), 10.0)])
    coords += rng.normal(size=coords.shape)
    fitted = Projection(
        method=method,
        n_components=2,
        indices=np.arange(10),
        keys=space.keys[:10],
        coords=coords.astype(np.float32),
        params={},
    )
    return space, fitted


@pytest.mark.parametrize("method", ["umap", "tsne"])
def test_umap_and_tsne_place_a_key_among_its_nearest_keys(method):
    space, fitted = _map(method)

    placed = place(space, fitted, [10, 11])

    assert not placed.exact
    assert "estimate" in placed.describe()
    assert_allclose(placed.coords[0], fitted.coords[:5].mean(axis=0), atol=1.5)
    assert_allclose(placed.coords[1], fitted.coords[5:].mean(axis=0), atol=1.5)


def test_nothing_to_place_and_rows_out_of_range():
    space, fitted = _map("umap")

    assert place(space, fitted, []).coords.shape == (0, 2)
    with pytest.raises(ValueError, match=r"rows must lie in 0\.\.11"):
        place(space, fitted, [12])
    with pytest.raises(ValueError, match="n_neighbors=0"):
        place(space, fitted, [10], n_neighbors=0)
