"""Explore: a key, its nearest neighbours, and a map of the frequent keys.

Every control is bound to a field of the view (:mod:`pages.link`), so the URL
always reopens what is on the screen. Box or lasso selections in the 2-D map,
search matches or the query's neighbours become the selection, which can be
projected on its own ("isolate").
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import partial

import numpy as np
import pandas as pd
import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from embspace import figures, jobs, projection, queries, selection
from embspace.share import ViewState
from embspace.space import Space, UnknownKeyError
from pages import explore_files, link
from pages.common import (
    METHOD_LABELS,
    current_space,
    first_page_drawn,
    guarded,
    job_panel,
    map_or_job,
    map_projection,
    plain,
    retry_job,
    suggestion_buttons,
)

PAGE = "explore"
DEFAULT_QUERY = "king"
MAP_SIZE_MIN = 100
MAP_SIZE_MAX = 50_000
SMALL_SPACE = 1000
MAX_LISTED_VALUES = 16
MIN_ISOLATED = 3
SCORE_LABELS = {"cosine": "cosine", "euclidean": "distance", "dot": "dot product"}

BINDINGS = (
    link.Binding("query", "query", lambda q: q or DEFAULT_QUERY),
    link.Binding("topn", "topn"),
    link.Binding("metric", "metric"),
    link.Binding("restrict_vocab", "restrict_vocab"),
    link.Binding("limit", "map_n"),
    link.Binding("projection", "method"),
    link.Binding("dims", "dims", lambda d: f"{d}-D", lambda v: int(str(v)[0])),
    link.Binding("n_neighbors", "umap_n_neighbors"),
    link.Binding("min_dist", "umap_min_dist"),
    link.Binding("perplexity", "tsne_perplexity"),
    link.Binding("random_state", "random_state"),
    link.Binding("color_by", "color_by"),
    link.Binding("search", "search"),
    link.Binding("regex", "regex"),
    link.Binding("filter", "map_filter"),
    link.Binding("selected", "selected", list, tuple),
    link.Binding("isolate", "isolate"),
)


@dataclass
class Drawn:
    """What the map shows, for the selection panel and the downloads."""

    fitted: projection.Projection | None = None
    figure: object = None
    matches: list[str] = field(default_factory=list)


# -- controls -----------------------------------------------------------------------


def _query_controls() -> None:
    search, topn, metric, restrict = st.columns([3, 1, 1, 1.4])
    search.text_input(
        "Key", key="query", placeholder="a word, e.g. king", help="Case is matched"
    )
    topn.number_input("Neighbours", 1, 100, key="topn")
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


def _map_size(space: Space, column: DeltaGenerator, from_link: bool) -> int:
    if space.n_keys <= SMALL_SPACE:
        keys = "key" if space.n_keys == 1 else "keys"
        column.caption(f"The map shows all {space.n_keys:,} {keys}.")
        return space.n_keys

    top = min(MAP_SIZE_MAX, space.n_keys)
    wanted = int(st.session_state["map_n"])
    if not MAP_SIZE_MIN <= wanted <= top:
        st.session_state["map_n"] = min(max(wanted, MAP_SIZE_MIN), top)
        if from_link:
            st.warning(f"Link: limit={wanted:,} is above the {top:,} keys of this map")
    which = projection.sample_kind(space)
    column.slider(
        "Keys in the map (most frequent first)"
        if which == "first"
        else "Rows in the map (sampled evenly across the file)",
        min_value=MAP_SIZE_MIN,
        max_value=top,
        step=MAP_SIZE_MIN,
        key="map_n",
        help=None
        if which == "first"
        else "This file is not in frequency order, so the map takes rows at "
        "equal steps from its first row to its last. Search and neighbours "
        "always see every row.",
    )
    return int(st.session_state["map_n"])


def _map_controls(space: Space, from_link: bool) -> dict | None:
    size, method, dims, color = st.columns([2, 1, 1, 1])
    limit = _map_size(space, size, from_link)
    available = projection.availability(space, n_rows=limit)
    usable = [name for name in projection.METHODS if not available[name]]
    if not usable:
        st.info(plain(f"Projections are disabled: {available['pca']}."))
        return None

    fallback = _default_method(space, available, usable, from_link)

    def label(name: str) -> str:
        reason = available.get(name)
        title = METHOD_LABELS.get(name, name)
        return title + (f" (unavailable: {reason})" if reason else "")

    method.selectbox("Projection", projection.METHODS, format_func=label, key="method")
    dims.radio("View", ("2-D", "3-D"), horizontal=True, key="dims")
    options = selection.color_options(space)
    if st.session_state["color_by"] not in options:
        st.session_state["color_by"] = ""
    color.selectbox(
        "Colour by", options, format_func=selection.color_title, key="color_by"
    )
    _projection_settings()

    chosen = st.session_state["method"]
    if available.get(chosen):
        title = METHOD_LABELS.get(chosen, chosen)
        st.warning(plain(f"{title} is unavailable: {available[chosen]}"))
        chosen = fallback
    n_components = 3 if st.session_state["dims"] == "3-D" else 2
    if n_components == 3 and available.get("3d"):
        st.warning(plain(f"3-D is unavailable: {available['3d']}"))
        n_components = 2
    return {"limit": limit, "method": chosen, "n_components": n_components}


def _default_method(
    space: Space, available: dict, usable: list[str], from_link: bool
) -> str:
    """The method to fall back on; a new dataset opens in its default view.

    The default view is raw coordinates for 1-D or 2-D data, PCA otherwise,
    and never a method the data cannot run. A link keeps its UMAP or t-SNE
    when the data can run them; its PCA is the view's default value, so a
    link that names no projection opens 2-D data in raw coordinates too.
    """
    fallback = projection.default_method(space)
    if fallback not in usable:
        fallback = usable[0]
    if st.session_state.get("_map_space") != space.fingerprint:
        st.session_state["_map_space"] = space.fingerprint
        current = st.session_state["method"]
        kept = from_link and current != "pca"
        if available.get(current) or (fallback == "raw" and not kept):
            st.session_state["method"] = fallback
    return fallback


def _projection_settings() -> None:
    with st.expander("Projection settings"):
        seed, neighbours, distance, perplexity = st.columns(4)
        seed.number_input(
            "random_state",
            0,
            2**32 - 1,
            key="random_state",
            help="Seed: the same seed gives the same map on every server.",
        )
        neighbours.number_input("UMAP n_neighbors", 2, 200, key="umap_n_neighbors")
        distance.number_input("UMAP min_dist", 0.0, 1.0, step=0.05, key="umap_min_dist")
        perplexity.number_input(
            "t-SNE perplexity", 2.0, 100.0, step=5.0, key="tsne_perplexity"
        )


def _search_controls() -> None:
    text, flag = st.columns([4, 1], vertical_alignment="bottom")
    text.text_input(
        "Highlight keys",
        key="search",
        max_chars=200,
        placeholder="part of a key, or a regular expression such as ^un.*able$",
        help="Keys of the map that contain the text (ignoring case), or that "
        "match the regular expression, are marked.",
    )
    flag.checkbox("Regular expression", key="regex")
    _filter_controls(current_space())


def _filter_controls(space: Space) -> None:
    """Filter the map by a metadata column; the view keeps it as ``map_filter``."""
    from embspace import map_filter as mf

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
    from embspace import map_filter as mf

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
    from embspace import map_filter as mf

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


def _map_settings(settings: dict) -> dict:
    state = st.session_state
    return {
        **settings,
        "random_state": int(state["random_state"]),
        "n_neighbors": int(state["umap_n_neighbors"]),
        "min_dist": float(state["umap_min_dist"]),
        "perplexity": float(state["tsne_perplexity"]),
    }


# -- neighbours ---------------------------------------------------------------------


def _search(space: Space) -> queries.QueryResult | None:
    text = st.session_state["query"].strip()
    if not text:
        st.info("Type a key to see its neighbours.")
        return None
    metric = st.session_state["metric"]
    blocked = queries.neighbours_blocker(space, metric)
    try:
        if blocked is not None:
            return _blocked_result(space, text, metric, blocked)
        return queries.neighbors(
            space,
            text,
            topn=int(st.session_state["topn"]),
            metric=metric,
            restrict_vocab=st.session_state["restrict_vocab"],
        )
    except UnknownKeyError as error:
        suggestion_buttons(error, target="query", key="suggest")
        return None


def _blocked_result(
    space: Space, text: str, metric: str, reason: str
) -> queries.QueryResult:
    """No neighbours, with the reason; the key's vector is still shown.

    When no key can have neighbours and the typed one is not in the data
    (the default query on a one-key file), the first key is shown instead.
    """
    notes = []
    try:
        found = space.resolve(text)
    except UnknownKeyError:
        found = space.resolve(space.keys[0])
        notes.append(f"'{text}' is not in {space.name}; showing '{found.key}'")
    if found.note:
        notes.append(found.note)
    notes.append(f"Neighbours are disabled: {reason}.")
    return queries.QueryResult(
        query=found.key,
        results=(),
        metric=metric,
        inputs=(found.key,),
        notes=tuple(notes),
    )


def _select_neighbour(table_key: str, keys: list[str]) -> None:
    rows = st.session_state[table_key].selection.rows
    if rows:
        st.session_state["query"] = keys[rows[0]]


def _table(result: queries.QueryResult, in_map: list[bool]) -> pd.DataFrame:
    score = SCORE_LABELS[result.metric]
    if not result.results:
        # The reason is shown above (a blocked search); no empty table.
        disabled = any(n.startswith("Neighbours are disabled") for n in result.notes)
        if not disabled:
            st.info(plain(f"No key can be ranked against {result.query}."))
        return pd.DataFrame({"key": [], score: []})
    # Row numbers are frequency ranks only for data in frequency order.
    rank = "frequency rank" if current_space().frequency_ordered else "row"
    table = pd.DataFrame(
        {
            "key": result.keys,
            score: [n.score for n in result.results],
            rank: [n.index + 1 for n in result.results],
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
    return table


def _vector(space: Space, result: queries.QueryResult) -> None:
    key = result.inputs[0]
    values = np.asarray(space.vector(key))
    count = "its value" if space.n_dims == 1 else f"its {space.n_dims} values"
    st.markdown(f"**The row E[{plain(key)}]** of the embedding matrix: {count}")
    st.plotly_chart(
        figures.vector_strip(values, key),
        key="vector_strip",
        config={"displayModeBar": False},
        width="stretch",
    )
    if space.n_dims <= MAX_LISTED_VALUES:
        st.caption(plain("Values: " + ", ".join(f"{v:.4g}" for v in values)))


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


def _matches(fitted: projection.Projection, state: ViewState) -> list[int]:
    if not state.search:
        return []
    try:
        found = selection.search_keys(fitted.keys, state.search, regex=state.regex)
    except ValueError as error:
        st.warning(plain(str(error)))
        return []
    for note in found.notes:
        st.caption(plain(f"Search: {note}."))
    return list(found.positions)


def _map(
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
    indices = np.asarray(fitted.indices)

    # Positions in the map of the neighbours, the query, selection, matches.
    rows = [n.index for n in result.results] if result is not None else []
    positions = selection.positions_of(indices, rows)
    query_position = None
    if result is not None and result.inputs:
        found = selection.positions_of(indices, [space.index(result.inputs[0])])[0]
        query_position = found if found >= 0 else None
    chosen = [] if isolated else [space.index(k) for k in state.selected if k in space]
    selected = [p for p in selection.positions_of(indices, chosen) if p >= 0]
    matches = _matches(fitted, state)

    drawn = _figure(space, fitted, state, positions, query_position, selected, matches)
    _apply_filter(space, fitted, drawn.figure, state)
    _chart(slot, fitted, drawn.figure, space.keys)
    for note in (*fitted.notes, drawn.notice):
        if note:
            st.caption(plain(note))
    _map_caption(result, fitted, state, (query_position, positions, isolated))
    outcome = Drawn(fitted, drawn.figure, [fitted.keys[p] for p in matches])
    return outcome, [p >= 0 for p in positions]


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


def _figure(space, fitted, state, positions, query_position, selected, matches):
    indices = np.asarray(fitted.indices)
    values, title = selection.color_values(space, indices, state.color_by)
    drawn = figures.map_figure(
        fitted.coords,
        fitted.keys,
        indices=indices,
        color=values,
        color_title=title,
        highlight=[p for p in positions if p >= 0],
        query=query_position,
        titles=figures.axis_titles(
            fitted.method,
            fitted.n_components,
            explained_variance_ratio=fitted.explained_variance_ratio,
        ),
    )
    for name, marked, color, symbol in (
        ("selected", selected, figures.SELECTED_COLOR, "circle-open"),
        ("matches", matches, figures.SEARCH_COLOR, "circle"),
    ):
        figures.add_marks(
            drawn.figure,
            fitted.coords,
            fitted.keys,
            indices=indices,
            positions=marked,
            name=name,
            color=color,
            symbol=symbol,
        )
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


def _map_caption(result, fitted, state: ViewState, placed: tuple) -> None:
    query_position, positions, isolated = placed
    n = len(fitted.indices)
    where = f"among the {n:,} isolated keys"
    if not isolated:
        where = f"among the first {n:,} keys"
    text = f"{METHOD_LABELS.get(fitted.method, fitted.method)}, coloured by "
    text += f"{selection.color_title(state.color_by)}. Hover for the key; "
    if fitted.n_components == 2:
        text += (
            "drag to pan, scroll to zoom, click a point to make it the query; "
            "the box and lasso tools (top right) select keys."
        )
    else:
        text += "drag to turn, scroll to zoom."
    if result is not None:
        missing = sum(1 for p in positions if p < 0)
        if query_position is None:
            text += f" '{result.inputs[0]}' is not {where}."
        if missing:
            text += f" {missing} neighbour(s) are not {where} (see the table)."
    st.caption(plain(text))


# -- the selection ------------------------------------------------------------------


def _selection_panel(
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

    neighbours = [*result.inputs[:1], *result.keys] if result is not None else []
    with st.container(horizontal=True):
        st.button(
            f"Select the {len(drawn.matches):,} matches",
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


def _forget_unknown_selection(space: Space) -> None:
    """Drop selected keys the current dataset does not have."""
    keys = st.session_state.get("selected", [])
    kept = [key for key in keys if key in space]
    if len(kept) < len(keys):
        st.session_state["selected"] = kept


# -- the page -----------------------------------------------------------------------


def _query(space: Space) -> queries.QueryResult | None:
    """The query's neighbours; a query that fails is said, and the map still shows."""
    try:
        result = _search(space)
    except (KeyError, ValueError, TypeError) as error:
        st.error(plain(str(error.args[0] if type(error) is KeyError else error)))
        return None
    for note in result.notes if result is not None else ():
        st.info(note)
    return result


