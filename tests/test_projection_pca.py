"""numpy PCA against scikit-learn's on the GloVe vectors, signs included."""

from __future__ import annotations

import numpy as np
import pytest
from numpy.testing import assert_allclose

from embspace.projection_pca import fit_pca


@pytest.mark.parametrize(("n_rows", "n_components"), [(5000, 2), (50_000, 3)])
def test_fit_pca_equals_scikit_learn(glove, n_rows, n_components):
    from sklearn.decomposition import PCA

    matrix = glove.vectors[:n_rows]
    oracle = PCA(n_components=n_components, svd_solver="full")
    expected = oracle.fit_transform(np.asarray(matrix, dtype=np.float64))

    fit = fit_pca(matrix, n_components)

    assert fit.coords.dtype == np.float32
    assert_allclose(fit.coords, expected, atol=1e-4)
    assert_allclose(fit.components, oracle.components_, atol=1e-5)
    assert_allclose(fit.explained_variance_ratio, oracle.explained_variance_ratio_)
    others = glove.vectors[200_000:200_100]
    assert_allclose(fit.transform(others), oracle.transform(others), atol=1e-4)


def test_fit_pca_of_rows_without_variance_is_all_zero():
    fit = fit_pca(np.ones((10, 4), dtype=np.float32), 2)

    assert np.all(fit.coords == 0)
    assert np.all(fit.explained_variance_ratio == 0)
    assert np.all(np.isfinite(fit.components))


@pytest.mark.parametrize("n_components", [0, 4, 11])
def test_fit_pca_refuses_more_components_than_the_matrix_has(n_components):
    with pytest.raises(ValueError, match=rf"n_components={n_components} must be"):
        fit_pca(np.zeros((10, 3), dtype=np.float32), n_components)


def test_an_axis_without_variance_is_exactly_zero_not_rounding_noise():
    two = np.array([[0.1, 0.7, -0.3], [0.4, -0.2, 0.9]], dtype=np.float32)

    fit = fit_pca(two, 2)

    assert np.all(fit.coords[:, 1] == 0)
    assert_allclose(
        abs(fit.coords[0, 0] - fit.coords[1, 0]),
        np.linalg.norm(two[0] - two[1]),
        rtol=1e-6,
    )
