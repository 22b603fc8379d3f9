"""Plotly figures from tidy data: maps, analogies, heatmaps, word axes.

This module draws the map; the analogy drawing lives in
:mod:`embspace.figures_analogy`, the word-set figures in
:mod:`embspace.figures_sets`, and what they share in
:mod:`embspace.figures_base`; every public builder is importable from here.
Every builder is a pure function that returns a ``go.Figure`` (or a
:class:`MapFigure` holding one), so the figures are tested through
``fig.to_dict()`` without a browser. Keys are escaped with :func:`html.escape`
wherever Plotly renders text, so a key such as ``<b>`` shows as typed.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import plotly.graph_objects as go

from embspace.figures_analogy import analogy_figure
from embspace.figures_base import (
    BACKGROUND_COLOR,
    COLORSCALE,
    FONT_SIZE,
    LABEL_COLOR,
    LABEL_ROOM,
    MAP_HEIGHT,
    MAX_POINTS_2D,
    MAX_POINTS_3D,
    NEIGHBOR_COLOR,
    POINT_PAD,
    QUERY_COLOR,
    check_coords,
    escape_keys,
    map_layout,
    placeholder_figure,
    scatter,
)
from embspace.figures_sets import axes_figure, similarity_heatmap, vector_strip

logger = logging.getLogger(__name__)

_METHOD_NAMES = {"pca": "PC", "umap": "UMAP ", "tsne": "t-SNE ", "raw": "dimension "}


@dataclass(frozen=True)
class MapFigure:
    """A map and what the user should know about it.

    Attributes
    ----------
    figure : plotly.graph_objects.Figure
        The map.
    n_shown : int
        Background points sent to the browser.
    n_total : int
        Points before the cap.
    notice : str or None
        Set when the cap left points out.
    """

    figure: go.Figure
    n_shown: int
    n_total: int
    notice: str | None = None


def axis_titles(
    method: str,
    n_components: int,
    *,
    explained_variance_ratio: Sequence[float] | None = None,
) -> list[str]:
    """Axis titles that say what the axes are, e.g. ``PC1 (12.3% variance)``.

    Parameters
    ----------
    method : str
        ``pca``, ``umap``, ``tsne``, ``raw`` (the data's own dimensions),
        ``strip`` (1-D data along x) or any other name (used as is).
    n_components : int
        Number of axes.
    explained_variance_ratio : sequence of float, optional
        Share of variance per principal component.
    """
    if method == "strip":
        return ["value (the data has 1 dimension)", ""][:n_components]
    prefix = _METHOD_NAMES.get(method, f"{method} ")
    titles = [f"{prefix}{i + 1}" for i in range(n_components)]
    if explained_variance_ratio is not None:
        titles = [
            f"{title} ({100 * float(ratio):.1f}% variance)"
            for title, ratio in zip(titles, explained_variance_ratio)
        ]
    return titles


def _cap(n_total: int, dims: int, max_points: int | None) -> tuple[int, str | None]:
    limit = max_points or (MAX_POINTS_3D if dims == 3 else MAX_POINTS_2D)
    if limit < 1:
        raise ValueError(f"max_points={max_points} must be at least 1")
    if n_total <= limit:
        return n_total, None
    notice = (
        f"Showing the first {limit:,} of {n_total:,} points: the browser "
        f"draws at most {limit:,} points in {dims}-D."
    )
    return limit, notice


_HOVER = "%{hovertext}<br>row %{customdata}<extra></extra>"


def map_figure(
    coords: np.ndarray,
    keys: Sequence[str],
    *,
    indices: Sequence[int] | None = None,
    color: Sequence[float] | None = None,
    color_title: str = "frequency rank",
    highlight: Sequence[int] = (),
    query: int | None = None,
    titles: Sequence[str] | None = None,
    max_points: int | None = None,
    n_background: int | None = None,
    height: int = MAP_HEIGHT,
) -> MapFigure:
    """A 2-D or 3-D map of keys, with the query and its neighbours labelled.

    Parameters
    ----------
    coords : numpy.ndarray
        Shape ``(n, 2)`` or ``(n, 3)``; the number of columns picks the view.
    keys : sequence of str
        One key per row of ``coords``.
    indices : sequence of int, optional
        Global row id of each point (kept in ``customdata``); ``0..n-1`` if
        not given.
    color : sequence of float, optional
        Colour value per point; the frequency rank (``indices``) by default.
    color_title : str
        Title of the colour bar.
    highlight : sequence of int
        Positions in ``coords`` of neighbours to label.
    query : int, optional
        Position in ``coords`` of the query, drawn apart.
    titles : sequence of str, optional
        Axis titles, one per column of ``coords``.
    max_points : int, optional
        Most background points to draw; 100,000 in 2-D and 30,000 in 3-D by
        default. Highlighted points are always drawn.
    n_background : int, optional
        How many leading rows make the map's background; the rows after them
        (keys placed into the map, see :mod:`embspace.projection_place`) are
        drawn only when highlighted. All rows by default.
    height : int
        Height in pixels.

    Returns
    -------
    MapFigure
        The figure, with a notice when the cap applied.
    """
    coords = check_coords(coords, len(keys))
    n_rows, dims = coords.shape
    n_total = n_rows if n_background is None else n_background
    if not 0 <= n_total <= n_rows:
        raise ValueError(f"n_background={n_background} must lie in 0..{n_rows}")
    ids = np.arange(n_rows) if indices is None else np.asarray(indices)
    values = ids if color is None else np.asarray(color)
    n_shown, notice = _cap(n_total, dims, max_points)

    # Background: every point up to the cap, hover only, one WebGL trace.
    shown = slice(0, n_shown)
    marker = {
        "size": 3 if dims == 3 else 4,
        "color": values[shown],
        "colorscale": COLORSCALE,
        "opacity": 0.35 if dims == 3 else 0.6,
        "colorbar": {"title": {"text": color_title}, "thickness": 12},
    }
    background = scatter(
        dims,
        coords[shown],
        mode="markers",
        name="keys",
        marker=marker,
        hovertext=escape_keys(keys[:n_shown]),
        customdata=ids[shown],
        hovertemplate=_HOVER,
        showlegend=False,
    )
    figure = go.Figure(background)

    # Neighbours and the query: few points, labelled.
    labelled = [i for i in highlight if i != query]
    if labelled:
        figure.add_trace(_labelled(dims, coords, keys, ids, labelled, "neighbours"))
    if query is not None:
        figure.add_trace(_labelled(dims, coords, keys, ids, [query], "query"))

    named = np.array([*labelled, *([] if query is None else [query])], dtype=int)
    drawn = np.concatenate([np.arange(n_shown), named])
    map_layout(figure, dims, titles, height, coords[drawn], coords[named])
    return MapFigure(figure, n_shown, n_total, notice)


def _labelled(
    dims: int,
    coords: np.ndarray,
    keys: Sequence[str],
    ids: np.ndarray,
    positions: Sequence[int],
    name: str,
) -> go.Scattergl | go.Scatter3d:
    positions = list(positions)
    is_query = name == "query"
    labels = escape_keys([keys[i] for i in positions])
    where = "top center"
    if not is_query:
        where = spread_labels(coords[positions])
    return scatter(
        dims,
        coords[positions],
        mode="markers+text",
        name=name,
        text=labels,
        textposition=where,
        textfont={
            "size": FONT_SIZE + (3 if is_query else 1 if dims == 2 else -1),
            "color": QUERY_COLOR if is_query else LABEL_COLOR,
        },
        hovertext=labels,
        customdata=ids[positions],
        hovertemplate=_HOVER,
        marker={
            "size": 12 if is_query else 8,
            "color": QUERY_COLOR if is_query else NEIGHBOR_COLOR,
            "symbol": "diamond" if is_query else "circle",
            "line": {"width": 1, "color": "white"},
        },
    )


_AROUND = (
    "middle right",
    "top right",
    "top center",
    "top left",
    "middle left",
    "bottom left",
    "bottom center",
    "bottom right",
)


def spread_labels(coords: np.ndarray) -> list[str]:
    """A text position per point, pointing away from the points' centre.

    Labels of points close together would be drawn on top of each
    other above their markers; placing each on the side facing away from the
    group's centre (in the first two coordinates) spreads them out.

    Parameters
    ----------
    coords : numpy.ndarray
        Shape ``(n, 2)`` or ``(n, 3)``.

    Returns
    -------
    list of str
        Plotly ``textposition`` values, one per row.
    """
    coords = np.asarray(coords, dtype=np.float64)
    if coords.shape[0] < 2:
        return ["top center"] * coords.shape[0]
    offsets = coords[:, :2] - coords[:, :2].mean(axis=0)
    angles = np.arctan2(offsets[:, 1], offsets[:, 0])
    sectors = np.round(angles / (np.pi / 4)).astype(int) % len(_AROUND)
    return [_AROUND[sector] for sector in sectors]


SEARCH_COLOR = "#c2185b"
SELECTED_COLOR = "#00838f"
MAX_MARK_LABELS = 40


def add_marks(
    figure: go.Figure,
    coords: np.ndarray,
    keys: Sequence[str],
    *,
    positions: Sequence[int],
    name: str,
    indices: Sequence[int] | None = None,
    color: str = SEARCH_COLOR,
    symbol: str = "circle",
    max_labels: int = MAX_MARK_LABELS,
) -> go.Figure:
    """Mark some points of a map (search matches, a selection) in one trace.

    Parameters
    ----------
    figure : plotly.graph_objects.Figure
        A map from :func:`map_figure`; changed in place and returned.
    coords : numpy.ndarray
        The map's coordinates, shape ``(n, 2)`` or ``(n, 3)``.
    keys : sequence of str
        One key per row of ``coords``.
    positions : sequence of int
        Positions in ``coords`` to mark; nothing is added when empty.
    name : str
        Legend name of the trace, e.g. ``matches``.
    indices : sequence of int, optional
        Global row id of each point (``customdata``); ``0..n-1`` if not given.
    color, symbol : str
        Marker colour and symbol (``circle-open`` draws a ring).
    max_labels : int
        Keys are written next to the marks when there are at most this many.

    Returns
    -------
    plotly.graph_objects.Figure
    """
    positions = list(positions)
    if not positions:
        return figure
    coords = check_coords(coords, len(keys))
    dims = coords.shape[1]
    ids = np.arange(len(keys)) if indices is None else np.asarray(indices)
    labels = escape_keys([keys[i] for i in positions])

    labelled = len(positions) <= max_labels
    trace = scatter(
        dims,
        coords[positions],
        mode="markers+text" if labelled else "markers",
        name=name,
        text=labels if labelled else None,
        textposition="bottom center",
        textfont={"size": FONT_SIZE - 1, "color": color},
        hovertext=labels,
        customdata=ids[positions],
        hovertemplate=_HOVER,
        marker={
            "size": 7 if dims == 3 else 10,
            "color": color,
            "symbol": symbol,
            "line": {"width": 2, "color": color},
        },
    )
    figure.add_trace(trace)
    return figure


__all__ = [
    "BACKGROUND_COLOR",
    "LABEL_ROOM",
    "POINT_PAD",
    "MAP_HEIGHT",
    "MAX_POINTS_2D",
    "MAX_POINTS_3D",
    "MapFigure",
    "analogy_figure",
    "axes_figure",
    "axis_titles",
    "escape_keys",
    "map_figure",
    "placeholder_figure",
    "similarity_heatmap",
    "vector_strip",
]
