"""Word sets: pairwise similarities, the odd one out, and word axes."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import streamlit as st

from embspace import export, figures, projection, queries
from embspace.space import Space, UnknownKeyError
from pages import link
from pages.common import current_space, guarded, set_state

PAGE = "word-sets"
DEFAULT_WORDS = "king queen man woman prince princess doctor nurse banana"
AXES = {"axis_x1": "he", "axis_x2": "she", "axis_y1": "rich", "axis_y2": "poor"}
MAX_WORDS = 60


def _words(text: str) -> list[str]:
    """Words separated by spaces, commas or new lines, first occurrence kept."""
    words = [word for word in re.split(r"[\s,;]+", text) if word]
    return list(dict.fromkeys(words))


def _text(words: tuple[str, ...]) -> str:
    """The text area's value for a view's words (the example when empty)."""
    return " ".join(words) if words else DEFAULT_WORDS


def _link_words(text: str | None) -> tuple[str, ...]:
    """A view's words for the text area's value (none for the example)."""
    words = tuple(_words(text or ""))
    return () if words == tuple(_words(DEFAULT_WORDS)) else words


BINDINGS = (link.Binding("words", "word_set", _text, _link_words),)


def _known(space: Space, words: list[str]) -> list[str]:
    """The keys of ``words`` found in the space; unknown ones are reported."""
    found, unknown = [], []
    for word in words:
        try:
            found.append(space.resolve(word).key)
        except UnknownKeyError as error:
            unknown.append(error)
    for error in unknown:
        hint = f"; closest: {', '.join(error.suggestions)}" if error.suggestions else ""
        st.warning(f"left out unknown key '{error.key}'{hint}")
    return list(dict.fromkeys(found))


def _heatmap(space: Space, keys: list[str]) -> None:
    st.subheader("Cosine similarity")
    matrix = queries.similarity_matrix(space, keys)
    st.plotly_chart(
        figures.similarity_heatmap(keys, matrix),
        key="set_heatmap",
        config={"displaylogo": False},
        width="stretch",
    )
    table = pd.DataFrame(np.asarray(matrix), index=keys, columns=keys)
    st.download_button(
        "Similarities (CSV)",
        data=export.table_csv(table.reset_index(names="key")),
        file_name="embspace-similarities.csv",
        mime="text/csv",
        key="download_similarities",
        on_click="ignore",
    )


def _odd_one_out(space: Space, keys: list[str]) -> None:
    st.subheader("Odd one out")
    odd = queries.doesnt_match(space, keys)
    st.markdown(f"**{odd.key}** is least like the others.")
    ranked = sorted(odd.scores.items(), key=lambda item: item[1])
    st.caption(
        "Cosine of each key to the mean of the set: "
        + ", ".join(f"{key} {score:.3f}" for key, score in ranked)
    )


def _axes(space: Space, keys: list[str]) -> None:
    st.subheader("Word axes")
    st.caption(
        "Each key's position along two directions defined by words: "
        "x = first − second, y = third − fourth (any pair works)."
    )
    for name, value in AXES.items():
        st.session_state.setdefault(name, value)
    x1, x2, y1, y2 = st.columns(4)
    x1.text_input("x: from", key="axis_x1")
    x2.text_input("x: minus", key="axis_x2")
    y1.text_input("y: from", key="axis_y1")
    y2.text_input("y: minus", key="axis_y2")

    x = (st.session_state["axis_x1"].strip(), st.session_state["axis_x2"].strip())
    y = (st.session_state["axis_y1"].strip(), st.session_state["axis_y2"].strip())
    placed = projection.word_axes(space, keys, x=x, y=y)
    st.plotly_chart(
        figures.axes_figure(
            placed.coords,
            placed.keys,
            titles=(f"cosine with {x[0]} − {x[1]}", f"cosine with {y[0]} − {y[1]}"),
        ),
        key="set_axes",
        config={"displaylogo": False},
        width="stretch",
    )
    for note in placed.notes:
        st.caption(note)


def body() -> None:
    """The Word sets page."""
    space = current_space()
    st.title("Word sets")
    link.apply(link.take(PAGE), BINDINGS)
    link.publish(link.gather(PAGE, BINDINGS))
    st.text_area(
        "Words (separated by spaces, commas or new lines)",
        key="word_set",
        height=80,
    )
    st.button(
        "Reset to the example",
        key="word_set_reset",
        on_click=set_state,
        args=("word_set", DEFAULT_WORDS),
    )

    keys = _known(space, _words(st.session_state["word_set"]))
    if len(keys) > MAX_WORDS:
        st.warning(f"Showing the first {MAX_WORDS} of {len(keys)} keys.")
        keys = keys[:MAX_WORDS]
    if len(keys) < 2:
        st.info("Give at least two known keys to compare.")
        return

    left, right = st.columns(2, gap="medium")
    with left:
        guarded(lambda: _heatmap(space, keys))
        guarded(lambda: _odd_one_out(space, keys))
    with right:
        guarded(lambda: _axes(space, keys))


guarded(body)
