"""Plotly figures from tidy data: maps, analogies, heatmaps, word axes.

Every builder is a pure function that returns a ``go.Figure`` (or a
:class:`MapFigure` holding one), so the figures are tested through
``fig.to_dict()`` without a browser. Keys are escaped with :func:`html.escape`
wherever Plotly renders text, so a key such as ``<b>`` shows as typed.
"""

from __future__ import annotations

import html
import logging
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import plotly.graph_objects as go

logger = logging.getLogger(__name__)

MAX_POINTS_2D = 100_000
MAX_POINTS_3D = 30_000
COLORSCALE = "Viridis"
BACKGROUND_COLOR = "#9aa5b1"
QUERY_COLOR = "#d62728"
NEIGHBOR_COLOR = "#ff7f0e"
PAIR_COLORS = ("#1f77b4", "#d62728")
ANSWER_COLOR = "#2ca02c"
FONT_SIZE = 13
LABEL_COLOR = "#1b1b1b"
MAP_HEIGHT = 620

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


def escape_keys(keys: Sequence[str]) -> list[str]:
    """Keys as safe text for Plotly labels and hover boxes."""
    return [html.escape(str(key), quote=False) for key in keys]


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


def _check_coords(coords: np.ndarray, n_keys: int) -> np.ndarray:
    coords = np.asarray(coords, dtype=np.float32)
    if coords.ndim != 2 or coords.shape[1] not in (2, 3):
        raise ValueError(f"coords must have shape (n, 2) or (n, 3); got {coords.shape}")
    if coords.shape[0] != n_keys:
        raise ValueError(
            f"{coords.shape[0]} coordinate rows for {n_keys} keys; "
            "there must be one row per key"
        )
    return coords


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


def _scatter(dims: int, coords: np.ndarray, **kwargs) -> go.Scattergl | go.Scatter3d:
    if dims == 3:
        return go.Scatter3d(x=coords[:, 0], y=coords[:, 1], z=coords[:, 2], **kwargs)
    return go.Scattergl(x=coords[:, 0], y=coords[:, 1], **kwargs)


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
    height : int
        Height in pixels.

    Returns
    -------
    MapFigure
        The figure, with a notice when the cap applied.
    """
    coords = _check_coords(coords, len(keys))
    n_total, dims = coords.shape
    ids = np.arange(n_total) if indices is None else np.asarray(indices)
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
    background = _scatter(
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

    _layout(figure, dims, titles, height)
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
    if dims == 3 and not is_query:
        where = spread_labels(coords[positions])
    return _scatter(
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

    Labels of points close together in 3-D would be drawn on top of each
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


def _layout(
    figure: go.Figure, dims: int, titles: Sequence[str] | None, height: int
) -> None:
    titles = list(titles or [f"dimension {i + 1}" for i in range(dims)])
    layout = {
        "height": height,
        "margin": {"l": 10, "r": 10, "t": 30, "b": 10},
        "legend": {"orientation": "h", "yanchor": "bottom", "y": 1.0, "x": 0},
        "dragmode": "pan" if dims == 2 else "orbit",
        "uirevision": "map",
    }
    if dims == 3:
        # Tick numbers of a projection mean little and were cut off at the
        # edges; the axes keep their titles and the hover shows the key.
        axes = {
            name: {
                "title": {"text": title, "font": {"size": FONT_SIZE - 1}},
                "showticklabels": False,
            }
            for name, title in zip(("xaxis", "yaxis", "zaxis"), titles)
        }
        layout["scene"] = {
            **axes,
            "aspectmode": "cube",
            "camera": {"eye": {"x": 1.5, "y": 1.5, "z": 1.0}},
            "domain": {"x": [0.02, 0.98], "y": [0.02, 0.98]},
        }
        layout["margin"] = {"l": 10, "r": 10, "t": 30, "b": 10}
    else:
        layout["xaxis"] = {"title": {"text": titles[0]}, "zeroline": False}
        layout["yaxis"] = {"title": {"text": titles[1]}, "zeroline": False}
        layout["margin"] = {"l": 60, "r": 10, "t": 30, "b": 50}
    figure.update_layout(**layout)


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
    coords = _check_coords(coords, len(keys))
    dims = coords.shape[1]
    ids = np.arange(len(keys)) if indices is None else np.asarray(indices)
    labels = escape_keys([keys[i] for i in positions])

    labelled = len(positions) <= max_labels
    trace = _scatter(
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


def placeholder_figure(message: str, *, height: int = MAP_HEIGHT) -> go.Figure:
    """An empty plot of the map's size with a message in the middle."""
    figure = go.Figure()
    figure.add_annotation(
        text=html.escape(message, quote=False),
        x=0.5,
        y=0.5,
        xref="paper",
        yref="paper",
        showarrow=False,
        font={"size": FONT_SIZE + 3, "color": "#888888"},
    )
    figure.update_layout(
        height=height,
        xaxis={"visible": False},
        yaxis={"visible": False},
        margin={"l": 60, "r": 10, "t": 30, "b": 50},
    )
    return figure


