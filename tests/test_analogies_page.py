"""The Analogies page through AppTest: examples, empty inputs, the view option."""

from __future__ import annotations

import json
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
