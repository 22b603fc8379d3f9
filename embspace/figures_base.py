"""What every embspace figure shares: colours, escaping, traces, the map layout.

The map (:mod:`embspace.figures`), the analogy drawing
(:mod:`embspace.figures_analogy`) and the word-set figures
(:mod:`embspace.figures_sets`) build on these; :mod:`embspace.figures` re-exports
all public builders.
"""

from __future__ import annotations

import html
from collections.abc import Sequence

import numpy as np
import plotly.graph_objects as go

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
# Room beside labelled points at a 2-D map's edge, as a share of its extent
# (x, y): a label is some 60 px wide and 16 px high in a plot of 300-600 px.
LABEL_ROOM = (0.22, 0.06)
POINT_PAD = 0.03  # pad of the map's extent on each side, as Plotly leaves


def escape_keys(keys: Sequence[str]) -> list[str]:
    """Keys as safe text for Plotly labels and hover boxes."""
    return [html.escape(str(key), quote=False) for key in keys]


def check_coords(coords: np.ndarray, n_keys: int) -> np.ndarray:
    """``coords`` as float32 of shape ``(n_keys, 2)`` or ``(n_keys, 3)``."""
    coords = np.asarray(coords, dtype=np.float32)
    if coords.ndim != 2 or coords.shape[1] not in (2, 3):
        raise ValueError(f"coords must have shape (n, 2) or (n, 3); got {coords.shape}")
    if coords.shape[0] != n_keys:
        raise ValueError(
            f"{coords.shape[0]} coordinate rows for {n_keys} keys; "
            "there must be one row per key"
        )
    return coords


def scatter(dims: int, coords: np.ndarray, **kwargs) -> go.Scattergl | go.Scatter3d:
    """A WebGL 2-D scatter, or a 3-D one, of the rows of ``coords``."""
    if dims == 3:
        return go.Scatter3d(x=coords[:, 0], y=coords[:, 1], z=coords[:, 2], **kwargs)
    return go.Scattergl(x=coords[:, 0], y=coords[:, 1], **kwargs)


def map_layout(
    figure: go.Figure,
    dims: int,
    titles: Sequence[str] | None,
    height: int,
    coords: np.ndarray | None = None,
    labelled: np.ndarray | None = None,
) -> None:
    """Axis titles, margins, legend and drag mode of a 2-D or 3-D map.

    With ``coords`` (every point drawn) and ``labelled`` (the labelled ones)
    a 2-D map's axes leave room beside labelled points at the edge, so their
    labels are not cut off: Plotly's autorange ignores text.
    """
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
        if coords is not None and len(coords) and labelled is not None:
            for axis, (name, margin) in enumerate(zip(("xaxis", "yaxis"), LABEL_ROOM)):
                layout[name]["range"] = _room(
                    coords[:, axis], labelled[:, axis], margin
                )
    figure.update_layout(**layout)


def _room(values: np.ndarray, labelled: np.ndarray, margin: float) -> list[float]:
    """An axis range: the points with a small pad, widened for labels."""
    low, high = float(np.min(values)), float(np.max(values))
    extent = (high - low) or 1.0
    low, high = low - extent * POINT_PAD, high + extent * POINT_PAD
    if len(labelled):
        low = min(low, float(np.min(labelled)) - extent * margin)
        high = max(high, float(np.max(labelled)) + extent * margin)
    return [low, high]


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
