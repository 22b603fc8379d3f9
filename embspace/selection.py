"""Picking keys in a map: search, selections, positions and colourings.

:func:`search_keys` finds keys by substring or regular expression with bounded
work: the pattern length, the number of keys scanned and of matches are
capped, and a regular expression gets a time budget (the ``regex`` package
stops a runaway match, which :mod:`re` cannot). :func:`selected_rows` turns the
points of a Plotly box or lasso selection back into row ids through their
``customdata``. :func:`color_options` and :func:`color_values` give the
colourings a map offers for a space.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from embspace.space import Space

logger = logging.getLogger(__name__)

MAX_PATTERN = 200
MAX_SCAN = 100_000
MAX_MATCHES = 5_000
REGEX_SECONDS = 0.5
MAX_COLOR_NAME = 64

NORM = "norm"
COLOR_TITLES = {"": "frequency rank", NORM: "vector norm"}
ROW_TITLE = "row in the file"


@dataclass(frozen=True)
class SearchResult:
    """Keys that matched a search.

    Attributes
    ----------
    positions : tuple of int
        Positions in the searched keys, in key order.
    notes : tuple of str
        Set when a cap or the time budget stopped the search early.
    """

    positions: tuple[int, ...]
    notes: tuple[str, ...] = ()


def search_keys(
    keys: Sequence[str],
    pattern: str,
    *,
    regex: bool = False,
    max_scan: int = MAX_SCAN,
    max_matches: int = MAX_MATCHES,
    timeout: float = REGEX_SECONDS,
) -> SearchResult:
    """Positions of the keys that contain ``pattern`` or match it as a regex.

    Parameters
    ----------
    keys : sequence of str
        The keys to search, e.g. those of a map.
    pattern : str
        A substring (matched ignoring case) or, if ``regex``, a regular
        expression searched anywhere in the key (``^``/``$`` anchor it).
    regex : bool
        Treat ``pattern`` as a regular expression (``regex`` package syntax,
        compatible with :mod:`re`).
    max_scan : int
        Keys looked at, from the first.
    max_matches : int
        Matches kept, from the first.
    timeout : float
        Seconds the regular expression may run over all keys.

    Returns
    -------
    SearchResult
        No positions for an empty pattern.

    Raises
    ------
    ValueError
        If ``pattern`` is longer than ``MAX_PATTERN`` characters or is not a
        valid regular expression.
    """
    if len(pattern) > MAX_PATTERN:
        raise ValueError(
            f"search pattern is {len(pattern)} characters long; "
            f"at most {MAX_PATTERN} are allowed"
        )
    if not pattern:
        return SearchResult(())

    scanned = keys[:max_scan]
    if regex:
        positions, notes = _regex_search(scanned, pattern, max_matches, timeout)
    else:
        needle = pattern.casefold()
        positions = [i for i, key in enumerate(scanned) if needle in key.casefold()]
        notes = []

    if len(positions) > max_matches:
        notes.append(f"showing the first {max_matches:,} of {len(positions):,} matches")
        positions = positions[:max_matches]
    if len(keys) > max_scan:
        notes.append(f"searched the first {max_scan:,} of {len(keys):,} keys")
    return SearchResult(tuple(positions), tuple(notes))


def _regex_search(
    keys: Sequence[str], pattern: str, max_matches: int, timeout: float
) -> tuple[list[int], list[str]]:
    import regex

    try:
        compiled = regex.compile(pattern)
    except (regex.error, OverflowError, RecursionError, ValueError) as error:
        reason = str(error).splitlines()[0] if str(error) else type(error).__name__
        raise ValueError(
            f"search {pattern[:40]!r} is not a valid regular expression: {reason}"
        ) from None

    # One time budget for the whole scan; each call gets what is left.
    deadline = time.monotonic() + timeout
    positions: list[int] = []
    for i, key in enumerate(keys):
        left = deadline - time.monotonic()
        try:
            if left <= 0:
                raise TimeoutError
            found = compiled.search(key, timeout=left)
        except TimeoutError:
            logger.info("regex %r stopped after %d keys", pattern[:40], i)
            note = (
                f"the regular expression took more than {timeout:g} s; "
                f"searched the first {i:,} keys only"
            )
            return positions, [note]
        if found is not None:
            positions.append(i)
            if len(positions) > max_matches:
                break
    return positions, []


def selected_rows(points: Sequence[Mapping[str, Any]]) -> list[int]:
    """Row ids of selected map points, first occurrence kept.

    Parameters
    ----------
    points : sequence of mapping
        The ``points`` of a Plotly selection event; each point carries its row
        id as ``customdata`` (a number, or a list whose first item is one).

    Returns
    -------
    list of int
        Row ids in selection order; points without a row id are skipped.
    """
    rows: dict[int, None] = {}
    for point in points:
        value = point.get("customdata") if isinstance(point, Mapping) else None
        if isinstance(value, (list, tuple)) and value:
            value = value[0]
        if isinstance(value, bool):
            continue
        if isinstance(value, (int, np.integer)) or (
            isinstance(value, float) and value.is_integer()
        ):
            rows[int(value)] = None
    return list(rows)


def positions_of(indices: np.ndarray, rows: Sequence[int]) -> list[int]:
    """Positions of row ids ``rows`` in a map's ``indices`` (-1 if absent).

    Parameters
    ----------
    indices : numpy.ndarray
        Row id of each point of the map.
    rows : sequence of int
        Row ids to find.

    Returns
    -------
    list of int
        One position per row id, in the order of ``rows``.
    """
    indices = np.asarray(indices)
    if indices.size == 0:
        return [-1] * len(rows)
    order = np.argsort(indices, kind="stable")
    found = np.searchsorted(indices, rows, sorter=order)
    found = np.minimum(found, len(indices) - 1)
    hits = order[found]
    return [int(h) if indices[h] == r else -1 for h, r in zip(hits, rows)]


def first_valid_key(space: Space) -> str | None:
    """The first key whose vector is finite and non-zero, e.g. a first query.

    Parameters
    ----------
    space : Space
        The vectors.

    Returns
    -------
    str or None
        ``None`` when no row has a usable vector.
    """
    valid = np.asarray(space.valid)
    if not valid.any():
        return None
    return space.keys[int(np.argmax(valid))]


# -- colourings -------------------------------------------------------------------


def color_options(space: Space) -> list[str]:
    """Colourings of a map: ``""`` (frequency rank), ``norm``, metadata columns.

    Parameters
    ----------
    space : Space
        The vectors; metadata columns with names of at most 64 characters
        are offered.

    Returns
    -------
    list of str
    """
    options = ["", NORM]
    metadata = getattr(space, "metadata", None)
    if metadata is not None:
        for name in metadata.columns:
            usable = isinstance(name, str) and 0 < len(name) <= MAX_COLOR_NAME
            if usable and name not in options:
                options.append(name)
    return options


def color_title(color_by: str, space: Space | None = None) -> str:
    """The colour bar's title for a colouring.

    The default colouring is by row: the frequency rank of a space in
    frequency order, else the row of the file.
    """
    if color_by == "" and space is not None and not space.frequency_ordered:
        return ROW_TITLE
    return COLOR_TITLES.get(color_by, color_by)


def color_values(
    space: Space, indices: np.ndarray, color_by: str
) -> tuple[np.ndarray | None, str]:
    """Colour values of map points and the colour bar's title.

    Parameters
    ----------
    space : Space
        The vectors.
    indices : numpy.ndarray
        Row id of each point.
    color_by : str
        One of :func:`color_options`; text columns are coloured by category
        code (in order of first appearance).

    Returns
    -------
    values : numpy.ndarray or None
        ``None`` for the frequency rank (the map's default colouring).
    title : str

    Raises
    ------
    KeyError
        If ``color_by`` is not one of the space's options.
    """
    import pandas as pd

    indices = np.asarray(indices)
    if color_by == "":
        return None, color_title(color_by, space)
    if color_by == NORM:
        return np.asarray(space.norms)[indices], color_title(color_by)
    if color_by not in color_options(space):
        raise KeyError(
            f"color_by={color_by!r} is not available; "
            f"choose one of {', '.join(repr(o) for o in color_options(space))}"
        )

    from embspace.map_filter import numeric_values

    column = space.metadata[color_by].iloc[indices]
    numbers = numeric_values(column)
    if numbers is not None:
        return numbers, color_by
    codes, _ = pd.factorize(column.astype(str))
    return codes.astype(float), f"{color_by} (category)"
