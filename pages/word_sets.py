"""Word sets: pairwise similarities, the odd one out, and word axes."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import streamlit as st

from embspace import export, figures, projection, queries, share
from embspace.share import ViewState
from embspace.space import Space, UnknownKeyError
from embspace.wording import listed
from pages import link
from pages.common import current_space, guarded, plain, set_state

PAGE = "word-sets"
DEFAULT_WORDS = "king queen man woman prince princess doctor nurse banana"
AXES = {"axis_x1": "he", "axis_x2": "she", "axis_y1": "rich", "axis_y2": "poor"}
AXIS_FIELDS = {
    "axis_x1": "x axis 'from'",
    "axis_x2": "x axis 'minus'",
    "axis_y1": "y axis 'from'",
    "axis_y2": "y axis 'minus'",
}
_KEPT_AXES = "_axes_kept"
MAX_WORDS = 60
MAX_LISTED = 20


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
    """The keys of ``words`` found in the space; unknown ones in one warning."""
    found, unknown = [], []
    for word in words:
        try:
            found.append(space.resolve(word).key)
        except UnknownKeyError as error:
            unknown.append(error)
    if unknown:
        st.warning(plain(unknown_message(unknown)))
    return list(dict.fromkeys(found))


def unknown_message(errors: list[UnknownKeyError]) -> str:
    """One sentence naming every unknown word and its closest keys."""

    def named(error: UnknownKeyError) -> str:
        closest = ", ".join(error.suggestions)
        return f"'{error.key}'" + (f" (closest: {closest})" if closest else "")

    if len(errors) == 1:
        return f"Left out unknown key {named(errors[0])}."
    listed = "; ".join(named(error) for error in errors[:MAX_LISTED])
    more = f"; and {len(errors) - MAX_LISTED} more" if len(errors) > MAX_LISTED else ""
    return f"Left out {len(errors)} unknown keys: {listed}{more}."


def _kept_axes() -> dict[str, str]:
    """The axis words, kept under a plain session key (defaults at first).

    Streamlit drops a widget's value after a run that does not draw it (fewer
    than two known keys), so the words live here and fill the inputs anew on
    every run that draws them.
    """
    return st.session_state.setdefault(_KEPT_AXES, dict(AXES))


def _keep_axis(name: str) -> None:
    """Widget callback: keep the word typed into the axis input ``name``."""
    _kept_axes()[name] = st.session_state[name]


def _axes_from_view(state: ViewState | None) -> None:
    """Fill the axis words from a new view, or give them defaults once."""
    kept = _kept_axes()
    if state is not None:
        kept.update(zip(AXES, state.axes or tuple(AXES.values())))


def _axes_for_view() -> tuple[str, ...]:
    """The axis words for the link: none when they are the defaults or unset."""
    words = tuple(str(word).strip() for word in _kept_axes().values())
    if words == tuple(AXES.values()) or not all(words):
        return ()
    return words


def _empty_axes(words: dict[str, str]) -> str | None:
    """Which axis inputs are empty, as a sentence; ``None`` if none is."""
    empty = [AXIS_FIELDS[name] for name, word in words.items() if not word]
    if not empty:
        return None
    if len(empty) == 1:
        return f"{empty[0]} is empty: type a key"
    return f"{listed(empty)} are empty: type a key in each"


def _link_note(words: list[str]) -> None:
    """Say so when the share link cannot hold every word."""
    if len(words) > share.MAX_LINK_WORDS:
        st.caption(
            f"The share link keeps the first {share.MAX_LINK_WORDS} of "
            f"{len(words)} words."
        )


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
    # Setting the inputs before drawing them makes the browser show these
    # words even when the inputs were off the page in the runs before.
    kept = _kept_axes()
    st.session_state.update(kept)
    labels = ("x: from", "x: minus", "y: from", "y: minus")
    for column, label, name in zip(st.columns(4), labels, AXES):
        column.text_input(label, key=name, on_change=_keep_axis, args=(name,))

    words = {name: str(word).strip() for name, word in kept.items()}
    empty = _empty_axes(words)
    if empty:
        raise ValueError(empty)
    x = (words["axis_x1"], words["axis_x2"])
    y = (words["axis_y1"], words["axis_y2"])
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
    view = link.take(PAGE)
    link.apply(view, BINDINGS)
    _axes_from_view(view)
    link.publish(link.gather(PAGE, BINDINGS, axes=_axes_for_view()))
    st.text_area(
        "Words (separated by spaces, commas or new lines)",
        key="word_set",
        height=80,
    )
    words = _words(st.session_state["word_set"])
    _link_note(words)
    st.button(
        "Reset to the example",
        key="word_set_reset",
        on_click=set_state,
        args=("word_set", DEFAULT_WORDS),
    )

    keys = _known(space, words)
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
