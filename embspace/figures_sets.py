"""Figures of a set of words: similarity heatmap, word axes, one vector.

:mod:`embspace.figures` re-exports them.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import plotly.graph_objects as go

from embspace.figures_base import FONT_SIZE, PAIR_COLORS, check_coords, escape_keys


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
    coords = check_coords(coords, len(keys))
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
            # Three ticks (-limit, 0, +limit): more were squashed together.
            colorbar={
                "thickness": 10,
                "len": 1.0,
                "tickvals": [-limit, 0.0, limit],
                "ticktext": [f"{-limit:.2g}", "0", f"{limit:.2g}"],
                "tickfont": {"size": 10},
            },
        )
    )
    figure.update_layout(
        height=130,
        margin={"l": 10, "r": 10, "t": 10, "b": 40},
        xaxis={"title": {"text": f"dimension (d = {values.size})"}},
    )
    return figure
