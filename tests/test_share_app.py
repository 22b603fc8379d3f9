"""Links through the app (AppTest): query parameters -> widgets -> parameters.

Each page is opened from a link that sets every field it shows to a value
other than the default; the widgets must show those values, and after the
run the query parameters must be the same link again. Tampered links open
with plain-text warnings and defaults, never an exception.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from embspace import share, store, views
from embspace.share import ViewState
from embspace.space import Space

ROOT = Path(__file__).resolve().parent.parent
TIMEOUT = 180


def _open(params: dict[str, str]) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=TIMEOUT)
    for name, value in params.items():
        at.query_params[name] = value
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _params(at: AppTest) -> dict[str, str]:
    return {name: str(value) for name, value in at.query_params.items()}


def _link(at: AppTest) -> str:
    """The URL in the share panel's copy box."""
    (code,) = at.code
    return code.value


def _link_params(at: AppTest) -> dict[str, str]:
    parts = urlsplit(_link(at))
    return {name: values[-1] for name, values in parse_qs(parts.query).items()}


def _map_traces(at: AppTest) -> dict[str, dict]:
    spec = json.loads(at.get("plotly_chart")[0].proto.spec)
    return {trace.get("name"): trace for trace in spec["data"]}


def _raw_warnings(at: AppTest) -> str:
    return "\n".join(warning.value for warning in at.warning)


def _warnings(at: AppTest) -> str:
    """The warnings as the reader sees them (Markdown escapes removed)."""
    return re.sub(r"\\(.)", r"\1", _raw_warnings(at))


# -- round trips, one page at a time ------------------------------------------------

EXPLORE = {
    "query": "france",
    "topn": "7",
    "metric": "euclidean",
    "restrict_vocab": "30000",
    "projection": "tsne",
    "n_neighbors": "30",
    "min_dist": "0.25",
    "perplexity": "12.5",
    "random_state": "7",
    "dims": "3",
    "limit": "1000",
    "color_by": "norm",
    "selected": "france,paris,berlin,london",
    "isolate": "1",
    "search": "^fr",
    "regex": "1",
}


def test_explore_link_sets_every_widget_and_comes_back_unchanged():
    at = _open(EXPLORE)

    assert at.text_input(key="query").value == "france"
    assert at.number_input(key="topn").value == 7
    assert at.selectbox(key="metric").value == "euclidean"
    assert at.number_input(key="restrict_vocab").value == 30_000
    assert at.slider(key="map_n").value == 1000
    assert at.selectbox(key="method").value == "tsne"
    assert at.radio(key="dims").value == "3-D"
    assert at.number_input(key="umap_n_neighbors").value == 30
    assert at.number_input(key="umap_min_dist").value == pytest.approx(0.25)
    assert at.number_input(key="tsne_perplexity").value == pytest.approx(12.5)
    assert at.number_input(key="random_state").value == 7
    assert at.selectbox(key="color_by").value == "norm"
    assert at.text_input(key="search").value == "^fr"
    assert at.checkbox(key="regex").value is True
    assert at.session_state["selected"] == ["france", "paris", "berlin", "london"]

    assert _params(at) == EXPLORE
    assert _link_params(at) == EXPLORE
    assert urlsplit(_link(at)).path == "/explore"

    # Seven neighbours by distance among the first 30,000 keys; the isolated
    # map holds the selection only.
    table = at.dataframe[0].value
    assert len(table) == 7
    assert table["frequency rank"].max() <= 30_000
    assert table["distance"].is_monotonic_increasing
    keys = _map_traces(at)["keys"]["hovertext"]
    assert sorted(keys) == ["berlin", "france", "london", "paris"]


def test_explore_neighbours_follow_the_link(glove_kv):
    at = _open({"query": "france", "topn": "5"})

    expected = [key for key, _ in glove_kv.most_similar("france", topn=5)]
    assert list(at.dataframe[0].value["key"]) == expected
    assert f"**Nearest to france:** {', '.join(expected)}" in [
        markdown.value for markdown in at.markdown
    ]


def test_default_explore_view_writes_only_the_query():
    at = _open({})

    assert _params(at) == {"query": "king"}
    assert _link(at) == "/explore?query=king"


