"""Explore's map: the fitted projection, the filter, the selection panel.

Laid out by :mod:`pages.explore` in the column it gives; the logic of the
filter, the selection and the figures lives in ``embspace``.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from functools import partial

import numpy as np
import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from embspace import figures, jobs, projection, queries, selection
from embspace import map_filter as mf
from embspace.projection_place import Placed, place
from embspace.share import ViewState
from embspace.space import Space
from embspace.wording import counted
from pages.common import (
    METHOD_LABELS,
    job_panel,
    map_or_job,
    map_projection,
    plain,
    retry_job,
)

MIN_ISOLATED = 3
MAX_COUNTED = 1_000_000  # keys searched to count matches outside the map


@dataclass
class Drawn:
    """What the map shows, for the selection panel and the downloads."""

    fitted: projection.Projection | None = None
    figure: object = None
    matches: list[str] = field(default_factory=list)


def filter_controls(space: Space) -> None:
    """Filter the map by a metadata column; the view keeps it as ``map_filter``."""
    state, columns = st.session_state, mf.filter_options(space)
    try:
        current = mf.parse_filter(state.get("map_filter", ""))
    except ValueError as error:
        st.warning(plain(f"Filter ignored: {error}"))
        current = None
    if current is not None and current.column not in columns:
        st.warning(plain(f"Filter ignored: no metadata column {current.column!r}"))
        current = None
    state["map_filter"] = mf.encode_filter(current)
    if not columns:
        return

    state["filter_column"] = current.column if current else ""
    pick, choose = st.columns([1, 3], vertical_alignment="bottom")
    pick.selectbox(
        "Filter the map by",
        ["", *columns],
        key="filter_column",
        format_func=lambda column: column or "no filter",
        on_change=_on_filter_change,
        args=(space,),
    )
    if current is None:
        return
    if not mf.is_numeric_column(space, current.column):
        options = mf.column_values(space, current.column)
        state["filter_values"] = list(current.values)
        choose.multiselect(
            "Show only keys whose value is",
            options + [v for v in current.values if v not in options],
            key="filter_values",
            placeholder="pick values (none: every key)",
            on_change=_on_filter_change,
            args=(space,),
        )
        return
    bounds = mf.column_range(space, current.column)
    if bounds is None or bounds[0] == bounds[1]:
        choose.caption(plain(f"{current.column} has a single value; nothing to filter"))
        return
    low = max(bounds[0], current.low if current.low is not None else bounds[0])
    high = min(bounds[1], current.high if current.high is not None else bounds[1])
    state["filter_range"] = (low, high) if low <= high else bounds
    choose.slider(
        f"Show only keys whose {current.column} lies in",
        min_value=bounds[0],
        max_value=bounds[1],
        key="filter_range",
        on_change=_on_filter_change,
        args=(space,),
    )


def _on_filter_change(space: Space) -> None:
    """Callback: the filter widgets into ``map_filter`` (a new column keeps all)."""
    state, column = st.session_state, st.session_state.get("filter_column", "")
    try:
        old = mf.parse_filter(state.get("map_filter", ""))
    except ValueError:
        old = None
    new = mf.MapFilter(column) if column else None
    numeric = bool(column) and mf.is_numeric_column(space, column)
    if column and (old is None or old.column != column):
        bounds = mf.column_range(space, column) if numeric else None
        if bounds is not None:
            new = mf.MapFilter(column, low=bounds[0], high=bounds[1])
    elif numeric:
        low, high = state["filter_range"]
        new = mf.MapFilter(column, low=float(low), high=float(high))
    elif column:
        new = mf.MapFilter(column, values=tuple(state.get("filter_values", ())))
    state["map_filter"] = mf.encode_filter(new)


def _apply_filter(space: Space, fitted, figure, state: ViewState) -> None:
    """Grey out the map points the filter leaves out, and say how many stay."""
    try:
        current = mf.parse_filter(state.filter)
        keep = mf.filter_mask(space, np.asarray(fitted.indices), current)
    except (ValueError, KeyError):
        return
    if current is None or keep.all() and not current.numeric and not current.values:
        return
    mf.grey_out(figure, keep)
    st.caption(
        plain(
            f"Filter {current.describe()}: {int(keep.sum()):,} of {keep.size:,} "
            "keys of the map pass; the others are grey."
        )
    )


# -- the map ------------------------------------------------------------------------


def _select(keys: list[str]) -> None:
    """Callback: make ``keys`` the selection and forget the map's own."""
    st.session_state["selected"] = list(dict.fromkeys(keys))[: selection.MAX_MATCHES]
    st.session_state["_map_generation"] = st.session_state.get("_map_generation", 0) + 1


