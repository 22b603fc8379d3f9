"""Projections of a space to two or three dimensions: PCA, UMAP, t-SNE, raw.

A projection runs over a subset of rows (see :mod:`embspace.projection_rows`:
the first ``limit`` keys of a space in frequency order, an even sample of any
other, plus any keys the user is looking at), leaves out rows that cannot be
projected and names them, and clamps parameters that do not fit the data
(components, perplexity, neighbours) with a note instead of failing. Data
with at most 3 dimensions can be shown as it is (``method="raw"``; 1-D data
as a strip). Fitted coordinates are cached on disk by content (see
:mod:`embspace.projection_cache`).

This module is the public face of the projection modules: row choice and
guards (:mod:`embspace.projection_rows`), UMAP (:mod:`embspace.projection_umap`)
and word axes (:mod:`embspace.projection_axes`) are importable from here.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Sequence
from importlib import metadata

import numpy as np

from embspace import projection_cache
from embspace.projection_axes import word_axes
from embspace.projection_base import (
    MAX_NAMED,
    Projection,
    check_choice,
    check_int,
    left_out_note,
    read_only,
)
from embspace.projection_cache import Entry
from embspace.projection_pca import fit_pca
from embspace.projection_rows import (
    FITTED,
    RAW_LIMIT,
    SAMPLES,
    availability,
    blocker,
    default_method,
    raw_coordinates,
    sample_kind,
    sampling_note,
    select,
    select_rows,
    unknown_note,
)
from embspace.projection_umap import exact_knn, fit_umap, warm_up
from embspace.space import Space

logger = logging.getLogger(__name__)

METHODS = (*FITTED, "raw")
METRICS = ("cosine", "euclidean")

_LIBRARIES = {"pca": "numpy", "tsne": "scikit-learn", "umap": "umap-learn"}

__all__ = [
    "MAX_NAMED",
    "METHODS",
    "METRICS",
    "RAW_LIMIT",
    "SAMPLES",
    "Projection",
    "availability",
    "default_method",
    "exact_knn",
    "project",
    "raw_coordinates",
    "sample_kind",
    "select_rows",
    "tsne_threads",
    "warm_up",
    "word_axes",
]


# -- projections ----------------------------------------------------------------------


def project(
    space: Space,
    *,
    method: str = "pca",
    n_components: int = 2,
    limit: int = 5000,
    extra_keys: Sequence[str] = (),
    rows: Sequence[int] | np.ndarray | None = None,
    random_state: int = 42,
    n_neighbors: int = 15,
    min_dist: float = 0.1,
    metric: str = "cosine",
    perplexity: float = 30.0,
    sample: str = "auto",
    use_cache: bool = True,
) -> Projection:
    """Project rows of a space to 2 or 3 dimensions.

    Parameters
    ----------
    space : Space
        The vectors.
    method : {"pca", "umap", "tsne", "raw"}
        scikit-learn ``PCA``, umap-learn ``UMAP``, scikit-learn ``TSNE``, or
        the coordinates themselves (data with at most 3 dimensions; 1-D data
        becomes a strip along x).
    n_components : {2, 3}
        Requested dimensions; lowered to ``min(n_points, n_dims)`` with a note.
    limit, extra_keys, sample
        Which rows, as in :func:`select_rows`.
    rows : sequence of int, optional
        Explicit row ids; overrides ``limit``, ``extra_keys`` and ``sample``.
    random_state : int
        Seed; the same seed gives the same coordinates.
    n_neighbors, min_dist : int, float
        UMAP only. ``n_neighbors`` is kept below the number of points.
    metric : {"cosine", "euclidean"}
        Distance for UMAP and t-SNE.
    perplexity : float
        t-SNE only; kept below the number of points.
    use_cache : bool
        Read and write the disk cache.

    Returns
    -------
    Projection

    Raises
    ------
    ValueError
        For a bad parameter, or when the data cannot be projected (fewer than
        2 points, no variance, one dimension); the message gives the reason.
    """
    check_choice("method", method, METHODS)
    check_choice("metric", metric, METRICS)
    check_int("random_state", random_state, minimum=0)
    if n_components not in (2, 3):
        raise ValueError(f"n_components={n_components!r} must be 2 or 3")

    # 1. The rows, without those that cannot be projected.
    chosen, notes = _rows_to_project(
        space,
        limit,
        extra_keys,
        rows,
        sample,
        random_state,
        needs_direction=method in ("umap", "tsne") and metric == "cosine",
    )
    reason = blocker(space, chosen)
    if reason is not None:
        raise ValueError(reason)
    if method == "raw":
        return _raw(space, chosen, n_components, notes)

    # 2. Parameters that fit the data.
    n_used, params, clamp_notes = _effective_params(
        method,
        n_points=chosen.size,
        n_dims=space.n_dims,
        n_components=n_components,
        random_state=random_state,
        n_neighbors=n_neighbors,
        min_dist=min_dist,
        metric=metric,
        perplexity=perplexity,
    )
    notes += clamp_notes

    # 3. From the cache, or fitted and stored.
    entry = _fitted(space, chosen, method, n_used, params, use_cache=use_cache)
    return Projection(
        method=method,
        n_components=n_used,
        indices=read_only(chosen),
        keys=[space.keys[i] for i in chosen],
        coords=read_only(entry.coords),
        params=params,
        explained_variance_ratio=read_only(entry.explained_variance_ratio),
        notes=tuple(notes) + entry.notes,
    )


def _rows_to_project(
    space: Space,
    limit: int,
    extra_keys: Sequence[str],
    rows: Sequence[int] | np.ndarray | None,
    sample: str,
    random_state: int,
    *,
    needs_direction: bool,
) -> tuple[np.ndarray, list[str]]:
    """The rows to project and the notes about them.

    Non-finite rows are always left out; zero rows only when the method
    compares directions (``needs_direction``: UMAP or t-SNE by cosine).
    """
    notes: list[str] = []
    if rows is None:
        chosen, passed_over, unknown = select(
            space, limit, extra_keys, sample, random_state
        )
        n_finite = int(np.count_nonzero(space.finite))
        kind = sample_kind(space, sample)
        shown = sampling_note(
            min(limit, n_finite),
            n_finite,
            kind,
            frequency_ordered=space.frequency_ordered,
        )
        notes += [note for note in (shown, unknown_note(unknown)) if note]
    else:
        chosen, passed_over = _check_rows(space, rows), np.empty(0, np.int64)

    usable = space.valid if needs_direction else space.finite
    invalid = np.union1d(passed_over, chosen[~usable[chosen]])
    if needs_direction and rows is None:
        zero = space.validity.zero
        invalid = np.union1d(invalid, zero[np.isin(zero, chosen)])
    if invalid.size:
        notes.append(left_out_note(space, invalid))
    return chosen[usable[chosen]], notes


def _raw(
    space: Space, rows: np.ndarray, n_components: int, notes: list[str]
) -> Projection:
    """The rows' own coordinates; one dimension becomes a strip along x.

    The method of the result is ``raw``, or ``strip`` for 1-D data (its
    second coordinate is 0 for every row).
    """
    n_dims = space.n_dims
    if n_dims > 3:
        raise ValueError(
            f"raw coordinates need at most 3 dimensions; the data has {n_dims}"
        )

    coords = np.array(space.vectors[rows], dtype=np.float32)
    if n_dims == 1:
        coords = np.column_stack([coords[:, 0], np.zeros(rows.size, np.float32)])
        notes.append("the data has 1 dimension: its values lie along x")
    elif n_components < n_dims:
        coords = coords[:, :n_components]
        notes.append("the 2-D raw view shows dimensions 1 and 2 of 3")
    elif n_components > n_dims:
        notes.append(
            f"n_components lowered from {n_components} to {n_dims}: "
            f"the data has only {n_dims} dimensions"
        )
    return Projection(
        method="strip" if n_dims == 1 else "raw",
        n_components=coords.shape[1],
        indices=read_only(rows),
        keys=[space.keys[i] for i in rows],
        coords=read_only(coords),
        params={"n_components": coords.shape[1], "strip": n_dims == 1},
        notes=tuple(notes),
    )


def _check_rows(space: Space, rows: Sequence[int] | np.ndarray) -> np.ndarray:
    array = np.asarray(rows)
    if array.ndim != 1 or (array.size and array.dtype.kind not in "iu"):
        raise TypeError("rows must be a 1-D sequence of integer row ids")
    array = np.unique(array.astype(np.int64))
    if array.size and (array[0] < 0 or array[-1] >= space.n_keys):
        raise ValueError(
            f"rows must lie in 0..{space.n_keys - 1}; got {array[0]}..{array[-1]}"
        )
    return array


def _effective_params(
    method: str,
    *,
    n_points: int,
    n_dims: int,
    n_components: int,
    random_state: int,
    n_neighbors: int,
    min_dist: float,
    metric: str,
    perplexity: float,
) -> tuple[int, dict, list[str]]:
    """Components and method parameters after clamping, with notes."""
    notes = []
    n_used = min(n_components, n_points, n_dims)
    if n_used < 2:
        raise ValueError(
            "the data has only 1 dimension; the raw view shows it as a strip"
        )
    if n_used < n_components:
        limit = "points" if n_points < n_dims else "dimensions"
        notes.append(
            f"n_components lowered from {n_components} to {n_used}: "
            f"the data has only {min(n_points, n_dims)} {limit}"
        )

    params: dict = {"n_components": n_used}
    if method == "umap":
        params.update(_umap_params(n_points, n_neighbors, min_dist, metric, notes))
        params["random_state"] = random_state
    elif method == "tsne":
        params.update(_tsne_params(n_points, perplexity, metric, notes))
        params["random_state"] = random_state
    return n_used, params, notes


def _umap_params(
    n_points: int, n_neighbors: int, min_dist: float, metric: str, notes: list[str]
) -> dict:
    check_int("n_neighbors", n_neighbors, minimum=2)
    if not 0.0 <= min_dist <= 1.0:
        raise ValueError(f"min_dist={min_dist!r} must be between 0 and 1")
    if n_points < 3:
        raise ValueError(f"UMAP needs at least 3 points; there are {n_points}")

    if n_neighbors >= n_points:
        notes.append(
            f"n_neighbors lowered from {n_neighbors} to {n_points - 1}: "
            f"it must stay below the number of points ({n_points})"
        )
        n_neighbors = n_points - 1
    return {"n_neighbors": n_neighbors, "min_dist": float(min_dist), "metric": metric}


def _tsne_params(
    n_points: int, perplexity: float, metric: str, notes: list[str]
) -> dict:
    if not perplexity > 0:
        raise ValueError(f"perplexity={perplexity!r} must be greater than 0")

    perplexity = float(perplexity)
    if perplexity >= n_points:
        clamped = float(max(1.0, (n_points - 1) / 3))
        notes.append(
            f"perplexity lowered from {perplexity:g} to {clamped:g}: "
            f"it must stay below the number of points ({n_points})"
        )
        perplexity = clamped
    return {"perplexity": perplexity, "metric": metric}


# -- fitting and caching ------------------------------------------------------------


def _fitted(
    space: Space,
    rows: np.ndarray,
    method: str,
    n_components: int,
    params: dict,
    *,
    use_cache: bool,
) -> Entry:
    version = metadata.version(_LIBRARIES[method])
    key = projection_cache.cache_key(
        str(space.fingerprint), rows, method, {**params, "library": version}
    )
    if use_cache:
        entry = projection_cache.load(key, rows=rows, n_components=n_components)
        if entry is not None:
            return entry

    matrix = np.asarray(space.vectors[rows], dtype=np.float32)
    logger.info("fitting %s on %d x %d", method, *matrix.shape)
    entry = _fit(method, matrix, params)
    if use_cache:
        projection_cache.store(key, rows=rows, entry=entry, method=method)
    return entry


def _fit(method: str, matrix: np.ndarray, params: dict) -> Entry:
    """Fit one method on a matrix; the single place where fitting happens."""
    if method == "pca":
        return _fit_pca(matrix, params)
    if method == "umap":
        return fit_umap(matrix, params)
    return _fit_tsne(matrix, params)


def _fit_pca(matrix: np.ndarray, params: dict) -> Entry:
    fit = fit_pca(matrix, params["n_components"])
    return Entry(fit.coords, fit.explained_variance_ratio, ())


def _fit_tsne(matrix: np.ndarray, params: dict) -> Entry:
    from sklearn.manifold import TSNE
    from threadpoolctl import threadpool_limits

    tsne = TSNE(
        n_components=params["n_components"],
        perplexity=params["perplexity"],
        metric=params["metric"],
        init="pca",
        learning_rate="auto",
        random_state=params["random_state"],
    )
    with threadpool_limits(limits=tsne_threads()):
        coords = tsne.fit_transform(matrix).astype(np.float32)
    return Entry(coords, None, ())


def tsne_threads() -> int:
    """OpenMP threads for t-SNE: the cores that other work leaves idle.

    On an idle machine every core helps, but OpenMP threads that spin on busy
    cores make t-SNE several times slower than one thread (measured with
    ``bench/bench_tsne_threads.py``). The busy cores are estimated by the
    one-minute load average less one: the process that asks for the map has
    been running (loading, PCA) and counts in it too. Where there is no load
    average, half of the cores are used.

    Returns
    -------
    int
        Between 1 and ``os.cpu_count()``.
    """
    cores = os.cpu_count() or 1
    try:
        busy = os.getloadavg()[0]
    except (AttributeError, OSError):
        return max(1, cores // 2)
    return int(min(cores, max(1, cores - int(max(0.0, busy - 1.0)))))
