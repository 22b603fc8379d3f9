"""Analogies: "a is to b as c is to ?" and free expressions over keys."""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from embspace import export, figures, projection, queries, share
from embspace.analogy_plane import analogy_plane
from embspace.examples import ANALOGIES
from embspace.space import MAX_SHOWN, Space, UnknownKeyError
from embspace.wording import listed, show
from pages import link
from pages.common import (
    current_space,
    guarded,
    plain,
    set_state,
    suggestion_buttons,
)

PAGE = "analogies"
DEFAULTS = {"a": "man", "b": "king", "c": "woman"}
N_BUTTONS = 6
METHODS = {"3CosAdd": "add", "3CosMul": "mul"}
METHOD_NAMES = {value: name for name, value in METHODS.items()}
MAP_ROWS = 2000
OTHER_ANSWERS = 4
PLANE = "plane of the analogy"
VIEWS = (PLANE, "PCA of the map")
VIEW_NAMES = dict(zip(VIEWS, ("plane", "pca")))
VIEW_LABELS = {value: label for label, value in VIEW_NAMES.items()}
# Signs of arithmetic that an expression of keys joined by + and - lacks.
UNSUPPORTED_OPERATORS = "*/×÷^%=()"


def _word(name: str) -> link.Binding:
    return link.Binding(name, f"analogy_{name}", lambda w: w or DEFAULTS[name])


BINDINGS = (
    _word("a"),
    _word("b"),
    _word("c"),
    link.Binding("method", "analogy_method", METHOD_NAMES.get, METHODS.get),
    link.Binding("topn", "analogy_topn"),
    link.Binding("expr", "expression"),
    link.Binding("dims", "analogy_dims", lambda d: f"{d}-D", lambda v: int(v[0])),
    link.Binding("analogy_view", "analogy_view", VIEW_LABELS.get, VIEW_NAMES.get),
)


def _use_example(example: tuple[str, str, str]) -> None:
    for name, value in zip(("a", "b", "c"), example):
        st.session_state[f"analogy_{name}"] = value


def _example_button(example: tuple[str, str, str]) -> None:
    a, b, c = example
    st.button(
        f"{a} : {b} :: {c} : ?",
        key=f"example_{a}_{b}_{c}",
        on_click=_use_example,
        args=(example,),
    )


def _examples() -> None:
    with st.container(horizontal=True):
        for example in ANALOGIES[:N_BUTTONS]:
            _example_button(example)
        with st.popover(f"{len(ANALOGIES) - N_BUTTONS} more"):
            for example in ANALOGIES[N_BUTTONS:]:
                _example_button(example)


def _empty_inputs(words: tuple[str, str, str]) -> str | None:
    """Which of a, b and c are empty, as a sentence; ``None`` if none is."""
    empty = [name for name, word in zip("abc", words) if not word]
    if not empty:
        return None
    verb = "is" if len(empty) == 1 else "are"
    return (
        f"{listed(empty)} {verb} empty: type a key in each of a, b and c, or pick an "
        "example above."
    )


def _inputs() -> tuple[str, str, str, str, int]:
    first, second, third, method, answers = st.columns([1, 1, 1, 1.2, 0.8])
    longest = share.MAX_KEY_CHARS
    first.text_input("a", key="analogy_a", max_chars=longest)
    second.text_input("is to b", key="analogy_b", max_chars=longest)
    third.text_input("as c is to ?", key="analogy_c", max_chars=longest)
    method.radio(
        "Method",
        tuple(METHODS),
        horizontal=True,
        key="analogy_method",
        help="3CosAdd ranks by cos(x, b − a + c); 3CosMul (Levy and Goldberg "
        "2014) multiplies the shifted cosines to b and c and divides by a.",
    )
    answers.number_input("Answers", 1, 100, key="analogy_topn")
    words = [st.session_state[f"analogy_{n}"].strip() for n in ("a", "b", "c")]
    return (*words, METHODS[st.session_state["analogy_method"]], topn_value())


def topn_value() -> int:
    """The number of answers asked for."""
    return int(st.session_state["analogy_topn"])


def _csv_button(label: str, table: pd.DataFrame, name: str) -> None:
    st.download_button(
        label,
        data=export.table_csv(table.reset_index()),
        file_name=f"embspace-{name}.csv",
        mime="text/csv",
        key=f"download_{name}",
        on_click="ignore",
    )


def _resolve(
    space: Space, words: tuple[str, str, str]
) -> tuple[list[str], list[str], dict[str, UnknownKeyError]]:
    """The stored keys of a, b and c, their case notes, and the unknown ones.

    Returns
    -------
    tuple
        Keys and notes in the order a, b, c, and the failed lookups by input
        name (``"a"``, ``"b"``, ``"c"``); the keys are complete only if none
        failed.
    """
    keys, notes, unknown = [], [], {}
    for name, word in zip("abc", words):
        try:
            resolved = space.resolve(word)
        except UnknownKeyError as error:
            unknown[name] = error
            continue
        keys.append(resolved.key)
        if resolved.note:
            notes.append(resolved.note)
    return keys, notes, unknown


