"""The Analogies page through AppTest: examples, empty inputs, the view option."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from embspace.examples import ANALOGIES

ROOT = Path(__file__).resolve().parent.parent
TIMEOUT = 180


def _open(**params: str) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=TIMEOUT)
    at.query_params["page"] = "analogies"
    for name, value in params.items():
        at.query_params[name] = value
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.title[0].value == "Analogies"
    return at


@pytest.mark.parametrize(
    ("inputs", "message"),
    [
        ({"analogy_c": ""}, "c is empty"),
        ({"analogy_a": "  "}, "a is empty"),
        ({"analogy_a": "", "analogy_b": ""}, "a and b are empty"),
        ({"analogy_a": "", "analogy_b": "", "analogy_c": ""}, "a, b and c are empty"),
    ],
)
def test_empty_inputs_are_named_not_looked_up(inputs, message):
    at = _open()

    for key, value in inputs.items():
        at.text_input(key=key).set_value(value)
    at.run()

    assert not at.exception and not at.error
    assert [info.value for info in at.info] == [
        f"{message}: type a key in each of a, b and c, or pick an example above."
    ]
    assert "unknown key ''" not in " ".join(e.value for e in at.error)


def test_every_classic_analogy_is_an_example_button(glove_kv):
    at = _open()

    keys = {button.key for button in at.button}
    assert {f"example_{a}_{b}_{c}" for a, b, c in ANALOGIES} <= keys

    a, b, c = ANALOGIES[-1]
    at.button(key=f"example_{a}_{b}_{c}").click().run()
    expected = glove_kv.most_similar(positive=[b, c], negative=[a], topn=10)
    assert list(at.dataframe[0].value["key"]) == [key for key, _ in expected]


def test_the_view_option_comes_from_the_link_and_goes_back_into_it():
    at = _open(analogy_view="pca")

    assert at.radio(key="analogy_view").value == "PCA of the map"
    spec = json.loads(at.get("plotly_chart")[0].proto.spec)
    assert spec["layout"]["xaxis"]["title"]["text"].startswith("PC1")
    assert at.query_params["analogy_view"] == "pca"

    at.radio(key="analogy_view").set_value("plane of the analogy").run()
    assert "analogy_view" not in at.query_params


def _plain(text: str) -> str:
    """Markdown escapes removed, as the reader sees the text."""
    return re.sub(r"\\(.)", r"\1", text)


def _set_inputs(at: AppTest, a: str, b: str, c: str) -> None:
    for name, value in zip("abc", (a, b, c)):
        at.text_input(key=f"analogy_{name}").set_value(value)
    at.run()


def test_every_unknown_input_is_named_in_one_message():
    at = _open()

    _set_inputs(at, "東京", "日本", "woman")

    assert not at.exception
    errors = [_plain(error.value) for error in at.error]
    assert errors == ["unknown keys: a '東京'; b '日本'"]
    assert not at.dataframe


def test_each_unknown_input_has_its_own_suggestions(glove):
    at = _open()

    _set_inputs(at, "kingg", "king", "womann")

    closest = {word: ", ".join(glove.suggest(word)) for word in ("kingg", "womann")}
    assert [_plain(error.value) for error in at.error] == [
        f"unknown keys: a 'kingg' (closest: {closest['kingg']}); "
        f"c 'womann' (closest: {closest['womann']})"
    ]
    at.button(key="analogy_suggest_c_woman").click().run()
    assert at.text_input(key="analogy_c").value == "woman"
    assert at.text_input(key="analogy_a").value == "kingg"
    assert at.error[0].value.startswith("unknown key 'kingg'; closest:")


def test_case_notes_follow_the_order_of_a_b_and_c(glove, glove_kv):
    at = _open()

    _set_inputs(at, "Paris", "France", "Tokyo")

    assert not at.exception and not at.error
    notes = [info.value for info in at.info][:3]
    assert notes == [
        f"'{word}' is not in {glove.name}; using '{word.lower()}'"
        for word in ("Paris", "France", "Tokyo")
    ]
    expected = glove_kv.most_similar(positive=["france", "tokyo"], negative=["paris"])
    assert list(at.dataframe[0].value["key"]) == [key for key, _ in expected]


@pytest.mark.parametrize(
    ("text", "operator"),
    [
        ("king * 2", "*"),
        ("king*2*3", "*"),
        ("king - man / woman", "/"),
        ("(king)", "("),
    ],
)
def test_an_unsupported_operator_in_an_expression_is_named(text, operator):
    at = _open()

    at.text_input(key="expression").set_value(text).run()

    assert not at.exception
    assert [_plain(error.value) for error in at.error] == [
        f"expression {text!r} uses {operator!r}: only + and - between keys are "
        "supported, as in 'king - man + woman'"
    ]


def test_the_plane_caption_says_which_keys_are_grey():
    at = _open()

    captions = " ".join(c.value for c in at.caption).replace("\\", "")
    assert "grey: the first 2,000 keys projected onto it" in captions


def test_grey_keys_of_small_or_unordered_data_are_named_as_they_are():
    import numpy as np

    from embspace.space import Space
    from pages.analogies import _grey_keys

    small = Space([f"k{i}" for i in range(30)], np.eye(30, dtype=np.float32))
    big = Space([f"k{i}" for i in range(3000)], np.ones((3000, 2), np.float32))
    assert _grey_keys(small) == "all 30 keys"
    assert _grey_keys(big) == "the evenly sampled 2,000 keys"