def _clear_selection() -> None:
    _select([])
    st.session_state["isolate"] = False


def _on_map_select(chart_key: str, keys: list[str]) -> None:
    """Callback: a box or lasso selects keys; a click makes a key the query."""
    chosen = st.session_state[chart_key].selection
    rows = selection.selected_rows(chosen.get("points", []))
    if chosen.get("box") or chosen.get("lasso"):
        picked = [keys[row] for row in rows if 0 <= row < len(keys)]
        st.session_state["selected"] = picked[: selection.MAX_MATCHES]
    elif rows and 0 <= rows[0] < len(keys):
        st.session_state["query"] = keys[rows[0]]


def _isolated_rows(space: Space, state: ViewState) -> tuple[int, ...] | None:
    if not state.isolate:
        return None
    rows = tuple(sorted(space.index(key) for key in state.selected if key in space))
    if len(rows) < MIN_ISOLATED:
        st.caption(f"Select at least {MIN_ISOLATED} keys to isolate them.")
        return None
    return rows


def _fit(
    space: Space, settings: dict, state: ViewState
) -> tuple[projection.Projection, bool, jobs.Job | None]:
    """The map, whether it shows the selection alone, and a job still fitting it.

    While a UMAP or t-SNE job runs in the background, the map is PCA's.
    """
    rows = _isolated_rows(space, state)
    if rows is not None:
        try:
            return _fit_rows(space, settings, rows, True)
        except ValueError as error:
            st.warning(plain(f"Cannot project the selection alone: {error}"))
    return _fit_rows(space, settings, None, False)


def _fit_rows(
    space: Space, settings: dict, rows: tuple[int, ...] | None, isolated: bool
) -> tuple[projection.Projection, bool, jobs.Job | None]:
    found = map_or_job(space, **settings, rows=rows)
    if isinstance(found, projection.Projection):
        return found, isolated, None
    pca = map_projection(space, **{**settings, "method": "pca"}, rows=rows)
    return pca, isolated, found


def _matches(
    space: Space, fitted: projection.Projection, state: ViewState
) -> list[int]:
    if not state.search:
        return []
    try:
        found = selection.search_keys(fitted.keys, state.search, regex=state.regex)
        notes = list(found.notes)
        if len(fitted.keys) < space.n_keys:
            notes.append(_matches_outside(space, fitted, state, len(found.positions)))
    except ValueError as error:
        st.warning(plain(str(error)))
        return []
    if not found.positions and not any(notes):
        notes.append(f"no key of the map {_search_verb(state)} {state.search!r}")
    for note in filter(None, notes):
        st.caption(plain(f"Search: {note}."))
    return list(found.positions)


def _search_verb(state: ViewState) -> str:
    return "matches" if state.regex else "contains"


def _matches_outside(
    space: Space, fitted: projection.Projection, state: ViewState, in_map: int
) -> str:
    """How many keys outside the map match too (they cannot be marked in it)."""
    fingerprint = str(space.fingerprint)
    total, scanned = _count_matches(space, fingerprint, state.search, state.regex)
    if total <= in_map:
        return ""
    searched = "all" if scanned == space.n_keys else "the first"
    outside = total - in_map
    return (
        f"{in_map:,} of the map's {len(fitted.keys):,} keys "
        f"{'matches' if in_map == 1 else 'match'}; {counted(outside, 'key')} "
        f"outside the map {'matches' if outside == 1 else 'match'} too "
        f"(searched {searched} {scanned:,} keys)"
    )


