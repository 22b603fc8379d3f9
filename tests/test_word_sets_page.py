"""The Word sets page through AppTest: unknown words, the link's limits, axes."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from embspace import share

ROOT = Path(__file__).resolve().parent.parent
TIMEOUT = 180


def _open(**params: str) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=TIMEOUT)
    at.query_params["page"] = "word-sets"
    for name, value in params.items():
        at.query_params[name] = value
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.title[0].value == "Word sets"
    return at


def _plain(text: str) -> str:
    """Markdown escapes removed, as the reader sees the text."""
    return re.sub(r"\\(.)", r"\1", text)


def test_unknown_words_are_listed_in_one_warning_with_suggestions(glove):
    at = _open()

    at.text_area(key="word_set").set_value("king kingg queen qeen zzqqxxv man").run()

    assert not at.exception
    assert len(at.warning) == 1
    closest = {word: ", ".join(glove.suggest(word)) for word in ("kingg", "qeen")}
    assert _plain(at.warning[0].value) == (
        f"Left out 3 unknown keys: 'kingg' (closest: {closest['kingg']}); "
        f"'qeen' (closest: {closest['qeen']}); 'zzqqxxv'."
    )
    assert len(at.get("plotly_chart")) == 2


def test_a_word_list_longer_than_the_link_says_so(glove):
    words = [key for key in glove.keys[:1000] if key.isalpha()]
    words = words[: share.MAX_LINK_WORDS + 5]
    at = _open()

    at.text_area(key="word_set").set_value(" ".join(words)).run()

    captions = [c.value for c in at.caption]
    assert (
        f"The share link keeps the first {share.MAX_LINK_WORDS} of {len(words)} words."
        in captions
    )
    kept = share.decode_keys(at.query_params["words"])
    assert kept == words[: share.MAX_LINK_WORDS]


def test_short_lists_have_no_link_note():
    at = _open(words="king,queen")

    assert not any("share link keeps" in c.value for c in at.caption)


def test_axes_come_from_the_link_and_go_back_into_it():
    at = _open(axes="good,bad,old,new", words="king,queen,man")

    values = [at.text_input(key=f"axis_{n}").value for n in ("x1", "x2", "y1", "y2")]
    assert values == ["good", "bad", "old", "new"]
    assert at.query_params["axes"] == "good,bad,old,new"

    at.text_input(key="axis_y2").set_value("young").run()
    assert at.query_params["axes"] == "good,bad,old,young"

    for name, value in zip(("x1", "x2", "y1", "y2"), ("he", "she", "rich", "poor")):
        at.text_input(key=f"axis_{name}").set_value(value)
    at.run()
    assert "axes" not in at.query_params


AXIS_KEYS = ("axis_x1", "axis_x2", "axis_y1", "axis_y2")


def _shown(at: AppTest, key: str) -> str:
    """The value a browser shows in a text input that was off the page before.

    The browser takes the value sent with the widget only when the script set
    it (``set_value``); otherwise it shows the widget's default.
    """
    proto = at.text_input(key=key).proto
    return proto.value if proto.set_value else proto.default


def _axis_titles(at: AppTest) -> list[str]:
    spec = json.loads(at.get("plotly_chart")[1].proto.spec)
    return [spec["layout"][axis]["title"]["text"] for axis in ("xaxis", "yaxis")]


def test_axes_keep_their_words_across_runs_that_do_not_show_them():
    at = _open()

    # Two runs in a row with fewer than two known keys draw no axes.
    for words in ("king", "king king", "king queen"):
        at.text_area(key="word_set").set_value(words).run()

    shown = [_shown(at, key) for key in AXIS_KEYS]
    assert shown == ["he", "she", "rich", "poor"]
    assert _axis_titles(at) == ["cosine with he − she", "cosine with rich − poor"]

    # The browser sends back what it shows.
    for key, value in zip(AXIS_KEYS, shown):
        at.text_input(key=key).set_value(value)
    at.text_area(key="word_set").set_value("king queen man").run()
    assert not at.exception and not at.error
    assert _axis_titles(at) == ["cosine with he − she", "cosine with rich − poor"]


def test_axes_from_a_link_survive_runs_that_do_not_show_them():
    at = _open(axes="good,bad,old,new", words="king,queen,man")

    for words in ("king", "king king", "king queen"):
        at.text_area(key="word_set").set_value(words).run()

    assert [_shown(at, key) for key in AXIS_KEYS] == ["good", "bad", "old", "new"]
    assert at.query_params["axes"] == "good,bad,old,new"


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"axis_x1": ""}, "x axis 'from' is empty: type a key"),
        ({"axis_y2": "  "}, "y axis 'minus' is empty: type a key"),
        (
            {"axis_x2": "", "axis_y1": ""},
            "x axis 'minus' and y axis 'from' are empty: type a key in each",
        ),
    ],
)
def test_an_empty_axis_box_is_named(values, message):
    at = _open()

    for key, value in values.items():
        at.text_input(key=key).set_value(value)
    at.run()

    assert not at.exception
    assert [error.value for error in at.error] == [message]
    assert len(at.get("plotly_chart")) == 1  # the heatmap; no axes
