"""Every page driven through Streamlit's AppTest; gensim is the oracle."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parent.parent
TIMEOUT = 120


def _app(page_file: str | None = None, **params: str) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=TIMEOUT)
    for name, value in params.items():
        at.query_params[name] = value
    at.run()
    if page_file is not None:
        at.switch_page(page_file).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _table_keys(at: AppTest, index: int = 0) -> list[str]:
    return list(at.dataframe[index].value["key"])


def _texts(at: AppTest) -> str:
    parts = [m.value for m in at.markdown] + [c.value for c in at.caption]
    return "\n".join(parts)


# -- Explore ---------------------------------------------------------------------


def test_explore_default_shows_gensim_neighbours_of_king(glove_kv):
    at = _app()

    expected = [key for key, _ in glove_kv.most_similar("king", topn=10)]
    assert at.title[0].value == "Explore"
    assert _table_keys(at) == expected
    assert "queen" in _table_keys(at)
    assert len(at.get("plotly_chart")) == 2  # the map and the vector strip
    assert not at.error


def test_explore_query_shows_its_neighbours_in_the_table(glove_kv):
    at = _app()

    at.text_input(key="query").set_value("paris").run()

    expected = [key for key, _ in glove_kv.most_similar("paris", topn=10)]
    assert _table_keys(at) == expected
    assert f"**Nearest to paris:** {', '.join(expected)}" in _texts(at)


def test_explore_escapes_markdown_in_the_query_and_its_neighbours(glove_kv):
    at = _app()

    at.text_input(key="query").set_value("*").run()

    expected = [key for key, _ in glove_kv.most_similar("*", topn=10)]
    line = next(m.value for m in at.markdown if m.value.startswith("**Nearest to"))
    assert _plain(line) == f"**Nearest to *:** {', '.join(expected)}"
    assert line.startswith("**Nearest to \\*:**")


def test_explore_names_a_very_long_unknown_key_by_its_start_and_length():
    at = _app()

    at.text_input(key="query").set_value("a" * 500).run()

    shown = [e.value for e in at.error] + [w.value for w in at.warning]
    assert any("(500 characters)" in _plain(text) for text in shown), shown
    assert all(len(text) < 300 for text in shown)


def test_explore_says_when_a_typed_regular_expression_is_invalid():
    at = _app()

    at.checkbox(key="regex").check().run()
    at.text_input(key="search").set_value("[a-").run()

    assert [_plain(w.value) for w in at.warning] == [
        "Highlight keys: '[a-' is not a valid regular expression (unterminated "
        "character set at position 3); nothing is highlighted."
    ]
    assert at.button(key="select_matches").disabled


def test_explore_places_a_query_outside_the_map_without_refitting_it(glove):
    from embspace import projection

    at = _app(query="paris", limit="1000")

    traces = {trace["name"]: trace for trace in _map_spec(at)["data"]}
    background_x = _values(traces["keys"]["x"])
    assert len(background_x) == 1000  # the map's own keys only
    assert _values(traces["query"]["customdata"]) == [glove.index("paris")]
    assert "prohertrib" in traces["neighbours"]["text"]
    assert "placed exactly where the projection puts them" in _texts(at)
    assert list(at.dataframe[0].value["fitted"])[:2] == [False, True]

    # The query lies where PCA of the first 1,000 keys puts it.
    fitted = projection.project(glove, limit=1000)
    assert background_x[:5] == pytest.approx(fitted.coords[:5, 0], abs=1e-5)
    centre = glove.vectors[:1000].mean(axis=0)
    rows = glove.vectors[:1000] - centre
    _, _, components = np.linalg.svd(rows, full_matrices=False)
    where = (glove.vectors[glove.index("paris")] - centre) @ components[:2].T
    signs = np.sign(np.sum((rows @ components[:2].T) * fitted.coords, axis=0))
    query = _values(traces["query"]["x"]) + _values(traces["query"]["y"])
    assert query == pytest.approx(where * signs, abs=1e-3)


def test_explore_scores_and_ranks_match_gensim(glove_kv):
    at = _app()
    at.number_input(key="topn").set_value(5).run()

    table = at.dataframe[0].value
    expected = glove_kv.most_similar("king", topn=5)
    assert list(table["key"]) == [key for key, _ in expected]
    assert table["cosine"].to_numpy() == pytest.approx(
        [score for _, score in expected], abs=1e-5
    )
    ranks = [glove_kv.key_to_index[key] + 1 for key, _ in expected]
    assert list(table["frequency rank"]) == ranks


def test_explore_metric_switch_and_restrict_vocab(glove_kv):
    at = _app()

    at.selectbox(key="metric").set_value("euclidean").run()
    assert "distance" in at.dataframe[0].value.columns

    at.selectbox(key="metric").set_value("cosine")
    at.number_input(key="restrict_vocab").set_value(1000).run()
    expected = glove_kv.most_similar("king", topn=10, restrict_vocab=1000)
    assert _table_keys(at) == [key for key, _ in expected]


def test_explore_unknown_key_shows_suggestions_and_a_click_fixes_it():
    at = _app()

    at.text_input(key="query").set_value("kingg").run()

    assert not at.exception
    assert at.error[0].value.startswith("unknown key 'kingg'; closest:")
    assert not at.dataframe
    buttons = {button.key: button for button in at.button}
    assert "suggest_king" in buttons

    buttons["suggest_king"].click().run()
    assert at.text_input(key="query").value == "king"
    assert "queen" in _table_keys(at)


def test_explore_miscased_key_is_matched_with_a_note():
    at = _app()

    at.text_input(key="query").set_value("King").run()

    assert "queen" in _table_keys(at)
    assert any("using 'king'" in info.value for info in at.info)


def test_explore_3d_view_and_map_size_render():
    at = _app()

    at.radio(key="dims").set_value("3-D")
    at.slider(key="map_n").set_value(2000).run()

    assert not at.exception
    assert not at.error
    assert "the map shows the 2,000 most frequent of 400,000 keys" in _texts(at)


def test_changing_the_query_does_not_recompute_the_map(monkeypatch):
    from embspace import projection

    calls = []
    original = projection.project

    def counting(*args, **kwargs):
        calls.append(kwargs)
        return original(*args, **kwargs)

    monkeypatch.setattr(projection, "project", counting)
    at = _app()
    at.slider(key="map_n").set_value(3500).run()
    assert [call["limit"] for call in calls] == [3500]

    for query in ("queen", "paris", "king"):
        at.text_input(key="query").set_value(query).run()
    assert len(calls) == 1
    assert "queen" in _table_keys(at)


@pytest.fixture()
def tiny_dataset():
    """A registered 4-key dataset with an HTML-like key."""
    import numpy as np

    from embspace import datasets
    from embspace.space import Space

    keys = ["alpha", "beta", "<img src=x onerror=alert(1)>", "gamma"]
    vectors = np.array([[1, 0, 0], [0.9, 0.1, 0], [0, 1, 0], [0, 0, 1]], "f4")
    datasets.register(
        datasets.DatasetInfo(
            id="tiny-test",
            title="Tiny",
            description="four keys",
            loader=lambda: Space(keys, vectors, name="tiny-test"),
        )
    )
    yield "tiny-test"
    datasets._REGISTRY.pop("tiny-test", None)


def test_explore_small_dataset_with_html_key(tiny_dataset):
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=TIMEOUT)
    at.session_state["dataset_id"] = tiny_dataset
    at.session_state["query"] = "<img src=x onerror=alert(1)>"
    at.run()

    assert not at.exception, [e.value for e in at.exception]
    assert not at.error
    assert _table_keys(at)[0] in {"alpha", "beta", "gamma"}
    assert "The map shows all 4 keys." in _texts(at)


def test_explore_umap_runs_in_a_status_box():
    at = _app()

    at.slider(key="map_n").set_value(500)
    at.selectbox(key="method").set_value("umap").run()

    assert not at.exception, [e.value for e in at.exception]
    assert not at.error
    assert "UMAP, coloured by frequency rank" in _texts(at)
    assert [(box.label, box.state) for box in at.status] == [("UMAP ready", "complete")]


# -- Analogies ---------------------------------------------------------------------


def test_analogy_default_answers_queen_like_gensim(glove_kv):
    at = _app("pages/analogies.py")

    expected = glove_kv.most_similar(positive=["king", "woman"], negative=["man"])
    assert at.title[0].value == "Analogies"
    assert _table_keys(at) == [key for key, _ in expected]
    assert _table_keys(at)[0] == "queen"
    assert "Input words are left out" in _texts(at)

    drawing = json.loads(at.get("plotly_chart")[0].proto.spec)
    names = [trace.get("name") for trace in drawing["data"]]
    assert names[-4:] == ["man → king", "woman → b − a + c", "gap", "queen (answer)"]
    titles = [drawing["layout"][axis]["title"]["text"] for axis in ("xaxis", "yaxis")]
    assert titles == ["along king − man", "along woman − man (orthogonalised)"]
    assert "parallel by construction" in _texts(at)


def test_analogy_pca_view_and_3d_plane(glove_kv):
    at = _app("pages/analogies.py")

    at.radio(key="analogy_dims").set_value("3-D").run()
    drawing = json.loads(at.get("plotly_chart")[0].proto.spec)
    z_title = drawing["layout"]["scene"]["zaxis"]["title"]["text"]
    assert z_title == "off the plane: queen − (b − a + c)"
    assert "the third axis holds the rest" in _texts(at)

    at.radio(key="analogy_view").set_value("PCA of the map").run()
    at.radio(key="analogy_dims").set_value("2-D").run()
    assert not at.exception
    drawing = json.loads(at.get("plotly_chart")[0].proto.spec)
    names = [trace.get("name") for trace in drawing["data"]]
    assert names[-2:] == ["man → king", "woman → queen"]
    assert drawing["layout"]["xaxis"]["title"]["text"].startswith("PC1 (")


def test_analogy_without_a_plane_falls_back_to_pca():
    at = _app("pages/analogies.py")

    at.text_input(key="analogy_c").set_value("man").run()

    assert not at.exception
    assert at.info[0].value.startswith("No analogy plane: c - a is parallel to b - a")
    drawing = json.loads(at.get("plotly_chart")[0].proto.spec)
    assert drawing["layout"]["xaxis"]["title"]["text"].startswith("PC1 (")


def test_analogy_3cosmul_matches_gensim(glove_kv):
    at = _app("pages/analogies.py")

    at.radio(key="analogy_method").set_value("3CosMul").run()

    expected = glove_kv.most_similar_cosmul(
        positive=["king", "woman"], negative=["man"]
    )
    table = at.dataframe[0].value
    assert list(table["key"]) == [key for key, _ in expected]
    assert table["3CosMul"].to_numpy() == pytest.approx(
        [score for _, score in expected], rel=1e-4
    )


def test_analogy_query_params_prefill_the_inputs(glove_kv):
    at = _app(**{"page": "analogies", "a": "france", "b": "paris", "c": "italy"})

    assert at.title[0].value == "Analogies"
    assert at.text_input(key="analogy_a").value == "france"
    expected = glove_kv.most_similar(positive=["paris", "italy"], negative=["france"])
    assert _table_keys(at)[0] == expected[0][0]


def test_analogy_example_button_and_expression(glove_kv):
    at = _app("pages/analogies.py")

    at.button(key="example_big_bigger_small").click().run()
    expected = glove_kv.most_similar(positive=["bigger", "small"], negative=["big"])
    assert _table_keys(at)[0] == expected[0][0]

    at.text_input(key="expression").set_value("king - man + woman").run()
    assert not at.exception
    expected = glove_kv.most_similar(positive=["king", "woman"], negative=["man"])
    assert _table_keys(at, 1) == [key for key, _ in expected]


def test_analogy_unknown_word_shows_a_message_not_a_traceback():
    at = _app("pages/analogies.py")

    at.text_input(key="analogy_c").set_value("womann").run()

    assert not at.exception
    assert at.error[0].value.startswith("unknown key 'womann'; closest:")
    at.button(key="analogy_suggest_woman").click().run()
    assert at.text_input(key="analogy_c").value == "woman"
    assert _table_keys(at)[0] == "queen"


def test_expression_unknown_word_replaces_only_that_word():
    at = _app("pages/analogies.py")

    at.text_input(key="expression").set_value("king - man + womann").run()
    assert any("unknown key 'womann'" in e.value for e in at.error)

    at.button(key="expression_suggest_woman").click().run()
    assert at.text_input(key="expression").value == "king - man + woman"


# -- Word sets and About -------------------------------------------------------------


def test_word_set_heatmap_and_odd_one_out(glove_kv):
    at = _app("pages/word_sets.py")

    words = ["breakfast", "cereal", "dinner", "lunch"]
    at.text_area(key="word_set").set_value(", ".join(words)).run()

    assert not at.exception
    assert not at.error
    odd = glove_kv.doesnt_match(words)
    assert f"**{odd}** is least like the others." in _texts(at)
    assert len(at.get("plotly_chart")) == 2  # heatmap and word axes


def test_word_set_unknown_words_are_left_out_with_a_warning():
    at = _app("pages/word_sets.py")

    at.text_area(key="word_set").set_value("king queen qqqzzzx").run()

    assert not at.exception
    assert any("unknown key 'qqqzzzx'" in w.value for w in at.warning)
    assert len(at.get("plotly_chart")) == 2


def test_word_axes_with_unknown_axis_word_is_one_line():
    at = _app("pages/word_sets.py")

    at.text_input(key="axis_y2").set_value("poorrr").run()

    assert not at.exception
    assert any("poorrr" in e.value for e in at.error)


def test_about_credits_glove():
    at = _app("pages/about.py")

    text = _texts(at)
    assert "Pennington" in text
    assert "PDDL" in text
    assert "distorts distances" in text


# -- awkward inputs on Explore (tests/data/cases) -------------------------------------


@pytest.fixture()
def case_dataset(cases_dir):
    """Register a case file (read by embspace.formats) as a dataset id."""
    from embspace import datasets, formats

    registered = []

    def register(filename: str, **read) -> str:
        path = cases_dir / filename if isinstance(filename, str) else filename
        slug = path.stem.lower().replace("_", "-")
        space = formats.read(path, **read).to_space(name=f"case-{slug}")
        datasets.register(
            datasets.DatasetInfo(space.name, path.name, "case", lambda: space)
        )
        registered.append(space.name)
        return space.name

    yield register
    for name in registered:
        datasets._REGISTRY.pop(name, None)


def _case_app(dataset_id: str, **state) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=TIMEOUT)
    at.session_state["dataset_id"] = dataset_id
    for name, value in state.items():
        at.session_state[name] = value
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _plain(text: str) -> str:
    """Text shown with pages.common.plain, without its escapes."""
    return text.replace("\\", "")


def _plain_texts(at: AppTest) -> str:
    return _plain(_texts(at))


def _values(field) -> list[float]:
    """A Plotly data array, decoded when it is sent as typed binary data."""
    import base64

    if isinstance(field, dict):
        raw = base64.b64decode(field["bdata"])
        return np.frombuffer(raw, dtype=field["dtype"]).tolist()
    return list(field)


def _map_spec(at: AppTest) -> dict:
    charts = [json.loads(chart.proto.spec) for chart in at.get("plotly_chart")]
    return next(c for c in charts if c["data"] and c["data"][0].get("name") == "keys")


def test_explore_b21_single_point_shows_its_values_and_the_reason(case_dataset):
    from embspace.space import ONE_VECTOR

    at = _case_app(case_dataset("B21_single_point.vec"))

    infos = [info.value for info in at.info]
    assert f"Neighbours are disabled: {ONE_VECTOR}." in infos
    assert any(
        _plain(i).startswith("Projections are disabled: the data has only 1 vector")
        for i in infos
    )
    assert not at.dataframe and not at.error
    assert "**The row E[only]** of the embedding matrix" in _texts(at)
    assert "Values: 0.1, 0.2, 0.3" in _plain_texts(at)
    assert len(at.get("plotly_chart")) == 1  # the vector strip, no map


def test_explore_b16_all_zero_says_the_same_thing_twice(case_dataset):
    from embspace.space import ALL_ZERO

    at = _case_app(case_dataset("B16_all_zero.vec"), query="alpha")

    infos = [info.value for info in at.info]
    assert f"Neighbours are disabled: {ALL_ZERO}." in infos
    assert f"Projections are disabled: {ALL_ZERO}." in [_plain(i) for i in infos]
    assert not at.dataframe and not at.error
    assert "Values: 0, 0, 0, 0" in _plain_texts(at)


def test_explore_b23_two_dims_opens_in_raw_coordinates(case_dataset, cases_dir):
    at = _case_app(case_dataset("B23_two_dims.tsv"), query="1")

    assert at.selectbox(key="method").value == "raw"
    spec = _map_spec(at)
    keys = spec["data"][0]
    points = sorted(zip(_values(keys["x"]), _values(keys["y"])))
    assert points == [(0, 0), (0, 1), (1, 0), (1, 1)]  # (0, 0) is kept
    assert spec["layout"]["xaxis"]["title"]["text"] == "dimension 1"

    at.radio(key="dims").set_value("3-D").run()
    assert any(
        "3-D is unavailable: the data has only 2 dimensions" in _plain(w.value)
        for w in at.warning
    )


def test_explore_b23_one_dim_is_a_labelled_strip(case_dataset):
    at = _case_app(case_dataset("B23_one_dim.tsv"), query="1")

    assert at.selectbox(key="method").value == "raw"
    spec = _map_spec(at)
    assert sorted(_values(spec["data"][0]["x"])) == [0, 0.5, 1, 1.5]
    assert set(_values(spec["data"][0]["y"])) == {0}
    assert spec["layout"]["xaxis"]["title"]["text"].startswith("value")
    labelled = {t.get("name"): t.get("text") for t in spec["data"][1:]}
    assert labelled["query"] == ["1"] and sorted(labelled["neighbours"]) == ["2", "3"]
    assert not at.error


def test_explore_b27_map_samples_the_whole_file_and_says_so(
    case_dataset, cases_dir, tmp_path
):
    import subprocess
    import sys

    script = cases_dir / "B27_over_100k_points.gen.py"
    subprocess.run([sys.executable, str(script), str(tmp_path / "b27")], check=True)
    dataset = case_dataset(
        tmp_path / "b27_vectors.tsv", metadata_path=tmp_path / "b27_metadata.tsv"
    )

    at = _case_app(dataset, query="rare119999", map_n=5000, search="rare")

    shown = "the map shows 5,000 of 120,000 rows, sampled evenly across the file"
    assert shown in _plain_texts(at)
    assert "sampled evenly" in at.slider(key="map_n").label
    assert len(_table_keys(at)) == 10  # neighbours see every row
    assert "row" in at.dataframe[0].value.columns  # not a frequency rank
    assert "PCA, coloured by row in the file." in _plain_texts(at)
    colorbar = _map_spec(at)["data"][0]["marker"]["colorbar"]
    assert colorbar["title"]["text"] == "row in the file"
    matches = at.button(key="select_matches").label
    assert matches.startswith("Select the ") and matches != "Select the 0 matches"
    in_map = int(matches.split()[2].replace(",", ""))
    assert (
        f"Search: {in_map:,} of the map's 5,000 keys match; {20_000 - in_map:,} keys "
        "outside the map match too (searched all 120,000 keys)."
    ) in _plain_texts(at)


def test_explore_link_to_2d_data_opens_in_raw_coordinates(case_dataset):
    dataset = case_dataset("B23_two_dims.tsv")

    at = _app(dataset=dataset, query="1")
    assert at.selectbox(key="method").value == "raw"
    assert _map_spec(at)["layout"]["xaxis"]["title"]["text"] == "dimension 1"

    # A link that names UMAP keeps it.
    at = _app(dataset=dataset, query="1", projection="umap")
    assert at.selectbox(key="method").value == "umap"


def test_explore_link_without_a_limit_fits_a_small_dataset_silently(
    case_dataset, tmp_path
):
    rng = np.random.default_rng(7)
    lines = [
        f"w{i} " + " ".join(f"{v:.4f}" for v in row)
        for i, row in enumerate(rng.normal(size=(2500, 8)))
    ]
    path = tmp_path / "small.txt"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    dataset = case_dataset(path)

    at = _app(dataset=dataset, query="w1")
    assert not [w.value for w in at.warning if "limit" in w.value]
    assert at.slider(key="map_n").value == 2500

    at = _app(dataset=dataset, query="w1", limit="4000")
    assert [_plain(w.value) for w in at.warning] == [
        "Link: limit=4,000 is above the 2,500 keys of this dataset"
    ]


def test_explore_warns_before_a_large_tsne_map_and_its_fit_can_be_cancelled():
    at = _app(projection="tsne", limit="20000")

    texts = _plain_texts(at)
    assert "t-SNE of 20,000 keys may take many minutes the first time" in texts
    at.button(key="cancel_job").click().run()
    assert not at.exception

    at = _app(limit="20000")
    assert "may take many minutes" not in _plain_texts(at)  # PCA is quick


def test_explore_says_when_the_search_matches_nothing():
    at = _app()

    at.text_input(key="search").set_value("zzzzqq").run()

    assert "Search: no key of the map contains 'zzzzqq'." in _plain_texts(at)
    assert at.button(key="select_matches").label == "Select the 0 matches"


def test_explore_on_data_without_king_shows_its_first_usable_key(case_dataset):
    dataset = case_dataset("B23_two_dims.tsv")  # its row 0 is a zero vector

    at = _case_app(dataset)

    assert not at.error
    assert [i.value for i in at.info][0] == f"{dataset} has no 'king': showing '1'"
    assert _table_keys(at)  # the neighbours of '1'


def test_explore_draws_search_matches_under_the_labelled_keys():
    at = _app()

    at.text_input(key="search").set_value("ing").run()

    names = [trace.get("name") for trace in _map_spec(at)["data"]]
    assert names[0] == "keys" and names[-2:] == ["neighbours", "query"]
    assert "matches" in names


def test_explore_link_limit_above_the_map_cap_names_the_cap():
    at = _app(limit="80000")

    assert "Link: limit=80,000 is above the 50,000 keys a map shows" in [
        _plain(w.value) for w in at.warning
    ]


def test_explore_counts_one_match_outside_the_map_in_the_singular():
    at = _app()

    at.text_input(key="search").set_value("\\").run()

    assert (
        "Search: 0 of the map's 5,000 keys match; 1 key outside the map matches too "
        "(searched all 400,000 keys)."
    ) in _plain_texts(at)