def test_analogies_link_round_trip(glove_kv):
    link = {
        "page": "analogies",
        "a": "france",
        "b": "paris",
        "c": "italy",
        "method": "mul",
        "topn": "5",
        "expr": "berlin - germany + france",
        "dims": "3",
    }
    at = _open(link)

    assert at.title[0].value == "Analogies"
    assert [at.text_input(key=f"analogy_{n}").value for n in "abc"] == [
        "france",
        "paris",
        "italy",
    ]
    assert at.radio(key="analogy_method").value == "3CosMul"
    assert at.number_input(key="analogy_topn").value == 5
    assert at.text_input(key="expression").value == "berlin - germany + france"
    assert at.radio(key="analogy_dims").value == "3-D"

    expected = glove_kv.most_similar_cosmul(
        positive=["paris", "italy"], negative=["france"], topn=5
    )
    assert list(at.dataframe[0].value["key"]) == [key for key, _ in expected]
    published = {name: value for name, value in link.items() if name != "page"}
    assert _params(at) == published
    assert urlsplit(_link(at)).path == "/analogies"
    assert _link_params(at) == published


def test_word_sets_link_round_trip(glove_kv):
    words = ["breakfast", "cereal", "dinner", "lunch"]
    at = _open({"page": "word-sets", "words": ",".join(words)})

    assert at.title[0].value == "Word sets"
    assert at.text_area(key="word_set").value == " ".join(words)
    odd = glove_kv.doesnt_match(words)
    assert any(f"**{odd}** is least like" in m.value for m in at.markdown)
    assert _params(at) == {"words": ",".join(words)}
    assert urlsplit(_link(at)).path == "/word-sets"


@pytest.mark.parametrize("page", ["about", "upload", "evaluate"])
def test_pages_without_fields_carry_the_dataset(page):
    at = _open({"page": page})

    assert _params(at) == {}
    assert _link(at) == f"/{page}"


# -- tampered and stale links ----------------------------------------------------------

TAMPERED = {
    "dataset": "../../etc/passwd",
    "query": "qqqzzzx",
    "topn": "9999",
    "limit": "lots",
    "min_dist": "nan",
    "dims": "7",
    "color_by": "**bold** [x](javascript:alert(1))",
    "selected": "france,<script>alert(1)</script>",
    "search": "([",
    "regex": "1",
    "page": "nowhere",
    "view": "../../x",
    "evil": "1",
}


def test_tampered_link_opens_with_plain_warnings_and_defaults():
    at = _open(TAMPERED)

    assert at.title[0].value == "Explore"
    warnings = _warnings(at)
    assert "not a valid view id" in warnings
    assert "dataset" in warnings and "not a valid id" in warnings
    assert "Link: 'evil'='1' is not a link parameter; ignored" in warnings
    assert "Link: topn=9999 is not between 1 and 100; using 100" in warnings
    assert "Link: query='qqqzzzx' is not a key of glove-6b-50d" in warnings
    assert "not a valid regular expression" in warnings
    for line in warnings.splitlines():
        assert re.match(r"^Link: \S+=.+ (is|are) not .+; (using .+|ignored)$", line)
    # Quoted link values are escaped, not rendered as Markdown or HTML.
    raw = _raw_warnings(at)
    assert r"\*\*bold\*\* \[x\]\(javascript" in raw
    assert "<script>" not in raw and "<script>" in warnings

    assert at.session_state["dataset_id"] == share.DEFAULT_DATASET
    assert at.text_input(key="query").value == "king"
    assert at.number_input(key="topn").value == 100
    assert at.radio(key="dims").value == "3-D"
    assert at.session_state["selected"] == ["france"]
    assert not at.error
    assert _params(at) == {
        "query": "king",
        "topn": "100",
        "dims": "3",
        "selected": "france",
        "regex": "1",
    }


def test_warnings_show_once():
    at = _open({"query": "qqqzzzx"})
    assert "query='qqqzzzx' is not a key" in _warnings(at)

    at.text_input(key="query").set_value("queen").run()
    assert "qqqzzzx" not in _warnings(at)


def test_limit_above_the_slider_is_clamped_with_a_warning():
    at = _open({"limit": "80000"})

    assert at.slider(key="map_n").value == 50_000
    assert "limit=80,000" in _warnings(at)


def test_unknown_stored_dataset_falls_back_to_the_default():
    at = _open({"dataset": "u-0123456789abcdef0123", "query": "paris"})

    assert "dataset='u-0123456789abcdef0123' is not a dataset" in _warnings(at)
    assert at.session_state["dataset_id"] == share.DEFAULT_DATASET
    assert at.text_input(key="query").value == "paris"


# -- stored datasets and saved views ---------------------------------------------------


