"""Put keys that a map was not fitted on into that map, without refitting it.

A map is fitted once on its rows (the first keys by frequency), so that a new
query does not move it. The query and its neighbours may lie outside those
rows; :func:`place` gives them coordinates in the same map:

- PCA, raw coordinates and word axes are affine maps of the vectors: the map
  that sends the fitted rows to their coordinates is recovered by least
  squares and applied to the new rows, which places them exactly where the
  fitted projection would have;
- UMAP and t-SNE have no such map (and t-SNE none at all for new points): a
  new row goes to the similarity-weighted mean position of its nearest fitted
  rows by cosine, which is where such rows land in practice but only
  approximately.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from embspace.projection_base import Projection, check_int
from embspace.space import Space

logger = logging.getLogger(__name__)

AFFINE = ("pca", "raw", "axes")
N_NEIGHBORS = 5


@dataclass(frozen=True)
class Placed:
    """Rows placed into a fitted map.

    Attributes
    ----------
    indices : numpy.ndarray
        Row ids into the space, int64.
    keys : list of str
        Their keys.
    coords : numpy.ndarray
        Float32 array of shape ``(len(indices), n_components)``.
    exact : bool
        True where the coordinates are the projection's own (affine maps),
        False where they are estimated from neighbours (UMAP, t-SNE).
    """

    indices: np.ndarray
    keys: list[str]
    coords: np.ndarray
    exact: bool

    def describe(self) -> str:
        """How the rows were placed, for a caption."""
        if self.exact:
            return "placed exactly where the projection puts them"
        return (
            f"placed at the mean position of their {N_NEIGHBORS} nearest keys "
            "of the map (an estimate: UMAP and t-SNE cannot place new keys)"
        )


def place(
    space: Space,
    fitted: Projection,
    rows: Sequence[int] | np.ndarray,
    *,
    n_neighbors: int = N_NEIGHBORS,
) -> Placed:
    """Coordinates in ``fitted`` for rows of ``space`` it was not fitted on.

    Parameters
    ----------
    space : Space
        The vectors the map was fitted on.
    fitted : Projection
        The map.
    rows : sequence of int
        Row ids to place, usually rows the map was not fitted on.
    n_neighbors : int
        Fitted rows whose positions are averaged (UMAP, t-SNE).

    Returns
    -------
    Placed
    """
    check_int("n_neighbors", n_neighbors, minimum=1)
    rows = np.asarray(rows, dtype=np.int64).reshape(-1)
    if rows.size and (rows.min() < 0 or rows.max() >= space.n_keys):
        raise ValueError(f"rows must lie in 0..{space.n_keys - 1}")
    exact = fitted.method in AFFINE
    keys = [space.keys[row] for row in rows]
    if rows.size == 0 or len(fitted.indices) == 0:
        empty = np.zeros((0, fitted.n_components), dtype=np.float32)
        return Placed(rows[:0], [], empty, exact)

    if exact:
        coords = _affine(space, fitted, rows)
    else:
        coords = _by_neighbours(space, fitted, rows, n_neighbors)
    logger.debug("placed %d rows into a %s map", rows.size, fitted.method)
    return Placed(rows, keys, coords.astype(np.float32), exact)


def _affine(space: Space, fitted: Projection, rows: np.ndarray) -> np.ndarray:
    """Least squares for ``coords = [vectors, 1] @ W`` on the fitted rows."""
    inputs = np.asarray(space.vectors[np.asarray(fitted.indices)], dtype=np.float64)
    design = np.hstack([inputs, np.ones((inputs.shape[0], 1))])
    weights, *_ = np.linalg.lstsq(
        design, np.asarray(fitted.coords, dtype=np.float64), rcond=None
    )

    new = np.asarray(space.vectors[rows], dtype=np.float64)
    return np.hstack([new, np.ones((rows.size, 1))]) @ weights


def _by_neighbours(
    space: Space, fitted: Projection, rows: np.ndarray, n_neighbors: int
) -> np.ndarray:
    """Similarity-weighted mean position of each row's nearest fitted rows."""
    indices = np.asarray(fitted.indices)
    similarities = space.unit[rows] @ space.unit[indices].T
    k = min(n_neighbors, indices.size)
    nearest = np.argpartition(-similarities, k - 1, axis=1)[:, :k]

    weights = np.take_along_axis(similarities, nearest, axis=1).clip(min=0) + 1e-6
    weights /= weights.sum(axis=1, keepdims=True)
    coords = np.asarray(fitted.coords, dtype=np.float64)[nearest]
    return np.einsum("rk,rkc->rc", weights, coords)