def analogy_figure(
    coords: np.ndarray,
    keys: Sequence[str],
    *,
    ideal: Sequence[float] | np.ndarray | None = None,
    ideal_label: str = "b − a + c",
    others: np.ndarray | None = None,
    other_keys: Sequence[str] = (),
    background: np.ndarray | None = None,
    background_keys: Sequence[str] = (),
    titles: Sequence[str] | None = None,
    equal_scale: bool = False,
    height: int = MAP_HEIGHT,
) -> go.Figure:
    """The four words of an analogy, with arrows a -> b and c -> answer.

    With ``ideal`` the second arrow goes from c to the ideal point
    ``b - a + c`` instead, and a dotted line joins the ideal point to the
    answer, the nearest real key.

    Parameters
    ----------
    coords : numpy.ndarray
        Shape ``(4, 2)`` or ``(4, 3)``: the rows of a, b, c and the answer.
    keys : sequence of str
        The four keys in the same order.
    ideal : sequence of float, optional
        Coordinates of the ideal point ``b - a + c``.
    ideal_label : str
        Label of the ideal point.
    others : numpy.ndarray, optional
        Coordinates of the other answers, drawn small and labelled.
    other_keys : sequence of str
        Keys of ``others``.
    background : numpy.ndarray, optional
        Coordinates of the map around them, drawn faintly.
    background_keys : sequence of str
        Keys of ``background`` for the hover box.
    titles : sequence of str, optional
        Axis titles.
    equal_scale : bool
        Give every axis the same scale, so that lengths and angles are true.
    height : int
        Height in pixels.
    """
    coords = _check_coords(coords, len(keys))
    if len(keys) != 4:
        raise ValueError(f"an analogy has 4 keys (a, b, c, answer); got {len(keys)}")
    dims = coords.shape[1]
    labels = escape_keys(keys)
    figure = go.Figure()

    if background is not None and len(background):
        background = _check_coords(background, len(background_keys))
        figure.add_trace(_faint(dims, background, background_keys))
    if others is not None and len(others):
        others = _check_coords(others, len(other_keys))
        figure.add_trace(_other_answers(dims, others, other_keys))

    # Two pairs, each as its own colour: a -> b and c -> answer (or ideal).
    end = coords[3] if ideal is None else _check_point(ideal, dims)
    pairs = ((coords[0], coords[1]), (coords[2], end))
    marker = escape_keys([ideal_label])
    texts = (labels[:2], labels[2:] if ideal is None else [labels[2], *marker])
    for pair, ((start, stop), text) in enumerate(zip(pairs, texts)):
        ends, color = np.stack([start, stop]), PAIR_COLORS[pair]
        marked = ideal is not None and pair == 1
        figure.add_trace(_pair(dims, ends, text, color, ideal=marked))
        if dims == 2:
            figure.add_annotation(_arrow(start, stop, color))
    if ideal is not None:
        figure.add_traces(_answer(dims, end, coords[3], labels[3]))

    _layout(figure, dims, titles, height)
    if equal_scale:
        _equal_scale(figure, dims)
    return figure


def _check_point(point: Sequence[float] | np.ndarray, dims: int) -> np.ndarray:
    point = np.asarray(point, dtype=np.float32)
    if point.shape != (dims,):
        raise ValueError(
            f"ideal must have {dims} coordinates like coords; got shape {point.shape}"
        )
    return point


