"""Projections of a space to two or three dimensions: PCA, UMAP, t-SNE, axes.

A projection runs over a subset of rows (the first ``limit`` keys by frequency
plus any keys the user is looking at), leaves out rows that cannot be projected
(zero or non-finite vectors) and names them, and clamps parameters that do not
fit the data (components, perplexity, neighbours) with a note instead of
failing. Fitted coordinates are cached on disk by content (see
:mod:`embspace.projection_cache`).

UMAP's numba kernels are compiled with ``cache=True`` so that the compilation
is paid once per installation (the cache lives under the data directory, see
:func:`embspace.config.configure_numba`). Its neighbour graph is computed
exactly here, which also keeps pynndescent's uncacheable kernels out of the
way.
"""

from __future__ import annotations

import logging
import os
import sys
import threading
import warnings
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from importlib import metadata

import numpy as np

from embspace import projection_cache
from embspace.projection_cache import Entry
from embspace.space import Space

logger = logging.getLogger(__name__)

METHODS = ("pca", "umap", "tsne")
METRICS = ("cosine", "euclidean")
SAMPLES = ("first", "random")
RAW_LIMIT = 100_000
MAX_NAMED = 5

_LIBRARIES = {"pca": "scikit-learn", "tsne": "scikit-learn", "umap": "umap-learn"}
_UMAP_LOCK = threading.Lock()


@dataclass(frozen=True)
class Projection:
    """Coordinates of some rows of a space in 1, 2 or 3 dimensions.

    Attributes
    ----------
    method : str
        ``pca``, ``umap``, ``tsne``, ``axes`` or ``raw``.
    n_components : int
        Number of coordinates per row, as actually used (may be clamped).
    indices : numpy.ndarray
        Row ids into the space, int64, read-only.
    keys : list of str
        The keys of those rows.
    coords : numpy.ndarray
        Float32 array of shape ``(n_rows, n_components)``, read-only.
    params : dict
        Effective parameters after clamping (json-safe).
    explained_variance_ratio : numpy.ndarray or None
        Share of the variance on each PCA component; PCA only, read-only.
    notes : tuple of str
        What the user should know: clamps, rows left out, sampling.
    """

    method: str
    n_components: int
    indices: np.ndarray
    keys: list[str]
    coords: np.ndarray
    params: dict
    explained_variance_ratio: np.ndarray | None = None
    notes: tuple[str, ...] = ()


# -- choosing rows ------------------------------------------------------------------


def select_rows(
    space: Space,
    *,
    limit: int = 5000,
    extra_keys: Sequence[str] = (),
    sample: str = "first",
    random_state: int = 42,
) -> np.ndarray:
    """Rows to project: ``limit`` valid rows plus the rows of ``extra_keys``.

    Parameters
    ----------
    space : Space
        The vectors.
    limit : int
        How many valid (finite, non-zero) rows to take.
    extra_keys : sequence of str
        Keys added even beyond the limit (resolved with
        :meth:`Space.resolve`; unknown keys are ignored).
    sample : {"first", "random"}
        ``first`` takes the first rows in row (frequency) order; ``random``
        draws them evenly from the whole space, seeded by ``random_state``.
    random_state : int
        Seed for ``sample="random"``.

    Returns
    -------
    numpy.ndarray
        Sorted, unique int64 row ids.
    """
    rows, _, _ = _select(space, limit, extra_keys, sample, random_state)
    return rows


def _select(
    space: Space, limit: int, extra_keys: Sequence[str], sample: str, random_state: int
) -> tuple[np.ndarray, np.ndarray, list[str]]:
    """Rows, the invalid rows passed over, and the unknown extra keys."""
    _check_int("limit", limit, minimum=1)
    _check_choice("sample", sample, SAMPLES)
    if isinstance(extra_keys, str):
        raise TypeError("extra_keys must be a sequence of keys, not one string")

    valid = np.flatnonzero(space.valid)
    if sample == "first" or limit >= valid.size:
        base = valid[:limit]
    else:
        rng = np.random.default_rng(random_state)
        base = np.sort(rng.choice(valid, size=limit, replace=False))

    # Invalid rows inside the part of the space that was looked at.
    invalid = np.flatnonzero(~space.valid)
    if sample == "first" and base.size == limit and base.size:
        invalid = invalid[invalid < base[-1]]

    extra, unknown = _resolve_extra(space, extra_keys)
    rows = np.union1d(base, extra).astype(np.int64)
    return rows, invalid, unknown