@st.cache_data(max_entries=64, show_spinner=False)
def _count_matches(
    _space: Space, fingerprint: str, pattern: str, regex: bool
) -> tuple[int, int]:
    """Matches among all keys (up to ``MAX_COUNTED``), once per search."""
    scanned = min(_space.n_keys, MAX_COUNTED)
    every = selection.search_keys(
        _space.keys,
        pattern,
        regex=regex,
        max_scan=scanned,
        max_matches=scanned,
    )
    return len(every.positions), scanned


def draw_map(
    space: Space,
    result: queries.QueryResult | None,
    settings: dict,
    state: ViewState,
    slots: tuple[DeltaGenerator, DeltaGenerator],
) -> tuple[Drawn, list[bool]]:
    above, slot = slots
    fitted, isolated, job = _fit(space, settings, state)
    with above:
        _job_status(job, settings)
    fitted_rows = np.asarray(fitted.indices)
    shown, placed = _with_placed(space, fitted, result)
    indices = np.asarray(shown.indices)

    # Positions in the map of the neighbours, the query, selection, matches.
    rows = [n.index for n in result.results] if result is not None else []
    positions = selection.positions_of(indices, rows)
    query_position = None
    if result is not None and result.inputs:
        found = selection.positions_of(indices, [space.index(result.inputs[0])])[0]
        query_position = found if found >= 0 else None
    chosen = [] if isolated else [space.index(k) for k in state.selected if k in space]
    selected = [p for p in selection.positions_of(indices, chosen) if p >= 0]
    matches = _matches(space, fitted, state)

    marks = (positions, query_position, selected, matches)
    drawn = _figure(space, shown, state, marks, n_fitted=len(fitted_rows))
    _apply_filter(space, fitted, drawn.figure, state)
    _chart(slot, fitted, drawn.figure, space.keys)
    for note in (*fitted.notes, drawn.notice):
        if note:
            st.caption(plain(note))
    _map_caption(space, fitted, state, placed, isolated)
    outcome = Drawn(fitted, drawn.figure, [fitted.keys[p] for p in matches])
    return outcome, [p >= 0 for p in selection.positions_of(fitted_rows, rows)]


def _with_placed(
    space: Space, fitted: projection.Projection, result: queries.QueryResult | None
) -> tuple[projection.Projection, Placed]:
    """The map with the query and its neighbours added where they are missing.

    The map is not refitted (a new query must not move it): keys it was not
    fitted on are placed into it (:func:`embspace.projection_place.place`)
    and drawn only as highlighted points, after the map's own rows.
    """
    wanted = [n.index for n in result.results] if result is not None else []
    if result is not None and result.inputs and result.inputs[0] in space:
        wanted.insert(0, space.index(result.inputs[0]))
    known = set(np.asarray(fitted.indices).tolist())
    missing = [row for row in dict.fromkeys(wanted) if row not in known]
    placed = place(space, fitted, missing)
    if not missing:
        return fitted, placed
    shown = replace(
        fitted,
        indices=np.concatenate([fitted.indices, placed.indices]),
        keys=[*fitted.keys, *placed.keys],
        coords=np.vstack([fitted.coords, placed.coords]),
    )
    return shown, placed


def _job_status(job: jobs.Job | None, settings: dict) -> None:
    """Progress of the requested map while PCA stands in, or why it failed."""
    if job is None:
        return
    title = f"{METHOD_LABELS[settings['method']]} of the map"
    status = job.status()
    if status.state == jobs.FAILED:
        st.error(plain(f"{title} failed: {status.error}. Showing PCA instead."))
        st.button("Try again", key="retry_job", on_click=retry_job, args=(job.key,))
        return
    st.caption("PCA is shown until the map is ready.")
    job_panel(job.key, title)


def _figure(space, shown, state, marks, *, n_fitted: int):
    """The map; rows after ``n_fitted`` are placed keys, drawn if highlighted."""
    positions, query_position, selected, matches = marks
    indices = np.asarray(shown.indices)
    values, title = selection.color_values(space, indices, state.color_by)
    drawn = figures.map_figure(
        shown.coords,
        shown.keys,
        indices=indices,
        color=values,
        color_title=title,
        highlight=[p for p in positions if p >= 0],
        query=query_position,
        n_background=n_fitted,
        titles=figures.axis_titles(
            shown.method,
            shown.n_components,
            explained_variance_ratio=shown.explained_variance_ratio,
        ),
    )
    for name, marked, color, symbol in (
        ("selected", selected, figures.SELECTED_COLOR, "circle-open"),
        ("matches", matches, figures.SEARCH_COLOR, "circle"),
    ):
        figures.add_marks(
            drawn.figure,
            shown.coords,
            shown.keys,
            indices=indices,
            positions=marked,
            name=name,
            color=color,
            symbol=symbol,
        )
    # Marks under the labelled query and neighbours, whose labels stay readable.
    on_top = ("neighbours", "query")
    traces = list(drawn.figure.data)
    below = [t for t in traces if t.name not in on_top]
    drawn.figure.data = below + [t for t in traces if t.name in on_top]
    return drawn


