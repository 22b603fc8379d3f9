"""Explore: a key, its nearest neighbours, and a map of the frequent keys.

Every control is bound to a field of the view (:mod:`pages.link`), so the URL
always reopens what is on the screen. Box or lasso selections in the 2-D map,
search matches or the query's neighbours become the selection, which can be
projected on its own ("isolate").
"""

from __future__ import annotations

from dataclasses import replace
from functools import partial

import numpy as np
import pandas as pd
import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from embspace import figures, projection, queries, selection, share
from embspace.share import ViewState
from embspace.space import Space, UnknownKeyError
from embspace.wording import counted, show
from pages import explore_files, explore_map, link
from pages.common import (
    METHOD_LABELS,
    current_space,
    first_page_drawn,
    guarded,
    plain,
    suggestion_buttons,
)

PAGE = "explore"
DEFAULT_QUERY = "king"
MAP_SIZE_MIN = 100
MAP_SIZE_MAX = 50_000
SMALL_SPACE = 1000
SLOW_FIT_KEYS = 10_000  # UMAP and t-SNE maps above this size take minutes
MAX_LISTED_VALUES = 16
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


# -- controls -----------------------------------------------------------------------


def _query_controls() -> None:
    search, topn, metric, restrict = st.columns([3, 1, 1, 1.4])
    search.text_input(
        "Key",
        key="query",
        max_chars=share.MAX_KEY_CHARS,
        placeholder="a word, e.g. king",
        help="Case is matched",
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
        shown = "the only key" if space.n_keys == 1 else f"all {space.n_keys:,} keys"
        column.caption(f"The map shows {shown}.")
        return space.n_keys

    top = min(MAP_SIZE_MAX, space.n_keys)
    wanted = int(st.session_state["map_n"])
    if not MAP_SIZE_MIN <= wanted <= top:
        st.session_state["map_n"] = min(max(wanted, MAP_SIZE_MIN), top)
        if from_link:
            most = "a map shows" if top == MAP_SIZE_MAX else "of this dataset"
            st.warning(f"Link: limit={wanted:,} is above the {top:,} keys {most}")
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


def _map_controls(
    space: Space, from_link: bool, pending: ViewState | None = None
) -> dict | None:
    size, method, dims, color = st.columns([2, 1, 1, 1])
    # A link without a limit carries the default, which is no one's request.
    asked = pending is not None and pending.limit != share.DEFAULTS.limit
    limit = _map_size(space, size, asked)
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
        "Colour by",
        options,
        format_func=partial(selection.color_title, space=space),
        key="color_by",
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
    if chosen in ("umap", "tsne") and limit > SLOW_FIT_KEYS:
        st.caption(
            f"{METHOD_LABELS[chosen]} of {limit:,} keys may take many minutes the "
            "first time: its cost grows faster than the number of keys (5,000 "
            "take about half a minute on 2 cores). The PCA map shows meanwhile, "
            "Cancel stops the fit, and a finished map is kept for next time."
        )
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
    pattern = st.session_state["search"]
    error = share.regex_error(pattern) if st.session_state["regex"] else None
    if pattern and error:
        st.warning(
            plain(
                f"Highlight keys: {show(pattern)} is not a valid regular expression "
                f"({error}); nothing is highlighted."
            )
        )
    explore_map.filter_controls(current_space())


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
    notes = []
    known = text in space or text in space.lower_to_index
    if text == DEFAULT_QUERY and space.n_keys and not known:
        # Opening a dataset without the default word is no one's mistake.
        usable = np.flatnonzero(space.valid)
        text = space.keys[int(usable[0]) if usable.size else 0]
        notes.append(f"{space.name} has no '{DEFAULT_QUERY}': showing '{text}'")
    metric = st.session_state["metric"]
    blocked = queries.neighbours_blocker(space, metric)
    try:
        if blocked is not None:
            result = _blocked_result(space, text, metric, blocked)
        else:
            result = queries.neighbors(
                space,
                text,
                topn=int(st.session_state["topn"]),
                metric=metric,
                restrict_vocab=st.session_state["restrict_vocab"],
            )
    except UnknownKeyError as error:
        suggestion_buttons(error, target="query", key="suggest")
        return None
    return replace(result, notes=(*notes, *result.notes))


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
            "fitted": in_map,
        },
        index=pd.RangeIndex(1, len(result.results) + 1, name="#"),
    )
    table_key = f"neighbours_{result.query}_{result.metric}"
    st.dataframe(
        table,
        key=table_key,
        on_select=partial(_select_neighbour, table_key, result.keys),
        selection_mode="single-row",
        column_config={
            score: st.column_config.NumberColumn(format="%.4f"),
            "fitted": st.column_config.CheckboxColumn(
                help="The map was fitted on this key; the others are placed "
                "into it (see below the map)."
            ),
        },
        width="stretch",
    )
    st.caption("Tick a row's box to make that key the query.")
    keys = ", ".join(plain(key) for key in result.keys)
    st.markdown(f"**Nearest to {plain(result.query)}:** {keys}")
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
        f"{space.name}: {counted(space.n_keys, 'key')} × "
        f"{counted(space.n_dims, 'dimension')}. "
        "Type a key; its nearest neighbours light up in the map."
    )
    explore_map.forget_unknown_selection(space)
    with controls:
        settings = _map_controls(space, from_link=pending is not None, pending=pending)
        _search_controls()
    state = link.gather(PAGE, BINDINGS)
    link.publish(state)
    with messages:
        result = _query(space)

    drawn, table = explore_map.Drawn(), None
    in_map = [False] * len(result.results) if result is not None else []
    with left:
        if settings is not None:
            drawn, in_map = explore_map.draw_map(
                space, result, _map_settings(settings), state, (above, slot)
            )
        else:
            slot.empty()
        explore_map.selection_panel(state, result, drawn)
    with right:
        if result is not None:
            table = _table(result, in_map)
            _vector(space, result)
    explore_files.downloads(space, state, drawn.fitted, drawn.figure, table)
    st.session_state["_explore_drawn"] = True
    first_page_drawn()


guarded(body)
