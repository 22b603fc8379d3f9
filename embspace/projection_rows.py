"""Which rows a map shows, what can be projected, and raw coordinates.

A map shows at most ``limit`` rows. For a space in frequency order (the
built-in sets) those are the first ``limit`` rows, the most frequent keys; for
any other file they are a deterministic, even sample across the whole file,
so that rows at its end (rare labels, the last class) are in the map too.
Keys the user is looking at are always added.

Non-finite rows are never projected. Zero rows are points like any other
(the origin) except for UMAP and t-SNE by cosine, which need a direction.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

import numpy as np

from embspace.projection_base import (
    Projection,
    check_choice,
    check_int,
    left_out_note,
    quoted,
    read_only,
)
from embspace.space import ALL_ZERO, ONE_VECTOR, Space

logger = logging.getLogger(__name__)

SAMPLES = ("auto", "first", "even", "random")
RAW_LIMIT = 100_000
FITTED = ("pca", "umap", "tsne")


# -- choosing rows ------------------------------------------------------------------


def sample_kind(space: Space, sample: str = "auto") -> str:
    """The sampling that ``sample`` means for ``space``.

    Parameters
    ----------
    space : Space
        The vectors; :attr:`Space.frequency_ordered` decides ``auto``.
    sample : {"auto", "first", "even", "random"}
        ``auto`` is ``first`` for a space in frequency order and ``even``
        otherwise.

    Returns
    -------
    str
        ``first``, ``even`` or ``random``.
    """
    check_choice("sample", sample, SAMPLES)
    if sample != "auto":
        return sample
    return "first" if space.frequency_ordered else "even"


def select_rows(
    space: Space,
    *,
    limit: int = 5000,
    extra_keys: Sequence[str] = (),
    sample: str = "auto",
    random_state: int = 42,
) -> np.ndarray:
    """Rows to project: ``limit`` finite rows plus the rows of ``extra_keys``.

    Parameters
    ----------
    space : Space
        The vectors.
    limit : int
        How many finite rows to take (zero rows count; non-finite rows are
        passed over).
    extra_keys : sequence of str
        Keys added even beyond the limit (resolved with
        :meth:`Space.resolve`; unknown keys are ignored).
    sample : {"auto", "first", "even", "random"}
        ``first`` takes the first rows in row (frequency) order; ``even``
        takes rows at equal steps from the first to the last; ``random``
        draws them from the whole space, seeded by ``random_state``; ``auto``
        is ``first`` for a space in frequency order, else ``even``.
    random_state : int
        Seed for ``sample="random"``.

    Returns
    -------
    numpy.ndarray
        Sorted, unique int64 row ids.
    """
    rows, _, _ = select(space, limit, extra_keys, sample, random_state)
    return rows


def select(
    space: Space, limit: int, extra_keys: Sequence[str], sample: str, random_state: int
) -> tuple[np.ndarray, np.ndarray, list[str]]:
    """Rows, the non-finite rows passed over, and the unknown extra keys."""
    check_int("limit", limit, minimum=1)
    kind = sample_kind(space, sample)
    if isinstance(extra_keys, str):
        raise TypeError("extra_keys must be a sequence of keys, not one string")

    finite = np.flatnonzero(space.finite)
    base = spread(finite, limit, kind, random_state)

    # Non-finite rows inside the part of the space that was looked at.
    passed_over = space.validity.nonfinite
    if kind == "first" and base.size == limit and base.size:
        passed_over = passed_over[passed_over < base[-1]]

    extra, unknown = _resolve_extra(space, extra_keys)
    rows = np.union1d(base, extra).astype(np.int64)
    return rows, passed_over, unknown


def spread(rows: np.ndarray, limit: int, kind: str, random_state: int) -> np.ndarray:
    """At most ``limit`` of ``rows``: the first, evenly spaced, or random.

    The even sample always holds the first and the last row, and is the same
    on every run.
    """
    if rows.size <= limit:
        return rows
    if kind == "first":
        return rows[:limit]
    if kind == "even":
        if limit == 1:
            return rows[:1]
        steps = np.round(np.linspace(0, rows.size - 1, limit)).astype(np.int64)
        return rows[steps]
    rng = np.random.default_rng(random_state)
    return np.sort(rng.choice(rows, size=limit, replace=False))


def sampling_note(
    n_shown: int, n_total: int, kind: str, *, frequency_ordered: bool = False
) -> str | None:
    """What the map shows of the rows, or ``None`` when it shows all of them."""
    if n_shown >= n_total:
        return None
    if kind == "first" and frequency_ordered:
        return f"the map shows the {n_shown:,} most frequent of {n_total:,} keys"
    if kind == "first":
        return f"the map shows the first {n_shown:,} of {n_total:,} rows in row order"
    if kind == "even":
        return (
            f"the map shows {n_shown:,} of {n_total:,} rows, "
            "sampled evenly across the file"
        )
    return (
        f"the map shows a random sample of {n_shown:,} of {n_total:,} rows, "
        "drawn from the whole file"
    )


def _resolve_extra(space: Space, keys: Sequence[str]) -> tuple[np.ndarray, list[str]]:
    found, unknown = [], []
    for key in keys:
        try:
            found.append(space.resolve(key).index)
        except KeyError:
            unknown.append(key)
    return np.asarray(found, dtype=np.int64), unknown


def unknown_note(unknown: list[str]) -> str | None:
    """The note for extra keys that the space does not have."""
    return "ignored unknown keys: " + quoted(unknown) if unknown else None


# -- what can be projected ----------------------------------------------------------


def availability(
    space: Space, *, n_rows: int | None = None, metric: str = "cosine"
) -> dict[str, str | None]:
    """Which methods and views can run on a space, and why not.

    Parameters
    ----------
    space : Space
        The vectors.
    n_rows : int, optional
        How many rows the projection would take (the ``limit``); all finite
        rows when not given.
    metric : {"cosine", "euclidean"}
        The distance of UMAP and t-SNE (by cosine they need non-zero rows).

    Returns
    -------
    dict
        For each of ``pca``, ``umap``, ``tsne``, ``raw``, ``2d`` and ``3d``:
        ``None`` if usable, else the reason in one sentence.
    """
    rows = select_rows(space, limit=n_rows or max(space.n_keys, 1))
    reason = blocker(space, rows)
    result: dict[str, str | None] = dict.fromkeys((*FITTED, "raw", "2d", "3d"))
    if reason is not None:
        return dict.fromkeys(result, reason)

    n_points, n_dims = rows.size, space.n_dims
    if n_dims > 3:
        result["raw"] = (
            f"raw coordinates need at most 3 dimensions; the data has {n_dims}"
        )
    if n_dims < 2:
        only = "the data has only 1 dimension; the raw view shows it as a strip"
        result.update(dict.fromkeys(FITTED, only))
        result["3d"] = "the data has only 1 dimension"
        return result

    if n_dims < 3:
        result["3d"] = "the data has only 2 dimensions"
    elif n_points < 3:
        result["3d"] = f"a 3-D view needs at least 3 points; there are {n_points}"
    n_directed = n_points
    if metric == "cosine":
        n_directed = int(np.count_nonzero(space.valid[rows]))
    if n_directed < 3:
        result["umap"] = f"UMAP needs at least 3 points; there are {n_directed}"
    if n_directed < 2:
        result["tsne"] = f"t-SNE needs at least 2 points; there are {n_directed}"
    return result


def default_method(space: Space) -> str:
    """The view a map opens with: ``raw`` for data with 1 or 2 dimensions.

    Data that is already 2-D (or 1-D) is best shown as it is; anything wider
    opens with PCA.
    """
    return "raw" if space.n_dims <= 2 else "pca"


def blocker(space: Space, rows: np.ndarray) -> str | None:
    """Why ``rows`` cannot be projected at all, or ``None``.

    The wording for one vector and for all-zero data is shared with
    :func:`embspace.queries.neighbours_blocker`.
    """
    if space.n_keys == 1:
        return ONE_VECTOR
    if space.all_zero:
        return ALL_ZERO
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


# -- raw coordinates ----------------------------------------------------------------


def raw_coordinates(
    space: Space,
    *,
    limit: int = RAW_LIMIT,
    sample: str = "random",
    random_state: int = 42,
) -> Projection:
    """The vectors themselves, for data with at most 3 dimensions.

    Zero rows are kept (the origin is a point like any other); non-finite rows
    are left out and named. One-dimensional data keeps its one column here;
    :func:`embspace.projection.project` draws it as a strip.

    Parameters
    ----------
    space : Space
        Vectors with 1, 2 or 3 dimensions.
    limit : int
        At most this many points, so that a browser can draw them.
    sample : {"random", "even", "first", "auto"}
        How to choose the points when there are more than ``limit``.
    random_state : int
        Seed of the random sample.

    Returns
    -------
    Projection
        Method ``raw``, ``n_components`` equal to the data's dimensions.
    """
    check_int("limit", limit, minimum=1)
    kind = sample_kind(space, sample)
    if space.n_dims > 3:
        raise ValueError(
            f"raw coordinates need at most 3 dimensions; the data has {space.n_dims}"
        )

    finite = np.flatnonzero(space.finite)
    notes = []
    if finite.size < space.n_keys:
        notes.append(left_out_note(space, space.validity.nonfinite))
    rows = spread(finite, limit, kind, random_state)
    note = sampling_note(
        rows.size, finite.size, kind, frequency_ordered=space.frequency_ordered
    )
    if note:
        notes.append(note)

    return Projection(
        method="raw",
        n_components=space.n_dims,
        indices=read_only(rows.astype(np.int64)),
        keys=[space.keys[i] for i in rows],
        coords=read_only(np.array(space.vectors[rows], dtype=np.float32)),
        params={"limit": limit, "sample": kind, "random_state": random_state},
        notes=tuple(notes),
    )