def _resolve_extra(space: Space, keys: Sequence[str]) -> tuple[np.ndarray, list[str]]:
    found, unknown = [], []
    for key in keys:
        try:
            found.append(space.resolve(key).index)
        except KeyError:
            unknown.append(key)
    return np.asarray(found, dtype=np.int64), unknown


# -- what can be projected ----------------------------------------------------------


def availability(space: Space, *, n_rows: int | None = None) -> dict[str, str | None]:
    """Which methods and views can run on a space, and why not.

    Parameters
    ----------
    space : Space
        The vectors.
    n_rows : int, optional
        How many rows the projection would take (the ``limit``); all valid
        rows when not given.

    Returns
    -------
    dict
        For each of ``pca``, ``umap``, ``tsne``, ``2d`` and ``3d``: ``None`` if
        usable, else the reason in one sentence.
    """
    rows = select_rows(space, limit=n_rows or max(space.n_keys, 1))
    reason = _blocker(space, rows)
    result: dict[str, str | None] = dict.fromkeys((*METHODS, "2d", "3d"), reason)
    if reason is not None:
        return result

    n_points, n_dims = rows.size, space.n_dims
    if n_dims < 2:
        reason = "the data has only 1 dimension; show its raw values instead"
        return dict.fromkeys(result, reason)
    if n_dims < 3:
        result["3d"] = "the data has only 2 dimensions"
    elif n_points < 3:
        result["3d"] = f"a 3-D view needs at least 3 points; there are {n_points}"
    if n_points < 3:
        result["umap"] = f"UMAP needs at least 3 points; there are {n_points}"
    return result


def _blocker(space: Space, rows: np.ndarray) -> str | None:
    """Why ``rows`` cannot be projected at all, or ``None``."""
    if rows.size == 0 and space.n_keys and space.validity.zero.size == space.n_keys:
        return "the data has no variance: every vector is zero"
    if rows.size < 2:
        found = "1 point" if rows.size == 1 else f"{rows.size} points"
        return f"a projection needs at least 2 points; the data has {found} to show"
    if not _has_variance(space.vectors, rows):
        return f"the data has no variance: all {rows.size:,} points are identical"
    return None


