"""Principal component analysis with numpy: the default map, without scikit-learn.

The first map a visitor sees is a PCA of a few thousand keys. scikit-learn
computes the same thing, but importing it takes more than a second (scipy and
its own modules), which the first page would wait for. For ``n`` rows of
``d <= 1000`` dimensions, as word vectors are, the components are the
eigenvectors of the ``d x d`` covariance matrix: scikit-learn's
``svd_solver="covariance_eigh"``, which it picks itself for such data. Signs
follow scikit-learn's convention (each component's largest loading is
positive), so the coordinates equal its ``fit_transform`` up to rounding.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

import numpy as np

logger = logging.getLogger(__name__)

CHUNK_ROWS = 65_536
NO_VARIANCE = 1e-12  # an axis's share of the variance below which it has none

__all__ = ["PCAFit", "fit_pca"]


@dataclass(frozen=True)
class PCAFit:
    """A fitted PCA.

    Attributes
    ----------
    mean : numpy.ndarray
        The mean row, shape ``(d,)``.
    components : numpy.ndarray
        The principal axes as rows, shape ``(n_components, d)``, unit length.
    explained_variance_ratio : numpy.ndarray
        The share of the total variance along each axis.
    coords : numpy.ndarray
        The fitted rows in the new axes, float32, shape ``(n, n_components)``.
    """

    mean: np.ndarray
    components: np.ndarray
    explained_variance_ratio: np.ndarray
    coords: np.ndarray

    def transform(self, matrix: np.ndarray) -> np.ndarray:
        """Coordinates of other rows in the fitted axes (float32)."""
        return _transform(matrix, self.mean, self.components)


def fit_pca(matrix: np.ndarray, n_components: int) -> PCAFit:
    """Fit a PCA of the rows of ``matrix``.

    Parameters
    ----------
    matrix : numpy.ndarray
        Shape ``(n, d)``, finite values.
    n_components : int
        Number of axes, at most ``min(n, d)``.

    Returns
    -------
    PCAFit
        Axes, explained variance ratios and the fitted coordinates.
    """
    matrix = np.asarray(matrix)
    if matrix.ndim != 2 or not 1 <= n_components <= min(matrix.shape):
        raise ValueError(
            f"n_components={n_components} must be between 1 and "
            f"min(n_rows, n_dims) of a matrix of shape {matrix.shape}"
        )

    mean = matrix.mean(axis=0, dtype=np.float64)
    eigenvalues, eigenvectors = np.linalg.eigh(_scatter(matrix, mean))
    order = np.argsort(eigenvalues)[::-1][:n_components]
    components = _flip_signs(eigenvectors[:, order].T)

    total = float(np.clip(eigenvalues, 0.0, None).sum())
    variance = np.clip(eigenvalues[order], 0.0, None)
    ratio = variance / total if total > 0 else np.zeros_like(variance)
    logger.debug("PCA of %d x %d: ratios %s", *matrix.shape, np.round(ratio, 4))
    coords = _transform(matrix, mean, components)
    # An axis without variance (2 points have 1) holds rounding noise only.
    coords[:, variance <= total * NO_VARIANCE] = 0.0
    return PCAFit(mean, components, ratio, coords)


def _scatter(matrix: np.ndarray, mean: np.ndarray) -> np.ndarray:
    """The centred ``X.T @ X``: float32 products of row chunks, summed in float64."""
    dtype = np.float32 if matrix.dtype == np.float32 else np.float64
    scatter = np.zeros((matrix.shape[1], matrix.shape[1]))
    for start in range(0, matrix.shape[0], CHUNK_ROWS):
        chunk = matrix[start : start + CHUNK_ROWS] - mean.astype(dtype)
        scatter += chunk.T @ chunk
    return scatter


def _transform(
    matrix: np.ndarray, mean: np.ndarray, components: np.ndarray
) -> np.ndarray:
    dtype = np.float32 if matrix.dtype == np.float32 else np.float64
    shift = (mean @ components.T).astype(np.float32)
    coords = np.asarray(matrix, dtype=dtype) @ components.T.astype(dtype)
    return (coords - shift).astype(np.float32, copy=False)


def _flip_signs(components: np.ndarray) -> np.ndarray:
    """Make each row's largest-magnitude entry positive, as scikit-learn does."""
    largest = np.argmax(np.abs(components), axis=1)
    signs = np.sign(components[np.arange(len(components)), largest])
    return components * np.where(signs == 0, 1.0, signs)[:, None]
