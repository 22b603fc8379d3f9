"""UMAP for the maps: an exact neighbour graph and kernels cached on disk.

UMAP's numba kernels are compiled with ``cache=True`` so that the compilation
is paid once per installation (the cache lives under the data directory, see
:func:`embspace.config.configure_numba`). Its neighbour graph is computed
exactly here, which also keeps pynndescent's uncacheable kernels out of the
way.
"""

from __future__ import annotations

import logging
import sys
import threading
import warnings
from collections.abc import Iterator
from contextlib import contextmanager

import numpy as np

from embspace.projection_cache import Entry

logger = logging.getLogger(__name__)

_UMAP_LOCK = threading.Lock()


def fit_umap(matrix: np.ndarray, params: dict) -> Entry:
    """Fit UMAP on ``matrix`` with the effective ``params`` of a projection."""
    umap_class = _umap_class()
    n_points, n_components = matrix.shape[0], params["n_components"]
    knn = exact_knn(matrix, n_neighbors=params["n_neighbors"], metric=params["metric"])

    # Spectral initialisation needs more points than components + 1.
    notes: tuple[str, ...] = ()
    init = "spectral"
    if n_points < n_components + 2:
        init = "random"
        notes = ("UMAP starts from random positions: too few points for spectral",)

    reducer = umap_class(
        n_components=n_components,
        n_neighbors=params["n_neighbors"],
        min_dist=params["min_dist"],
        metric=params["metric"],
        random_state=params["random_state"],
        init=init,
        n_jobs=1,
        precomputed_knn=(knn[0], knn[1], None),
    )
    with _quiet_umap():
        coords = reducer.fit_transform(matrix)
    return Entry(np.asarray(coords, dtype=np.float32), None, notes)


def exact_knn(
    matrix: np.ndarray, *, n_neighbors: int, metric: str = "cosine"
) -> tuple[np.ndarray, np.ndarray]:
    """Exact nearest rows of every row, itself first (UMAP's convention).

    Parameters
    ----------
    matrix : numpy.ndarray
        Matrix of shape ``(n_points, n_dims)`` with no zero rows for cosine.
    n_neighbors : int
        Neighbours per row, the row itself included.
    metric : {"cosine", "euclidean"}
        Distance: ``1 - cos`` or the L2 distance.

    Returns
    -------
    indices : numpy.ndarray
        int64 array of shape ``(n_points, n_neighbors)``.
    distances : numpy.ndarray
        float32 array of the same shape, ascending along each row.
    """
    matrix = np.asarray(matrix, dtype=np.float32)
    if metric == "cosine":
        matrix = matrix / np.linalg.norm(matrix, axis=1, keepdims=True)
    squares = np.einsum("ij,ij->i", matrix, matrix)
    n_points, k = matrix.shape[0], n_neighbors
    indices = np.empty((n_points, k), dtype=np.int64)
    distances = np.empty((n_points, k), dtype=np.float32)

    step = max(1, 2**24 // max(n_points, 1))
    for start in range(0, n_points, step):
        stop = min(start + step, n_points)
        block = _distances(matrix[start:stop], matrix, squares, start, metric)
        block[np.arange(stop - start), np.arange(start, stop)] = -1.0
        part = np.argpartition(block, k - 1, axis=1)[:, :k]
        order = np.argsort(np.take_along_axis(block, part, axis=1), axis=1)
        indices[start:stop] = np.take_along_axis(part, order, axis=1)
        distances[start:stop] = np.take_along_axis(block, indices[start:stop], axis=1)
    distances[:, 0] = 0.0
    return indices, distances


def _distances(
    rows: np.ndarray, matrix: np.ndarray, squares: np.ndarray, start: int, metric: str
) -> np.ndarray:
    products = rows @ matrix.T
    if metric == "cosine":
        return np.maximum(1.0 - products, 0.0)
    local = squares[start : start + rows.shape[0], None]
    return np.sqrt(np.maximum(local + squares[None, :] - 2.0 * products, 0.0))


@contextmanager
def _quiet_umap() -> Iterator[None]:
    from numba.core.errors import NumbaWarning

    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=".*knn_search_index.*")
        warnings.filterwarnings("ignore", message=".*n_jobs value.*")
        warnings.filterwarnings("ignore", category=NumbaWarning)
        yield


def _umap_class():
    """The UMAP class, imported so that its numba kernels are cached on disk."""
    with _UMAP_LOCK:
        if "umap" not in sys.modules:
            with _numba_cache_by_default(), _quiet_umap():
                import umap  # noqa: F401
        else:
            logger.debug("umap was imported elsewhere; its kernels may recompile")
    from umap import UMAP

    return UMAP


@contextmanager
def _numba_cache_by_default() -> Iterator[None]:
    """Make ``numba.njit`` default to ``cache=True`` while a module imports.

    umap-learn compiles most kernels without ``cache=True``, so every new
    process would spend tens of seconds compiling them again. Kernels that
    cannot be cached fall back to compiling, with a warning that is silenced.
    """
    import numba

    original = numba.njit

    def njit(*args, **kwargs):
        kwargs.setdefault("cache", True)
        return original(*args, **kwargs)

    numba.njit = njit
    try:
        yield
    finally:
        numba.njit = original


def warm_up() -> None:
    """Run a tiny UMAP once so that numba compiles and caches its kernels.

    Takes tens of seconds on a fresh installation and about a second after.
    """
    rng = np.random.default_rng(0)
    matrix = rng.normal(size=(64, 8)).astype(np.float32)
    params = {
        "n_components": 2,
        "n_neighbors": 5,
        "min_dist": 0.1,
        "metric": "cosine",
        "random_state": 0,
    }
    fit_umap(matrix, params)
    logger.info("UMAP is warm")