def _faint(
    dims: int, coords: np.ndarray, keys: Sequence[str]
) -> go.Scattergl | go.Scatter3d:
    return _scatter(
        dims,
        coords,
        mode="markers",
        name="map",
        marker={"size": 3, "color": BACKGROUND_COLOR, "opacity": 0.35},
        hovertext=escape_keys(keys),
        hoverinfo="text",
        showlegend=False,
    )


def _other_answers(
    dims: int, coords: np.ndarray, keys: Sequence[str]
) -> go.Scattergl | go.Scatter3d:
    labels = escape_keys(keys)
    return _scatter(
        dims,
        coords,
        mode="markers+text",
        name="other answers",
        text=labels,
        textposition="bottom center",
        textfont={"size": FONT_SIZE - 2, "color": "#5f6b78"},
        hovertext=labels,
        hoverinfo="text",
        marker={"size": 6, "color": "#5f6b78"},
    )


# Scatter3d draws "x" as a broken glyph; "cross" reads as the sum it is.
_IDEAL_SYMBOLS = {2: "x", 3: "cross"}


def _pair(
    dims: int, ends: np.ndarray, labels: Sequence[str], color: str, ideal: bool = False
) -> go.Scattergl | go.Scatter3d:
    """Two labelled points; in 3-D joined by a line, in 2-D the arrow is apart."""
    line = {"line": {"color": color, "width": 5}} if dims == 3 else {}
    return _scatter(
        dims,
        ends,
        mode="lines+markers+text" if dims == 3 else "markers+text",
        name=f"{labels[0]} → {labels[1]}",
        text=list(labels),
        textposition="top center",
        textfont={"size": FONT_SIZE + 1, "color": color},
        hovertext=[labels[0], f"{labels[1]} (ideal point)" if ideal else labels[1]],
        hoverinfo="text",
        marker={
            "size": [10, 13] if ideal else 10,
            "color": color,
            "symbol": ["circle", _IDEAL_SYMBOLS[dims]] if ideal else "circle",
        },
        **line,
    )


_GAP_LINES = {2: {"width": 2, "dash": "dot"}, 3: {"width": 7}}


def _answer(
    dims: int, ideal: np.ndarray, answer: np.ndarray, label: str
) -> list[go.Scattergl | go.Scatter3d]:
    """The answer, and a line from the ideal point to it."""
    gap = _scatter(
        dims,
        np.stack([ideal, answer]),
        mode="lines",
        name="gap",
        # WebGL draws thin and dotted lines in 3-D poorly; a thick solid one.
        line={"color": ANSWER_COLOR, **_GAP_LINES[dims]},
        hoverinfo="skip",
        showlegend=False,
    )
    point = _scatter(
        dims,
        answer[None, :],
        mode="markers+text",
        name=f"{label} (answer)",
        text=[label],
        textposition="bottom center",
        textfont={"size": FONT_SIZE + 1, "color": ANSWER_COLOR},
        hovertext=[f"{label} (answer)"],
        hoverinfo="text",
        marker={"size": 11, "color": ANSWER_COLOR, "symbol": "diamond"},
    )
    return [gap, point]


def _equal_scale(figure: go.Figure, dims: int) -> None:
    if dims == 3:
        figure.update_layout(scene={"aspectmode": "data"})
    else:
        figure.update_layout(yaxis={"scaleanchor": "x", "scaleratio": 1})


def _arrow(start: np.ndarray, end: np.ndarray, color: str) -> dict:
    return {
        "x": float(end[0]),
        "y": float(end[1]),
        "ax": float(start[0]),
        "ay": float(start[1]),
        "xref": "x",
        "yref": "y",
        "axref": "x",
        "ayref": "y",
        "showarrow": True,
        "arrowhead": 3,
        "arrowsize": 1.5,
        "arrowwidth": 2.5,
        "arrowcolor": color,
        "standoff": 6,
        "text": "",
    }


