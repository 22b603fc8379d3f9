"""Explore: a key, its nearest neighbours, and a map of the frequent keys."""

from __future__ import annotations

from functools import partial

import numpy as np
import pandas as pd
import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from embspace import figures, projection, queries
from embspace.space import Space, UnknownKeyError
from pages.common import (
    METHOD_LABELS,
    current_space,
    guarded,
    map_projection,
    suggestion_buttons,
)

DEFAULT_QUERY = "king"
MAP_SIZE = 5000
MAP_SIZE_MAX = 50_000
SMALL_SPACE = 1000
SCORE_LABELS = {"cosine": "cosine", "euclidean": "distance", "dot": "dot product"}


def _query_controls() -> dict:
    st.session_state.setdefault("query", DEFAULT_QUERY)
    search, topn, metric, restrict = st.columns([3, 1, 1, 1.4])
    search.text_input(
        "Key", key="query", placeholder="a word, e.g. king", help="Case is matched"
    )
    topn.number_input("Neighbours", 1, 100, 10, key="topn")
    metric.selectbox("Metric", queries.METRICS, key="metric")
    restrict.number_input(
        "Search the first N keys",
        min_value=1,
        value=None,
        step=1000,
        key="restrict_vocab",
        placeholder="all keys",
        help="restrict_vocab: search only the most frequent keys",
    )
    return {
        "query": st.session_state["query"],
        "topn": int(st.session_state["topn"]),
        "metric": st.session_state["metric"],
        "restrict_vocab": st.session_state["restrict_vocab"],
    }


def _map_controls(space: Space) -> dict | None:
    size, method, dims = st.columns([2, 1, 1])
    if space.n_keys > SMALL_SPACE:
        size.slider(
            "Keys in the map (most frequent first)",
            min_value=SMALL_SPACE // 2,
            max_value=min(MAP_SIZE_MAX, space.n_keys),
            value=min(MAP_SIZE, space.n_keys),
            step=SMALL_SPACE // 2,
            key="map_n",
        )
        limit = int(st.session_state["map_n"])
    else:
        limit = space.n_keys
        size.caption(f"The map shows all {limit:,} keys.")
    available = projection.availability(space, n_rows=limit)
    if available["pca"]:
        st.warning(f"No map: {available['pca']}")
        return None

    def label(name: str) -> str:
        reason = available.get(name)
        return METHOD_LABELS[name] + (f" (unavailable: {reason})" if reason else "")

    method.selectbox("Projection", projection.METHODS, format_func=label, key="method")
    dims.radio("View", ("2-D", "3-D"), horizontal=True, key="dims")

    chosen = st.session_state["method"]
    if available.get(chosen):
        st.warning(f"{METHOD_LABELS[chosen]} is unavailable: {available[chosen]}")
        chosen = "pca"
    n_components = 3 if st.session_state["dims"] == "3-D" else 2
    if n_components == 3 and available.get("3d"):
        st.warning(f"3-D is unavailable: {available['3d']}")
        n_components = 2
    return {
        "limit": limit,
        "method": chosen,
        "n_components": n_components,
    }


def _search(space: Space, settings: dict) -> queries.QueryResult | None:
    text = settings["query"].strip()
    if not text:
        st.info("Type a key to see its neighbours.")
        return None
    try:
        return queries.neighbors(
            space,
            text,
            topn=settings["topn"],
            metric=settings["metric"],
            restrict_vocab=settings["restrict_vocab"],
        )
    except UnknownKeyError as error:
        suggestion_buttons(error, target="query", key="suggest")
        return None


def _positions(indices: np.ndarray, rows: list[int]) -> list[int]:
    """Positions of global ``rows`` in the map's ``indices`` (-1 if absent)."""
    order = np.argsort(indices, kind="stable")
    found = np.searchsorted(indices, rows, sorter=order)
    found = np.minimum(found, len(indices) - 1)
    hits = order[found]
    return [int(h) if indices[h] == r else -1 for h, r in zip(hits, rows)]


def _select_neighbour(table_key: str, keys: list[str]) -> None:
    rows = st.session_state[table_key].selection.rows
    if rows:
        st.session_state["query"] = keys[rows[0]]


def _select_point(chart_key: str, keys: list[str]) -> None:
    points = st.session_state[chart_key].selection.points
    if points and "customdata" in points[0]:
        st.session_state["query"] = keys[int(points[0]["customdata"])]