def _unknown_inputs_message(unknown: dict[str, UnknownKeyError]) -> str:
    """One sentence naming every unknown input and its closest keys."""
    if len(unknown) == 1:
        return str(next(iter(unknown.values())))

    def named(name: str, error: UnknownKeyError) -> str:
        closest = ", ".join(error.suggestions)
        shown = show(error.key, MAX_SHOWN)
        return f"{name} {shown}" + (f" (closest: {closest})" if closest else "")

    return "unknown keys: " + "; ".join(named(*item) for item in unknown.items())


def _unknown_inputs(unknown: dict[str, UnknownKeyError]) -> None:
    """The unknown inputs in one message, each with its suggestions as buttons."""
    if len(unknown) == 1:
        name, error = next(iter(unknown.items()))
        suggestion_buttons(error, target=f"analogy_{name}", key="analogy_suggest")
        return
    st.error(plain(_unknown_inputs_message(unknown)))
    for name, error in unknown.items():
        if not error.suggestions:
            continue
        with st.container(horizontal=True, vertical_alignment="center"):
            st.markdown(f"Did you mean, for {name}:", width="content")
            for suggestion in error.suggestions:
                st.button(
                    suggestion,
                    key=f"analogy_suggest_{name}_{suggestion}",
                    on_click=set_state,
                    args=(f"analogy_{name}", suggestion),
                )


def _input_scores(space: Space, keys: list[str]) -> dict[str, float]:
    """Cosine of each input key to b - a + c (the inputs are left out of answers)."""
    a, b, c = (space.index(key) for key in keys)
    target = space.unit[b] - space.unit[a] + space.unit[c]
    target = target / np.linalg.norm(target)
    return {space.keys[row]: float(space.unit[row] @ target) for row in (a, b, c)}


def _answers(space: Space, result: queries.QueryResult, abc: list[str]) -> None:
    score = "3CosMul" if result.metric == "3cosmul" else "cosine"
    rows = [
        {"key": n.key, score: n.score, "frequency rank": n.index + 1}
        for n in result.results
    ]
    table = pd.DataFrame(rows, index=pd.RangeIndex(1, len(rows) + 1, name="#"))
    st.dataframe(
        table,
        key="analogy_table",
        column_config={score: st.column_config.NumberColumn(format="%.4f")},
        width="stretch",
    )
    _csv_button("Answers (CSV)", table, "analogy")
    st.markdown(f"**{result.query}** → " + ", ".join(result.keys[:5]))

    inputs = _input_scores(space, abc)
    flagged = ", ".join(f"{key} ({value:.3f})" for key, value in inputs.items())
    st.caption(
        "Input words are left out of the answers, as in gensim. Their own "
        f"cosine to b − a + c: {flagged}."
    )


def _drawing(space: Space, result: queries.QueryResult, abc: list[str]) -> None:
    keys = [*abc, result.keys[0]]
    left, right = st.columns([3, 2])
    view = left.radio(
        "Projection",
        VIEWS,
        horizontal=True,
        key="analogy_view",
        help="The plane through a spanned by b − a and c − a keeps the relation "
        "flat: a → b and c → b − a + c are parallel there. PCA keeps the "
        "directions along which the whole map varies most.",
    )
    dims = right.radio("View", ("2-D", "3-D"), horizontal=True, key="analogy_dims")
    n_components = 3 if dims == "3-D" else 2

    if view == PLANE:
        try:
            _plane_drawing(space, result, keys, n_components)
            return
        except ValueError as error:
            st.info(f"No analogy plane: {error}. Showing the PCA of the map instead.")
    _pca_drawing(space, keys, n_components)


def _plane_drawing(
    space: Space, result: queries.QueryResult, keys: list[str], n_components: int
) -> None:
    others = list(result.keys[1 : OTHER_ANSWERS + 1])
    plane = analogy_plane(
        space,
        *keys,
        n_components=n_components,
        extra_keys=others,
        background_rows=projection.select_rows(space, limit=MAP_ROWS),
    )
    params, n_head = plane.params, 4 + len(others)
    _chart(
        figures.analogy_figure(
            plane.coords[:4],
            plane.keys[:4],
            ideal=params["ideal"],
            others=plane.coords[4:n_head],
            other_keys=plane.keys[4:n_head],
            background=plane.coords[n_head:],
            background_keys=plane.keys[n_head:],
            titles=params["axis_titles"],
            equal_scale=True,
        )
    )

    a, b, c, answer = keys
    st.caption(
        f"The plane through {a} spanned by {b} − {a} and {c} − {a} (unit "
        f"vectors, as both methods use them); grey: {_grey_keys(space)} "
        f"projected onto it. The arrows {a} → {b} and {c} → b − a + c are "
        f"parallel by construction. {answer}, the answer, lies "
        f"{params['answer_distance']:.2f} from b − a + c in all "
        f"{space.n_dims} dimensions, {params['plane_distance']:.2f} of it "
        "within this plane"
        + (
            "; the third axis holds the rest."
            if n_components == 3
            else "; the 3-D view shows the rest."
        )
    )
    for note in plane.notes:
        st.caption(note)


