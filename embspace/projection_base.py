"""What a projection is, and the small checks its modules share.

A :class:`Projection` holds the coordinates of some rows of a space; the
helpers here validate parameters and name the rows that were left out.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from embspace.space import Space

MAX_NAMED = 5


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


# -- naming left-out rows -----------------------------------------------------------


def left_out_note(space: Space, invalid: np.ndarray) -> str:
    """One line naming the rows left out of a projection, and why.

    Parameters
    ----------
    space : Space
        The vectors.
    invalid : numpy.ndarray
        Row ids that were left out (non-finite rows, or zero rows where the
        metric needs a direction).
    """
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


# -- checks ---------------------------------------------------------------------------


def read_only(array: np.ndarray | None) -> np.ndarray | None:
    """A read-only copy of ``array`` (``None`` stays ``None``)."""
    if array is None:
        return None
    array = np.array(array)
    array.setflags(write=False)
    return array


def quoted(keys: Sequence[str]) -> str:
    """The first few keys in quotes, and how many more there are."""
    shown = ", ".join(f"'{key}'" for key in keys[:MAX_NAMED])
    more = len(keys) - MAX_NAMED
    return shown + (f" and {more:,} more" if more > 0 else "")


def check_choice(name: str, value: object, allowed: Sequence[str]) -> None:
    """Raise ``ValueError`` naming ``value`` unless it is one of ``allowed``."""
    if value not in allowed:
        raise ValueError(f"{name}={value!r} is not one of {', '.join(allowed)}")


def check_int(name: str, value: object, *, minimum: int) -> None:
    """Raise unless ``value`` is an integer of at least ``minimum``."""
    if isinstance(value, bool) or not isinstance(value, int | np.integer):
        raise TypeError(f"{name} must be an integer; got {type(value).__name__}")
    if value < minimum:
        raise ValueError(f"{name}={value} must be at least {minimum}")