def _has_variance(vectors: np.ndarray, rows: np.ndarray, chunk: int = 65536) -> bool:
    first = vectors[rows[0]]
    for start in range(0, rows.size, chunk):
        block = vectors[rows[start : start + chunk]]
        if np.any(block != first):
            return True
    return False


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
    sample: str = "first",
    use_cache: bool = True,
) -> Projection:
    """Project rows of a space to 2 or 3 dimensions.

    Parameters
    ----------
    space : Space
        The vectors.
    method : {"pca", "umap", "tsne"}
        scikit-learn ``PCA``, umap-learn ``UMAP`` or scikit-learn ``TSNE``.
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
    _check_choice("method", method, METHODS)
    _check_choice("metric", metric, METRICS)
    _check_int("random_state", random_state, minimum=0)
    if n_components not in (2, 3):
        raise ValueError(f"n_components={n_components!r} must be 2 or 3")

    # 1. The rows, without those that cannot be projected.
    chosen, notes = _rows_to_project(
        space, limit, extra_keys, rows, sample, random_state
    )
    reason = _blocker(space, chosen)
    if reason is not None:
        raise ValueError(reason)

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
        indices=_read_only(chosen),
        keys=[space.keys[i] for i in chosen],
        coords=_read_only(entry.coords),
        params=params,
        explained_variance_ratio=_read_only(entry.explained_variance_ratio),
        notes=tuple(notes) + entry.notes,
    )


def _rows_to_project(
    space: Space,
    limit: int,
    extra_keys: Sequence[str],
    rows: Sequence[int] | np.ndarray | None,
    sample: str,
    random_state: int,
) -> tuple[np.ndarray, list[str]]:
    notes: list[str] = []
    if rows is None:
        chosen, passed_over, unknown = _select(
            space, limit, extra_keys, sample, random_state
        )
        notes += _sampling_notes(space, limit, sample, unknown)
    else:
        chosen, passed_over = _check_rows(space, rows), np.empty(0, np.int64)

    invalid = np.union1d(passed_over, chosen[~space.valid[chosen]])
    if invalid.size:
        notes.append(_left_out_note(space, invalid))
    return chosen[space.valid[chosen]], notes


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


def _sampling_notes(
    space: Space, limit: int, sample: str, unknown: list[str]
) -> list[str]:
    notes = []
    n_valid = int(np.count_nonzero(space.valid))
    if limit < n_valid and sample == "first":
        notes.append(f"showing the first {limit:,} of {n_valid:,} keys in row order")
    elif limit < n_valid:
        notes.append(
            f"showing a random sample of {limit:,} of {n_valid:,} keys, "
            "drawn from the whole space"
        )
    if unknown:
        notes.append("ignored unknown keys: " + _quoted(unknown))
    return notes


def _left_out_note(space: Space, invalid: np.ndarray) -> str:
    nonfinite = set(space.validity.nonfinite.tolist())
    named = [
        f"'{space.keys[i]}' (vector {i + 1}, "
        + ("not finite" if i in nonfinite else "all zeros")
        + ")"
        for i in invalid[:MAX_NAMED].tolist()
    ]
    more = f" and {invalid.size - MAX_NAMED:,} more" if invalid.size > MAX_NAMED else ""
    rows = "row" if invalid.size == 1 else "rows"
    return f"left out {invalid.size:,} {rows} that cannot be projected: " + (
        ", ".join(named) + more
    )


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
        raise ValueError("the data has only 1 dimension; show its raw values instead")
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
    _check_int("n_neighbors", n_neighbors, minimum=2)
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
        return _fit_umap(matrix, params)
    return _fit_tsne(matrix, params)


def _fit_pca(matrix: np.ndarray, params: dict) -> Entry:
    from sklearn.decomposition import PCA

    pca = PCA(n_components=params["n_components"])
    coords = pca.fit_transform(matrix).astype(np.float32)
    ratio = np.asarray(pca.explained_variance_ratio_, dtype=np.float64)
    return Entry(coords, ratio, ())


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
    one-minute load average; where there is none, half of the cores are used.

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
    return int(min(cores, max(1, cores - int(busy))))


def _fit_umap(matrix: np.ndarray, params: dict) -> Entry:
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
    _fit_umap(matrix, params)
    logger.info("UMAP is warm")


# -- projections without fitting ------------------------------------------------------


def word_axes(
    space: Space,
    keys: Sequence[str],
    *,
    x: str | Sequence[str] = ("he", "she"),
    y: str | Sequence[str] = ("rich", "poor"),
    z: str | Sequence[str] | None = None,
) -> Projection:
    """Place keys along directions defined by words.

    Each coordinate is the cosine between a key's vector and a direction:
    ``v(a) - v(b)`` for a pair ``(a, b)``, or ``v(a)`` for a single word.

    Parameters
    ----------
    space : Space
        The vectors.
    keys : sequence of str
        The keys to place.
    x, y, z : str or pair of str
        The directions; ``z`` is optional and gives a third coordinate.

    Returns
    -------
    Projection
        Method ``axes``; params hold the axes as lists of keys.

    Raises
    ------
    KeyError
        If a key or an axis word is unknown (an ``UnknownKeyError``).
    ValueError
        If an axis has no direction (e.g. the same word twice).
    """
    axes = {"x": x, "y": y} if z is None else {"x": x, "y": y, "z": z}
    directions, params, notes = [], {}, []
    for name, words in axes.items():
        direction, resolved, axis_notes = _direction(space, name, words)
        directions.append(direction)
        params[name] = resolved
        notes += axis_notes

    rows, key_notes = _key_rows(space, keys)
    notes += key_notes
    coords = space.unit[rows].astype(np.float64) @ np.stack(directions).T
    return Projection(
        method="axes",
        n_components=len(directions),
        indices=_read_only(rows),
        keys=[space.keys[i] for i in rows],
        coords=_read_only(coords.astype(np.float32)),
        params=params,
        notes=tuple(notes),
    )


def _direction(
    space: Space, name: str, words: str | Sequence[str]
) -> tuple[np.ndarray, list[str], list[str]]:
    words = [words] if isinstance(words, str) else list(words)
    if len(words) not in (1, 2):
        raise ValueError(f"{name}={words!r} must be one word or a pair of words")

    resolved = [space.resolve(word) for word in words]
    vectors = [np.asarray(space.vectors[r.index], dtype=np.float64) for r in resolved]
    direction = vectors[0] - vectors[1] if len(vectors) == 2 else vectors[0]
    norm = float(np.linalg.norm(direction))
    if not np.isfinite(norm) or norm == 0:
        raise ValueError(f"{name}={words!r} has no direction: its vector is zero")

    notes = [r.note for r in resolved if r.note]
    return direction / norm, [r.key for r in resolved], notes


def _key_rows(space: Space, keys: Sequence[str]) -> tuple[np.ndarray, list[str]]:
    if isinstance(keys, str):
        raise TypeError("keys must be a sequence of keys, not one string")

    resolved = [space.resolve(key) for key in keys]
    notes = [r.note for r in resolved if r.note]
    rows = np.asarray(list(dict.fromkeys(r.index for r in resolved)), dtype=np.int64)

    invalid = rows[~space.valid[rows]]
    if invalid.size:
        notes.append(_left_out_note(space, invalid))
    return rows[space.valid[rows]], notes


def raw_coordinates(
    space: Space,
    *,
    limit: int = RAW_LIMIT,
    sample: str = "random",
    random_state: int = 42,
) -> Projection:
    """The vectors themselves, for data with at most 3 dimensions.

    Zero rows are kept (the origin is a point like any other); non-finite rows
    are left out and named.

    Parameters
    ----------
    space : Space
        Vectors with 1, 2 or 3 dimensions.
    limit : int
        At most this many points, so that a browser can draw them.
    sample : {"random", "first"}
        How to choose the points when there are more than ``limit``.
    random_state : int
        Seed of the random sample.

    Returns
    -------
    Projection
        Method ``raw``, ``n_components`` equal to the data's dimensions.
    """
    _check_int("limit", limit, minimum=1)
    _check_choice("sample", sample, SAMPLES)
    if space.n_dims > 3:
        raise ValueError(
            f"raw coordinates need at most 3 dimensions; the data has {space.n_dims}"
        )

    finite = np.flatnonzero(np.isfinite(space.vectors).all(axis=1))
    notes = []
    if finite.size < space.n_keys:
        notes.append(_left_out_note(space, space.validity.nonfinite))
    rows = finite
    if finite.size > limit:
        rows, note = _sample(finite, limit, sample, random_state)
        notes.append(note)

    return Projection(
        method="raw",
        n_components=space.n_dims,
        indices=_read_only(rows.astype(np.int64)),
        keys=[space.keys[i] for i in rows],
        coords=_read_only(np.array(space.vectors[rows], dtype=np.float32)),
        params={"limit": limit, "sample": sample, "random_state": random_state},
        notes=tuple(notes),
    )


def _sample(
    rows: np.ndarray, limit: int, sample: str, random_state: int
) -> tuple[np.ndarray, str]:
    if sample == "first":
        note = f"showing the first {limit:,} of {rows.size:,} points"
        return rows[:limit], note

    rng = np.random.default_rng(random_state)
    chosen = np.sort(rng.choice(rows, size=limit, replace=False))
    note = (
        f"showing a random sample of {limit:,} of {rows.size:,} points, "
        "drawn from the whole file"
    )
    return chosen, note


# -- small helpers --------------------------------------------------------------------


def _read_only(array: np.ndarray | None) -> np.ndarray | None:
    if array is None:
        return None
    array = np.array(array)
    array.setflags(write=False)
    return array


def _quoted(keys: Sequence[str]) -> str:
    shown = ", ".join(f"'{key}'" for key in keys[:MAX_NAMED])
    more = len(keys) - MAX_NAMED
    return shown + (f" and {more:,} more" if more > 0 else "")


def _check_choice(name: str, value: object, allowed: Sequence[str]) -> None:
    if value not in allowed:
        raise ValueError(f"{name}={value!r} is not one of {', '.join(allowed)}")


def _check_int(name: str, value: object, *, minimum: int) -> None:
    if isinstance(value, bool) or not isinstance(value, int | np.integer):
        raise TypeError(f"{name} must be an integer; got {type(value).__name__}")
    if value < minimum:
        raise ValueError(f"{name}={value} must be at least {minimum}")