@pytest.fixture()
def stored_dataset() -> str:
    """A small stored upload (what the Upload page saves)."""
    rng = np.random.default_rng(3)
    keys = [f"word{i}" for i in range(300)]
    space = Space(keys, rng.standard_normal((300, 8)).astype("f4"), name="upload")
    return store.save(space, title="words.txt", source="test")


def test_link_to_a_stored_dataset_opens_it_for_a_new_session(stored_dataset):
    from embspace import datasets, queries

    link = {"dataset": stored_dataset, "query": "word5", "topn": "4"}
    at = _open(link)

    assert at.session_state["dataset_id"] == stored_dataset
    space = datasets.load(stored_dataset)
    expected = queries.neighbors(space, "word5", topn=4).keys
    assert list(at.dataframe[0].value["key"]) == expected
    assert _params(at) == link
    assert not at.warning


def test_long_selection_goes_into_a_saved_view(glove):
    selected = glove.keys[:400]
    at = _open({"selected": share.encode_keys(selected), "query": "paris"})

    params = _params(at)
    assert set(params) == {"view"}
    assert views.is_view_id(params["view"])
    assert _link_params(at) == params
    saved = views.load_view(params["view"])
    assert saved.selected == tuple(selected)
    assert saved.query == "paris"

    reopened = _open(params)
    assert reopened.session_state["selected"] == list(selected)
    assert reopened.text_input(key="query").value == "paris"


def test_saved_view_of_another_page_switches_to_it(stored_dataset):
    state = ViewState(
        dataset=stored_dataset, page="analogies", a="word1", b="word2", c="word3"
    )
    view_id = views.save_view(state)

    at = _open({"view": view_id})

    # The switch of page keeps the view's dataset and fills the page.
    assert at.title[0].value == "Analogies"
    assert at.session_state["dataset_id"] == stored_dataset
    assert at.text_input(key="analogy_c").value == "word3"
    assert _params(at) == {
        "dataset": stored_dataset,
        "a": "word1",
        "b": "word2",
        "c": "word3",
    }


# -- selection controls ----------------------------------------------------------------


def test_select_neighbours_then_isolate_and_clear(glove_kv):
    at = _open({"query": "france", "topn": "5"})

    at.button(key="select_neighbours").click().run()
    expected = ["france", *(key for key, _ in glove_kv.most_similar("france", topn=5))]
    assert at.session_state["selected"] == expected
    assert _params(at)["selected"] == ",".join(expected)
    assert sorted(_map_traces(at)["selected"]["hovertext"]) == sorted(expected)

    at.button(key="isolate_button").click().run()
    assert _params(at)["isolate"] == "1"
    assert sorted(_map_traces(at)["keys"]["hovertext"]) == sorted(expected)

    at.button(key="clear_selection").click().run()
    assert at.session_state["selected"] == []
    assert "selected" not in _params(at) and "isolate" not in _params(at)
    assert len(_map_traces(at)["keys"]["hovertext"]) == 5000


def test_search_marks_matches_and_selects_them(glove):
    at = _open({"search": "^fr", "regex": "1", "limit": "1000"})

    first = glove.keys[:1000]
    expected = [key for key in first if key.startswith("fr")]
    assert _map_traces(at)["matches"]["hovertext"] == expected

    at.button(key="select_matches").click().run()
    assert at.session_state["selected"] == expected


# -- files -------------------------------------------------------------------------


def test_html_and_coordinates_files_hold_the_view(glove):
    import io

    import pandas as pd

    from embspace import export, figures, projection
    from pages import explore_files

    fitted = projection.project(glove, limit=500, random_state=0)
    figure = figures.map_figure(fitted.coords, fitted.keys, indices=fitted.indices)
    table = pd.DataFrame({"key": ["queen", "<b>"], "cosine": [0.78, 0.5]})

    state = ViewState(query="king", limit=500)
    page = explore_files.html_file(state, figure.figure, table)().decode("utf-8")
    assert "<li>query: king</li>" in page
    assert "<li>link: /explore?query=king&amp;limit=500</li>" in page
    assert "<td>queen</td>" in page and "<td>&lt;b&gt;</td>" in page

    csv = explore_files.coordinates_file(fitted)()
    read = pd.read_csv(io.BytesIO(csv), dtype={"key": str}, keep_default_na=False)
    assert list(read["key"].map(export.unguard)) == fitted.keys
    np.testing.assert_allclose(read[["x", "y"]].to_numpy(), fitted.coords, atol=1e-6)
    assert list(read["frequency rank"]) == list(np.asarray(fitted.indices) + 1)