def _chart(slot: DeltaGenerator, fitted, figure, keys: list[str]) -> None:
    generation = st.session_state.get("_map_generation", 0)
    chart_key = (
        f"map_{fitted.method}_{fitted.n_components}_{len(fitted.indices)}_{generation}"
    )
    if fitted.n_components == 2:
        slot.plotly_chart(
            figure,
            key=chart_key,
            on_select=partial(_on_map_select, chart_key, keys),
            selection_mode=("points", "box", "lasso"),
            config={"scrollZoom": True, "displaylogo": False},
            width="stretch",
        )
    else:
        slot.plotly_chart(
            figure, key=chart_key, config={"displaylogo": False}, width="stretch"
        )


def _map_caption(
    space: Space, fitted, state: ViewState, placed: Placed, isolated: bool
) -> None:
    text = f"{METHOD_LABELS.get(fitted.method, fitted.method)}, coloured by "
    text += f"{selection.color_title(state.color_by, space)}. Hover for the key; "
    if fitted.n_components == 2:
        text += (
            "drag to pan, scroll to zoom, click a point to make it the query; "
            "the box and lasso tools (top right) select keys."
        )
    else:
        text += "drag to turn, scroll to zoom."
    if placed.keys:
        n = len(fitted.indices)
        where = f"the {n:,} {'isolated ' if isolated else ''}keys"
        named = ", ".join(placed.keys[:3]) + (", …" if len(placed.keys) > 3 else "")
        text += (
            f" {len(placed.keys)} of the keys you look at ({named}) are not among "
            f"{where} the map was fitted on: they are {placed.describe()}."
        )
    st.caption(plain(text))


# -- the selection ------------------------------------------------------------------


def selection_panel(
    state: ViewState, result: queries.QueryResult | None, drawn: Drawn
) -> None:
    keys = list(state.selected)
    if keys:
        shown = ", ".join(keys[:500]) + (", …" if len(keys) > 500 else "")
        with st.container(height=110 if len(keys) > 40 else "content"):
            st.text(f"Selected {len(keys):,} keys: {shown}")
    else:
        st.caption(
            "No keys selected. Draw a box or lasso in the 2-D map, or select the "
            "search matches or the query's neighbours."
        )

    found = result is not None and result.keys  # none when neighbours are disabled
    neighbours = [*result.inputs[:1], *result.keys] if found else []
    with st.container(horizontal=True):
        st.button(
            f"Select the {counted(len(drawn.matches), 'match', 'matches')}",
            key="select_matches",
            on_click=_select,
            args=(drawn.matches,),
            disabled=not drawn.matches,
        )
        st.button(
            "Select the query's neighbours",
            key="select_neighbours",
            on_click=_select,
            args=(neighbours,),
            disabled=not neighbours,
        )
        st.button(
            "Show the full map" if state.isolate else "Isolate the selection",
            key="isolate_button",
            on_click=_toggle_isolate,
            disabled=len(keys) < MIN_ISOLATED and not state.isolate,
            help="Project only the selected keys, on their own.",
        )
        st.button(
            "Clear selection",
            key="clear_selection",
            on_click=_clear_selection,
            disabled=not keys,
        )


def _toggle_isolate() -> None:
    st.session_state["isolate"] = not st.session_state.get("isolate", False)


def forget_unknown_selection(space: Space) -> None:
    """Drop selected keys the current dataset does not have."""
    keys = st.session_state.get("selected", [])
    kept = [key for key in keys if key in space]
    if len(kept) < len(keys):
        st.session_state["selected"] = kept