def _table(space: Space, result: queries.QueryResult, in_map: list[bool]) -> None:
    score = SCORE_LABELS[result.metric]
    table = pd.DataFrame(
        {
            "key": result.keys,
            score: [n.score for n in result.results],
            "frequency rank": [n.index + 1 for n in result.results],
            "in map": in_map,
        },
        index=pd.RangeIndex(1, len(result.results) + 1, name="#"),
    )
    table_key = f"neighbours_{result.query}_{result.metric}"
    st.dataframe(
        table,
        key=table_key,
        on_select=partial(_select_neighbour, table_key, result.keys),
        selection_mode="single-row",
        column_config={score: st.column_config.NumberColumn(format="%.4f")},
        width="stretch",
    )
    st.caption("Click a row to make that key the query.")
    st.markdown(f"**Nearest to {result.query}:** " + ", ".join(result.keys))


def _map(
    space: Space,
    result: queries.QueryResult | None,
    settings: dict,
    slot: DeltaGenerator,
) -> list[bool]:
    fitted = map_projection(space, **settings)
    coords, indices = fitted.coords, np.asarray(fitted.indices)

    rows, query_row = [], None
    if result is not None:
        rows = [n.index for n in result.results]
        query_row = space.index(result.inputs[0]) if result.inputs else None
    positions = _positions(indices, rows)
    query_position = None
    if query_row is not None:
        query_position = _positions(indices, [query_row])[0]
        query_position = None if query_position < 0 else query_position

    titles = figures.axis_titles(
        fitted.method,
        fitted.n_components,
        explained_variance_ratio=fitted.explained_variance_ratio,
    )
    drawn = figures.map_figure(
        coords,
        fitted.keys,
        indices=indices,
        highlight=[p for p in positions if p >= 0],
        query=query_position,
        titles=titles,
    )
    chart_key = f"map_{fitted.method}_{fitted.n_components}_{len(indices)}"
    if fitted.n_components == 2:
        slot.plotly_chart(
            drawn.figure,
            key=chart_key,
            on_select=partial(_select_point, chart_key, space.keys),
            selection_mode="points",
            config={"scrollZoom": True, "displaylogo": False},
            width="stretch",
        )
    else:
        slot.plotly_chart(
            drawn.figure, key=chart_key, config={"displaylogo": False}, width="stretch"
        )
    for note in (*fitted.notes, drawn.notice):
        if note:
            st.caption(note)
    _map_caption(result, fitted, query_position, positions)
    return [p >= 0 for p in positions]


def _map_caption(result, fitted, query_position, positions) -> None:
    n = len(fitted.indices)
    text = f"{METHOD_LABELS.get(fitted.method, fitted.method)}, coloured by "
    text += "frequency rank. Hover for the key; "
    if fitted.n_components == 2:
        text += "drag to pan, scroll to zoom, click a point to make it the query."
    else:
        text += "drag to turn, scroll to zoom."
    if result is not None:
        missing = sum(1 for p in positions if p < 0)
        if query_position is None:
            text += f" '{result.inputs[0]}' is not among the first {n:,} keys."
        if missing:
            text += (
                f" {missing} neighbour(s) are not among the first {n:,} keys in "
                "the map (see the table)."
            )
    st.caption(text)


def _vector(space: Space, result: queries.QueryResult) -> None:
    key = result.inputs[0]
    st.markdown(
        f"**The row E[{key}]** of the embedding matrix: its {space.n_dims} values"
    )
    st.plotly_chart(
        figures.vector_strip(np.asarray(space.vector(key)), key),
        key="vector_strip",
        config={"displayModeBar": False},
        width="stretch",
    )


def body() -> None:
    """The Explore page.

    The layout is laid out first and filled in afterwards, so that on a
    session's first run the browser starts loading Plotly while the vectors
    load and the map is computed.
    """
    st.title("Explore")
    about = st.empty()
    settings = _query_controls()
    messages, controls = st.container(), st.container()
    left, right = st.columns([3, 2], gap="medium")
    with left:
        slot = st.empty()
    if not st.session_state.get("_explore_drawn"):
        slot.plotly_chart(figures.placeholder_figure("Computing the map…"))

    space = current_space()
    about.caption(
        f"{space.name}: {space.n_keys:,} keys × {space.n_dims} dimensions. "
        "Type a key; its nearest neighbours light up in the map."
    )
    with messages:
        result = _search(space, settings)
        for note in result.notes if result is not None else ():
            st.info(note)
    with controls:
        map_settings = _map_controls(space)

    with left:
        in_map = [False] * len(result.results) if result is not None else []
        if map_settings is not None:
            in_map = _map(space, result, map_settings, slot)
        else:
            slot.empty()
    with right:
        if result is not None:
            _table(space, result, in_map)
            _vector(space, result)
    st.session_state["_explore_drawn"] = True


guarded(body)
