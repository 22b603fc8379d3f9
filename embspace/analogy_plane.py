"""The plane of an analogy: where the offsets ``b - a`` and ``c - a`` lie flat.

In a PCA of the map the arrows ``a -> b`` and ``c -> answer`` of an analogy
are seldom parallel, because PCA keeps the directions of largest variance of
the whole map, not the directions of the analogy. Projecting onto the plane
spanned by ``b - a`` and ``c - a`` (origin at ``a``) keeps the relation
itself: ``a -> b`` and ``c -> c + b - a`` are parallel there by construction,
and the answer's distance from the ideal point ``c + b - a`` shows how well
the nearest real key fits. A third axis, the answer's residual from the ideal
point, shows what the plane leaves out.

The vectors are the unit rows of the space, as in 3CosAdd and 3CosMul.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

import numpy as np

from embspace.projection import Projection
from embspace.space import Space

logger = logging.getLogger(__name__)

METHOD = "analogy-plane"
IDEAL_LABEL = "b − a + c"
TOLERANCE = 1e-6


def analogy_plane(
    space: Space,
    a: str,
    b: str,
    c: str,
    answer: str,
    *,
    n_components: int = 2,
    extra_keys: Sequence[str] = (),
    background_rows: Sequence[int] | np.ndarray | None = None,
) -> Projection:
    """Project an analogy onto the plane of ``b - a`` and ``c - a``.

    The axes are orthonormal: ``x`` along ``b - a``, ``y`` along ``c - a``
    with its part along ``x`` removed (Gram-Schmidt), and for
    ``n_components=3`` a ``z`` along ``answer - (c + b - a)`` with its parts
    along ``x`` and ``y`` removed. The origin is ``a``.

    Parameters
    ----------
    space : Space
        The vectors; their unit rows are projected.
    a, b, c : str
        The analogy "a is to b as c is to ?".
    answer : str
        The key found for "?", usually the first result of
        :func:`embspace.queries.analogy`.
    n_components : {2, 3}
        The plane, or the plane and the answer's residual.
    extra_keys : sequence of str
        Further keys to place, e.g. the other answers.
    background_rows : sequence of int, optional
        Row ids of a background map; rows that cannot be projected (zero or
        non-finite vectors) are left out with a note.

    Returns
    -------
    Projection
        Method ``analogy-plane``. Rows are a, b, c and the answer in that
        order, then the extra keys and the background rows not already
        shown. ``params`` holds the keys, the axis titles (``axis_titles``),
        the coordinates of the ideal point (``ideal``), and the answer's
        distance to it in the full space (``answer_distance``) and within
        the plane (``plane_distance``).

    Raises
    ------
    KeyError
        If a key is unknown (an ``UnknownKeyError`` naming the closest keys).
    ValueError
        If a key has no direction (zero or non-finite vector), or if
        ``b - a`` is zero or parallel to ``c - a`` so that there is no plane.
    """
    if n_components not in (2, 3):
        raise ValueError(f"n_components={n_components!r} must be 2 or 3")

    # 1. The four keys and the others, in order, without repeats after four.
    names = {"a": a, "b": b, "c": c, "answer": answer}
    resolved = {name: space.resolve(key) for name, key in names.items()}
    notes = [r.note for r in resolved.values() if r.note]
    head = [r.index for r in resolved.values()]
    _check_directions(space, resolved)
    rows, row_notes = _other_rows(space, head, extra_keys, background_rows)
    notes += row_notes

    # 2. The orthonormal axes, origin at a.
    units = space.unit.astype(np.float64)
    origin, first, second, found = (units[i] for i in head)
    ideal = second + first - origin
    keys = {name: r.key for name, r in resolved.items()}
    basis = _plane(first - origin, second - origin, keys)
    if n_components == 3:
        third, third_notes = _residual_axis(found - ideal, basis)
        basis = np.vstack([basis, third])
        notes += third_notes

    # 3. Coordinates of the rows and of the ideal point.
    coords = (units[rows] - origin) @ basis.T
    ideal_coords = (ideal - origin) @ basis.T
    params = {
        **keys,
        "n_components": n_components,
        "axis_titles": _titles(keys, n_components),
        "ideal": [float(v) for v in ideal_coords],
        "ideal_label": IDEAL_LABEL,
        "answer_distance": float(np.linalg.norm(found - ideal)),
        "plane_distance": float(np.linalg.norm(coords[3, :2] - ideal_coords[:2])),
    }
    logger.debug("analogy plane of %s over %d rows", keys, rows.size)
    return Projection(
        method=METHOD,
        n_components=n_components,
        indices=_read_only(rows),
        keys=[space.keys[i] for i in rows],
        coords=_read_only(coords.astype(np.float32)),
        params=params,
        notes=tuple(notes),
    )


def _check_directions(space: Space, resolved: dict) -> None:
    for name, found in resolved.items():
        if not space.valid[found.index]:
            raise ValueError(
                f"{name}={found.key!r} has a zero or non-finite vector; "
                "it has no direction to place in the analogy plane"
            )


def _other_rows(
    space: Space,
    head: list[int],
    extra_keys: Sequence[str],
    background_rows: Sequence[int] | np.ndarray | None,
) -> tuple[np.ndarray, list[str]]:
    """The four rows, then new extra and background rows, in order."""
    if isinstance(extra_keys, str):
        raise TypeError("extra_keys must be a sequence of keys, not one string")

    resolved = [space.resolve(key) for key in extra_keys]
    notes = [r.note for r in resolved if r.note]
    extra = [r.index for r in resolved if space.valid[r.index]]
    background = _background(space, background_rows)
    invalid = [r.key for r in resolved if not space.valid[r.index]]
    invalid += [space.keys[i] for i in background if not space.valid[i]]
    if invalid:
        notes.append(_left_out_note(invalid))

    seen = set(head)
    rest = []
    for row in [*extra, *background.tolist()]:
        if row not in seen and space.valid[row]:
            seen.add(row)
            rest.append(row)
    return np.asarray(head + rest, dtype=np.int64), notes


def _background(space: Space, rows: Sequence[int] | np.ndarray | None) -> np.ndarray:
    if rows is None:
        return np.empty(0, dtype=np.int64)
    array = np.asarray(rows)
    if array.ndim != 1 or (array.size and array.dtype.kind not in "iu"):
        raise TypeError("background_rows must be a 1-D sequence of integer row ids")
    array = array.astype(np.int64)
    if array.size and (array.min() < 0 or array.max() >= space.n_keys):
        raise ValueError(
            f"background_rows must lie in 0..{space.n_keys - 1}; "
            f"got {array.min()}..{array.max()}"
        )
    return array


def _plane(offset: np.ndarray, other: np.ndarray, keys: dict[str, str]) -> np.ndarray:
    """Orthonormal rows along ``b - a`` and ``c - a`` (Gram-Schmidt)."""
    a, b, c = keys["a"], keys["b"], keys["c"]
    first_norm = float(np.linalg.norm(offset))
    if not first_norm > TOLERANCE:
        raise ValueError(
            f"b - a is zero for a={a!r}, b={b!r}: the analogy has no direction; "
            "choose a b that differs from a"
        )
    first = offset / first_norm

    second = other - (other @ first) * first
    second_norm = float(np.linalg.norm(second))
    if not second_norm > TOLERANCE * max(float(np.linalg.norm(other)), 1.0):
        raise ValueError(
            f"c - a is parallel to b - a for a={a!r}, b={b!r}, c={c!r}: the "
            "analogy spans no plane; choose a c that differs from a and b"
        )
    return np.stack([first, second / second_norm])


def _residual_axis(
    residual: np.ndarray, plane: np.ndarray
) -> tuple[np.ndarray, list[str]]:
    """The answer's residual from the ideal point, orthogonal to the plane.

    When the residual lies in the plane (a perfect answer), any third
    direction would be arbitrary, so the axis is zero and so are all z.
    """
    third = residual - plane.T @ (plane @ residual)
    third_norm = float(np.linalg.norm(third))
    if third_norm > TOLERANCE * max(float(np.linalg.norm(residual)), 1.0):
        return third / third_norm, []
    note = "the answer lies in the plane of the analogy; every z is zero"
    return np.zeros_like(third), [note]


def _titles(keys: dict[str, str], n_components: int) -> list[str]:
    a, b, c, answer = keys["a"], keys["b"], keys["c"], keys["answer"]
    titles = [
        f"along {b} − {a}",
        f"along {c} − {a} (orthogonalised)",
        f"off the plane: {answer} − ({IDEAL_LABEL})",
    ]
    return titles[:n_components]


def _left_out_note(keys: Sequence[str]) -> str:
    shown = ", ".join(f"'{key}'" for key in keys[:5])
    more = f" and {len(keys) - 5:,} more" if len(keys) > 5 else ""
    rows = "row" if len(keys) == 1 else "rows"
    return (
        f"left out {len(keys):,} {rows} with a zero or non-finite vector: {shown}{more}"
    )


def _read_only(array: np.ndarray) -> np.ndarray:
    array = np.array(array)
    array.setflags(write=False)
    return array