def body() -> None:
    """The Explore page.

    The layout is laid out first and filled in afterwards, so that on a
    session's first run the browser starts loading Plotly while the vectors
    load and the map is computed.
    """
    st.title("Explore")
    about = st.empty()
    pending = link.take(PAGE)
    link.apply(pending, BINDINGS)
    _query_controls()
    messages, controls = st.container(), st.container()
    left, right = st.columns([3, 2], gap="medium")
    with left:
        above = st.container()
        slot = st.empty()
    if not st.session_state.get("_explore_drawn"):
        slot.plotly_chart(figures.placeholder_figure("Computing the map…"))

    space = current_space()
    about.caption(
        f"{space.name}: {space.n_keys:,} keys × {space.n_dims} dimensions. "
        "Type a key; its nearest neighbours light up in the map."
    )
    _forget_unknown_selection(space)
    with controls:
        settings = _map_controls(space, from_link=pending is not None)
        _search_controls()
    state = link.gather(PAGE, BINDINGS)
    link.publish(state)
    with messages:
        result = _query(space)

    drawn, table = Drawn(), None
    in_map = [False] * len(result.results) if result is not None else []
    with left:
        if settings is not None:
            drawn, in_map = _map(
                space, result, _map_settings(settings), state, (above, slot)
            )
        else:
            slot.empty()
        _selection_panel(state, result, drawn)
    with right:
        if result is not None:
            table = _table(result, in_map)
            _vector(space, result)
    explore_files.downloads(space, state, drawn.fitted, drawn.figure, table)
    st.session_state["_explore_drawn"] = True
    first_page_drawn()


guarded(body)
