"""The four words of an analogy drawn as two parallel arrows.

``analogy_figure`` draws a -> b and c -> answer (or the ideal point
``b - a + c``) over a faint map; :mod:`embspace.figures` re-exports it.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import plotly.graph_objects as go

from embspace.figures_base import (
    ANSWER_COLOR,
    BACKGROUND_COLOR,
    FONT_SIZE,
    MAP_HEIGHT,
    PAIR_COLORS,
    check_coords,
    escape_keys,
    map_layout,
    scatter,
)


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
    coords = check_coords(coords, len(keys))
    if len(keys) != 4:
        raise ValueError(f"an analogy has 4 keys (a, b, c, answer); got {len(keys)}")
    dims = coords.shape[1]
    labels = escape_keys(keys)
    figure = go.Figure()

    if background is not None and len(background):
        background = check_coords(background, len(background_keys))
        figure.add_trace(_faint(dims, background, background_keys))
    if others is not None and len(others):
        others = check_coords(others, len(other_keys))
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

    map_layout(figure, dims, titles, height)
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
    return scatter(
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
    return scatter(
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
    return scatter(
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
    gap = scatter(
        dims,
        np.stack([ideal, answer]),
        mode="lines",
        name="gap",
        # WebGL draws thin and dotted lines in 3-D poorly; a thick solid one.
        line={"color": ANSWER_COLOR, **_GAP_LINES[dims]},
        hoverinfo="skip",
        showlegend=False,
    )
    point = scatter(
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