def similarity_heatmap(keys: Sequence[str], matrix: np.ndarray) -> go.Figure:
    """Pairwise cosine similarities as a labelled heatmap from -1 to 1.

    Parameters
    ----------
    keys : sequence of str
        Row and column labels.
    matrix : numpy.ndarray
        Square matrix of shape ``(len(keys), len(keys))``.
    """
    matrix = np.asarray(matrix, dtype=float)
    if matrix.shape != (len(keys), len(keys)):
        raise ValueError(
            f"matrix has shape {matrix.shape}; expected "
            f"({len(keys)}, {len(keys)}) for {len(keys)} keys"
        )

    labels = escape_keys(keys)
    side = max(320, 60 + 42 * len(keys))
    figure = go.Figure(
        go.Heatmap(
            z=matrix,
            x=labels,
            y=labels,
            zmin=-1,
            zmax=1,
            colorscale="RdBu",
            reversescale=True,
            texttemplate="%{z:.2f}",
            hovertemplate="%{y} · %{x}: %{z:.3f}<extra></extra>",
            colorbar={"title": {"text": "cosine"}, "thickness": 12},
        )
    )
    figure.update_layout(
        height=side,
        margin={"l": 10, "r": 10, "t": 10, "b": 10},
        yaxis={"autorange": "reversed", "type": "category"},
        xaxis={"type": "category", "side": "top"},
    )
    return figure


def axes_figure(
    coords: np.ndarray,
    keys: Sequence[str],
    *,
    titles: Sequence[str],
    height: int = 520,
) -> go.Figure:
    """Keys placed on axes defined by words, e.g. ``he - she`` by ``rich - poor``.

    Parameters
    ----------
    coords : numpy.ndarray
        Shape ``(n, 2)``: each key's position along the two directions.
    keys : sequence of str
        One key per row.
    titles : sequence of str
        The two axis titles, e.g. ``he − she``.
    height : int
        Height in pixels.
    """
    coords = _check_coords(coords, len(keys))
    if coords.shape[1] != 2:
        raise ValueError(f"word axes are 2-D; got coords of shape {coords.shape}")

    labels = escape_keys(keys)
    figure = go.Figure(
        go.Scatter(
            x=coords[:, 0],
            y=coords[:, 1],
            mode="markers+text",
            text=labels,
            textposition="top center",
            textfont={"size": FONT_SIZE},
            hovertext=labels,
            hovertemplate="%{hovertext}<br>(%{x:.3f}, %{y:.3f})<extra></extra>",
            marker={"size": 9, "color": PAIR_COLORS[0]},
            name="keys",
        )
    )
    figure.add_hline(y=0, line={"color": "#cccccc", "width": 1})
    figure.add_vline(x=0, line={"color": "#cccccc", "width": 1})
    figure.update_layout(
        height=height,
        margin={"l": 60, "r": 10, "t": 20, "b": 50},
        xaxis={"title": {"text": titles[0]}, "zeroline": False},
        yaxis={"title": {"text": titles[1]}, "zeroline": False},
    )
    return figure


def vector_strip(values: np.ndarray, key: str) -> go.Figure:
    """The row ``E[key]`` of the matrix as a 1 x d strip of coloured cells.

    Parameters
    ----------
    values : numpy.ndarray
        The key's vector, length d.
    key : str
        The key, used as the row label.
    """
    values = np.asarray(values, dtype=float)
    if values.ndim != 1 or values.size == 0:
        raise ValueError(f"values must be a non-empty vector; got shape {values.shape}")

    limit = float(np.nanmax(np.abs(values))) or 1.0
    label = f"E[{escape_keys([key])[0]}]"
    figure = go.Figure(
        go.Heatmap(
            z=values[None, :],
            x=np.arange(values.size),
            y=[label],
            zmin=-limit,
            zmax=limit,
            colorscale="RdBu",
            reversescale=True,
            hovertemplate="dimension %{x}: %{z:.4f}<extra></extra>",
            colorbar={"thickness": 10, "len": 1.0},
        )
    )
    figure.update_layout(
        height=130,
        margin={"l": 10, "r": 10, "t": 10, "b": 40},
        xaxis={"title": {"text": f"dimension (d = {values.size})"}},
    )
    return figure


__all__ = [
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
