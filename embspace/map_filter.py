"""Filtering map points by a metadata column, and greying out the rest.

A filter keeps the points whose value in one metadata column is one of some
values (text columns) or lies in a range (numeric columns).
:func:`encode_filter` and :func:`parse_filter` carry it in a link as one
field; :func:`filter_mask` applies it to a map's rows; :func:`grey_out` draws
the points it leaves out in grey beneath the others.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from embspace.selection import NORM, color_options

if TYPE_CHECKING:
    from embspace.space import Space

logger = logging.getLogger(__name__)


MAX_FILTER_VALUES = 200
MAX_FILTER_TEXT = 4000
FILTER_COLOR = "#c9ccd1"
_FILTER_ESCAPES = (("%", "%25"), (":", "%3A"), (",", "%2C"))


@dataclass(frozen=True)
class MapFilter:
    """Which map points a metadata column keeps.

    Attributes
    ----------
    column : str
        A metadata column of the space.
    values : tuple of str
        For a text column: the values kept (compared as text); none keeps
        every point.
    low, high : float or None
        For a numeric column: the closed range kept.
    """

    column: str
    values: tuple[str, ...] = ()
    low: float | None = None
    high: float | None = None

    @property
    def numeric(self) -> bool:
        """Whether the filter is a numeric range."""
        return self.low is not None and self.high is not None

    def describe(self) -> str:
        """One line, e.g. ``genre in rock, pop`` or ``year 1990 to 2000``."""
        if self.numeric:
            return f"{self.column} {self.low:g} to {self.high:g}"
        shown = ", ".join(self.values[:5]) + (", …" if len(self.values) > 5 else "")
        return f"{self.column} in {shown}" if self.values else self.column


def filter_options(space: Space) -> list[str]:
    """Metadata columns a map can be filtered by (names of 1 to 64 characters)."""
    return [name for name in color_options(space) if name not in ("", NORM)]


def is_numeric_column(space: Space, column: str) -> bool:
    """Whether a metadata column holds numbers, as numbers or as text.

    Projector metadata is read as text, so a column counts as numeric when
    every non-blank value reads as a number; booleans count as text.
    """
    return numeric_values(_column(space, column)) is not None


def numeric_values(values) -> np.ndarray | None:
    """A column as floats (blank values NaN), or ``None`` if it holds text."""
    import pandas as pd

    if pd.api.types.is_bool_dtype(values):
        return None
    if pd.api.types.is_numeric_dtype(values):
        return values.to_numpy(dtype=float)
    text = values.astype(str).str.strip()
    blank = text.eq("") | values.isna().to_numpy()
    numbers = pd.to_numeric(text.where(~blank), errors="coerce")
    if blank.all() or numbers[~blank].isna().any():
        return None
    return numbers.to_numpy(dtype=float)


def column_values(
    space: Space, column: str, *, limit: int = MAX_FILTER_VALUES
) -> list[str]:
    """The most frequent values of a text column, as text, at most ``limit``."""
    counts = _column(space, column).astype(str).value_counts(sort=True)
    return [str(value) for value in counts.index[:limit]]


def column_range(space: Space, column: str) -> tuple[float, float] | None:
    """Smallest and largest finite value of a numeric column, or ``None``."""
    values = numeric_values(_column(space, column))
    if values is None:
        return None
    finite = values[np.isfinite(values)]
    if finite.size == 0:
        return None
    return float(finite.min()), float(finite.max())


def _column(space: Space, column: str):
    if column not in filter_options(space):
        options = ", ".join(repr(o) for o in filter_options(space)) or "none"
        raise KeyError(
            f"filter column {column!r} is not a metadata column; columns: {options}"
        )
    return space.metadata[column]


def encode_filter(map_filter: MapFilter | None) -> str:
    """The filter as link text: ``in:COLUMN:V1,V2`` or ``range:COLUMN:LO,HI``.

    ``%``, ``:`` and ``,`` inside the column and ``%``, ``,`` inside values are
    percent-escaped; ``""`` for no filter.
    """
    if map_filter is None:
        return ""
    column = _escape(map_filter.column, _FILTER_ESCAPES)
    if map_filter.numeric:
        return f"range:{column}:{map_filter.low!r},{map_filter.high!r}"
    values = ",".join(_escape(v, _FILTER_ESCAPES[::2]) for v in map_filter.values)
    return f"in:{column}:{values}"


def parse_filter(text: str) -> MapFilter | None:
    """Inverse of :func:`encode_filter`; ``None`` for ``""``.

    Raises
    ------
    ValueError
        If the text is too long or not of either form, naming the value.
    """
    if not text:
        return None
    if len(text) > MAX_FILTER_TEXT:
        raise ValueError(
            f"filter is {len(text)} characters long; at most {MAX_FILTER_TEXT}"
        )
    kind, _, rest = text.partition(":")
    column, found, payload = rest.partition(":")
    column = _unescape(column)
    if kind not in ("in", "range") or not found or not column:
        raise ValueError(
            f"filter={text[:40]!r} is not 'in:COLUMN:VALUES' or 'range:COLUMN:LO,HI'"
        )
    if kind == "in":
        values = tuple(_unescape(v) for v in payload.split(",")) if payload else ()
        return MapFilter(column, values=tuple(dict.fromkeys(values)))
    return MapFilter(
        column, low=_bounds(text, payload)[0], high=_bounds(text, payload)[1]
    )


def _bounds(text: str, payload: str) -> tuple[float, float]:
    try:
        low, high = (float(part) for part in payload.split(","))
    except ValueError:
        raise ValueError(
            f"filter={text[:40]!r}: the range must be two numbers 'LO,HI'"
        ) from None
    if not (np.isfinite(low) and np.isfinite(high) and low <= high):
        raise ValueError(
            f"filter={text[:40]!r}: the range must be finite with LO <= HI"
        )
    return low, high


def _escape(text: str, escapes) -> str:
    for char, code in escapes:
        text = text.replace(char, code)
    return text


def _unescape(text: str) -> str:
    codes = {"%25": "%", "%3a": ":", "%2c": ","}
    return re.sub(r"%(25|3[aA]|2[cC])", lambda m: codes[m.group(0).lower()], text)


def filter_mask(
    space: Space, indices: np.ndarray, map_filter: MapFilter | None
) -> np.ndarray:
    """Which of the map's points the filter keeps.

    Parameters
    ----------
    space : Space
        The vectors with their metadata.
    indices : numpy.ndarray
        Row id of each point.
    map_filter : MapFilter or None
        ``None``, or a text filter without values, keeps every point. A
        numeric range keeps finite values in ``[low, high]``.

    Returns
    -------
    numpy.ndarray
        Boolean, one per point.

    Raises
    ------
    KeyError
        If the filter's column is not a metadata column of ``space``.
    """
    indices = np.asarray(indices, dtype=np.int64)
    if map_filter is None:
        return np.ones(indices.size, dtype=bool)
    column = _column(space, map_filter.column).iloc[indices]
    if map_filter.numeric:
        values = numeric_values(column)
        if values is None:
            return np.zeros(indices.size, dtype=bool)
        with np.errstate(invalid="ignore"):
            return (values >= map_filter.low) & (values <= map_filter.high)
    if not map_filter.values:
        return np.ones(indices.size, dtype=bool)
    return column.astype(str).isin(map_filter.values).to_numpy()


def grey_out(figure, keep: np.ndarray) -> int:
    """Draw the map points that ``keep`` leaves out in grey, beneath the rest.

    Parameters
    ----------
    figure : plotly.graph_objects.Figure
        A map whose first trace holds every point in map order (as
        :func:`embspace.figures.map_figure` draws it); changed in place.
    keep : numpy.ndarray
        Boolean per map point.

    Returns
    -------
    int
        Points of the first trace that stay coloured.
    """
    background = figure.data[0]
    n_shown = len(background.x)
    keep = np.asarray(keep, dtype=bool)[:n_shown]
    if keep.all():
        return n_shown

    names = [a for a in ("x", "y", "z") if getattr(background, a, None) is not None]
    names += ["hovertext", "customdata"]
    columns = {a: np.asarray(getattr(background, a), dtype=object) for a in names}
    grey = background.__class__(
        **{a: values[~keep] for a, values in columns.items()},
        mode="markers",
        name="filtered out",
        marker={"size": background.marker.size, "color": FILTER_COLOR, "opacity": 0.4},
        hovertemplate=background.hovertemplate,
        showlegend=True,
    )
    with figure.batch_update():
        for a, values in columns.items():
            setattr(background, a, values[keep])
        color = background.marker.color
        if color is not None and not isinstance(color, str):
            background.marker.color = np.asarray(color)[keep]
    figure.add_trace(grey)
    figure.data = (figure.data[-1], *figure.data[:-1])
    return int(keep.sum())
