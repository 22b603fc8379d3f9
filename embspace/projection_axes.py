"""Word axes: keys placed along directions defined by words, no fitting.

Each coordinate is a cosine, so rows without a direction (zero or non-finite
vectors) are left out and named.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from embspace.projection_base import Projection, left_out_note, read_only
from embspace.space import Space


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
        indices=read_only(rows),
        keys=[space.keys[i] for i in rows],
        coords=read_only(coords.astype(np.float32)),
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
        notes.append(left_out_note(space, invalid))
    return rows[space.valid[rows]], notes
