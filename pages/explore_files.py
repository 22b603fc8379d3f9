"""Explore's downloads: the view as HTML, the map's coordinates, the tables.

Files are built only when a button is pressed (deferred ``data``), so a rerun
does not pay for the 4.5 MB HTML page.
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Callable

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from embspace import export, projection, share
from embspace.share import ViewState
from embspace.space import Space
from pages import link

logger = logging.getLogger(__name__)


def _title(state: ViewState) -> str:
    if state.query:
        return f"embspace: {state.query} in {state.dataset}"
    return f"embspace: {state.dataset}"


def html_file(
    state: ViewState, figure: go.Figure, table: pd.DataFrame | None
) -> Callable[[], bytes]:
    """The deferred self-contained HTML page of the map and the neighbours."""
    notes = share.describe_view(state)
    try:
        notes.append(f"link: {link.share_url(state)}")
    except sqlite3.Error as error:
        logger.warning("no link in the HTML file: %s", error)

    def produce() -> bytes:
        table_out = None if table is None else table.reset_index()
        page = export.figure_html(
            figure, title=_title(state), table=table_out, notes=notes
        )
        return page.encode("utf-8")

    return produce


def coordinates_file(fitted: projection.Projection) -> Callable[[], bytes]:
    """The deferred CSV of the map's keys and coordinates."""

    def produce() -> bytes:
        indices = np.asarray(fitted.indices)
        return export.coordinates_csv(
            fitted.keys, fitted.coords, extra={"frequency rank": indices + 1}
        )

    return produce


def selection_file(space: Space, keys: tuple[str, ...]) -> Callable[[], bytes]:
    """The deferred CSV of the selected keys and their frequency ranks."""

    def produce() -> bytes:
        ranks = [space.index(key) + 1 for key in keys]
        return export.table_csv(pd.DataFrame({"key": keys, "frequency rank": ranks}))

    return produce


def downloads(
    space: Space,
    state: ViewState,
    fitted: projection.Projection | None,
    figure: go.Figure | None,
    table: pd.DataFrame | None,
) -> None:
    """A row of download buttons for what Explore shows."""
    files = []
    if figure is not None:
        html = html_file(state, figure, table)
        files.append(("map", "Map and neighbours (HTML)", html, "html"))
    if fitted is not None:
        files.append(
            ("coordinates", "Map coordinates (CSV)", coordinates_file(fitted), "csv")
        )
    if table is not None:
        neighbours = export.table_csv(table.reset_index())
        files.append(("neighbours", "Neighbours (CSV)", neighbours, "csv"))
    if state.selected:
        chosen = selection_file(space, state.selected)
        files.append(("selected", "Selected keys (CSV)", chosen, "csv"))
    if not files:
        return

    st.markdown("**Download**")
    with st.container(horizontal=True):
        for name, label, data, extension in files:
            st.download_button(
                label,
                data=data,
                file_name=f"embspace-{state.dataset}-{name}.{extension}",
                mime="text/html" if extension == "html" else "text/csv",
                key=f"download_{name}",
                on_click="ignore",
            )