def _grey_keys(space: Space) -> str:
    """Which keys the grey background shows."""
    if space.n_keys <= MAP_ROWS:
        return f"all {space.n_keys:,} keys"
    kind = "first" if projection.sample_kind(space) == "first" else "evenly sampled"
    return f"the {kind} {MAP_ROWS:,} keys"


def _pca_drawing(space: Space, keys: list[str], n_components: int) -> None:
    fitted = projection.project(
        space,
        method="pca",
        n_components=n_components,
        limit=MAP_ROWS,
        extra_keys=tuple(keys),
        use_cache=False,
    )
    indices = np.asarray(fitted.indices)
    rows = [space.index(key) for key in keys]
    where = [int(np.flatnonzero(indices == row)[0]) for row in rows]

    a, b, c, answer = keys
    _chart(
        figures.analogy_figure(
            fitted.coords[where],
            keys,
            background=fitted.coords,
            background_keys=fitted.keys,
            titles=figures.axis_titles(
                "pca",
                n_components,
                explained_variance_ratio=fitted.explained_variance_ratio,
            ),
        )
    )
    st.caption(
        f"PCA of {_grey_keys(space)} and the four words. If the analogy "
        f"holds, the arrows {a} → {b} and {c} → {answer} are roughly parallel "
        "and of equal length; the projection can bend them."
    )


def _chart(figure: go.Figure) -> None:
    st.plotly_chart(
        figure, key="analogy_chart", config={"displaylogo": False}, width="stretch"
    )


def _analogy(space: Space) -> None:
    st.subheader("a is to b as c is to ?")
    _examples()
    a, b, c, method, topn = _inputs()
    empty = _empty_inputs((a, b, c))
    if empty:
        st.info(empty)
        return
    # All three are looked up first, so that every unknown one is named and
    # the case notes come in the order a, b, c.
    abc, notes, unknown = _resolve(space, (a, b, c))
    if unknown:
        _unknown_inputs(unknown)
        return
    result = queries.analogy(space, *abc, method=method, topn=topn)

    for note in (*notes, *result.notes):
        st.info(note)
    left, right = st.columns([2, 3], gap="medium")
    with left:
        _answers(space, result, abc)
    with right:
        _drawing(space, result, abc)


def _expression(space: Space) -> None:
    st.subheader("Expression")
    st.text_input(
        "Keys joined by + and −",
        key="expression",
        placeholder="king - man + woman",
        help="Spaces around the signs keep hyphenated keys such as e-mail whole.",
    )
    text = st.session_state["expression"].strip()
    if not text:
        return
    try:
        result = queries.expression(space, text, topn=topn_value())
    except UnknownKeyError as error:
        operator = _unsupported_operator(error.key)
        if operator is not None:
            st.error(
                plain(
                    f"expression {text!r} uses {operator!r}: only + and - between "
                    "keys are supported, as in 'king - man + woman'"
                )
            )
            return
        suggestion_buttons(
            error, target="expression", key="expression_suggest", replace=True
        )
        return
    for note in result.notes:
        st.info(note)
    table = pd.DataFrame(
        {"key": result.keys, "cosine": [n.score for n in result.results]},
        index=pd.RangeIndex(1, len(result.results) + 1, name="#"),
    )
    st.dataframe(table, key="expression_table", width="content")
    _csv_button("Expression answers (CSV)", table, "expression")
    st.markdown(f"**{result.query}** → " + ", ".join(result.keys[:5]))


def _unsupported_operator(term: str) -> str | None:
    """The first sign of an unknown term that expressions do not support.

    Only ``+`` and ``-`` join keys; a term such as ``king * 2`` is not a key
    but an attempt at other arithmetic. Known keys (``*`` is one in GloVe)
    never come here.
    """
    return next((char for char in term if char in UNSUPPORTED_OPERATORS), None)


def body() -> None:
    """The Analogies page."""
    space = current_space()
    st.title("Analogies")
    st.caption(
        "Vector offsets: if b − a captures a relation, c + (b − a) should land "
        "near the word that stands to c as b stands to a."
    )
    link.apply(link.take(PAGE), BINDINGS)
    link.publish(link.gather(PAGE, BINDINGS))
    _analogy(space)
    st.divider()
    guarded(lambda: _expression(space))


guarded(body)
