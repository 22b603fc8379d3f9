"""Figure builders: trace types, values, hover text and titles via to_dict()."""

from __future__ import annotations

import base64

import numpy as np
import pytest
from numpy.testing import assert_allclose

from embspace import figures


def _values(field) -> np.ndarray:
    """Decode a data array of ``fig.to_dict()`` (plain list or typed array)."""
    if isinstance(field, dict) and "bdata" in field:
        raw = base64.b64decode(field["bdata"])
        values = np.frombuffer(raw, dtype=np.dtype(field["dtype"]))
        if "shape" in field:
            shape = [int(n) for n in str(field["shape"]).split(",")]
            values = values.reshape(shape)
        return values
    return np.asarray(field)


@pytest.fixture()
def points() -> tuple[np.ndarray, list[str]]:
    rng = np.random.default_rng(0)
    coords = rng.normal(size=(50, 2)).astype(np.float32)
    keys = [f"key{i}" for i in range(50)]
    return coords, keys


def test_map_background_is_one_webgl_trace_with_row_ids(points):
    coords, keys = points
    indices = np.arange(100, 150)

    drawn = figures.map_figure(coords, keys, indices=indices)
    data = drawn.figure.to_dict()["data"]

    assert [trace["type"] for trace in data] == ["scattergl"]
    assert_allclose(_values(data[0]["x"]), coords[:, 0])
    assert_allclose(_values(data[0]["y"]), coords[:, 1])
    assert_allclose(_values(data[0]["customdata"]), indices)
    assert data[0]["hovertext"] == keys
    assert data[0]["mode"] == "markers"
    assert drawn.notice is None
    assert (drawn.n_shown, drawn.n_total) == (50, 50)


def test_map_colours_by_frequency_rank_with_a_colour_bar(points):
    coords, keys = points
    indices = np.arange(7, 57)

    marker = figures.map_figure(coords, keys, indices=indices).figure.to_dict()["data"][
        0
    ]["marker"]

    assert_allclose(_values(marker["color"]), indices)
    assert marker["colorbar"]["title"]["text"] == "frequency rank"


def test_map_labels_query_and_neighbours_in_small_traces(points):
    coords, keys = points

    drawn = figures.map_figure(coords, keys, highlight=[3, 5, 9], query=9)
    data = drawn.figure.to_dict()["data"]

    assert [trace["name"] for trace in data[1:]] == ["neighbours", "query"]
    neighbours, query = data[1], data[2]
    assert neighbours["text"] == ["key3", "key5"]
    assert "text" in neighbours["mode"]
    assert query["text"] == ["key9"]
    assert_allclose(_values(query["x"]), coords[[9], 0])
    assert_allclose(_values(neighbours["customdata"]), [3, 5])


def test_map_escapes_keys_in_hover_and_labels():
    keys = ["<img src=x onerror=alert(1)>", "a&b"]
    coords = np.zeros((2, 2), dtype=np.float32)

    data = figures.map_figure(coords, keys, highlight=[0]).figure.to_dict()["data"]

    assert data[0]["hovertext"] == ["&lt;img src=x onerror=alert(1)&gt;", "a&amp;b"]
    assert data[1]["text"] == ["&lt;img src=x onerror=alert(1)&gt;"]
    assert "<img" not in str(data)


def test_map_3d_uses_scatter3d_with_the_same_colours():
    rng = np.random.default_rng(1)
    coords = rng.normal(size=(20, 3))
    keys = [str(i) for i in range(20)]

    drawn = figures.map_figure(coords, keys, highlight=[2], query=4)
    figure = drawn.figure.to_dict()

    assert {trace["type"] for trace in figure["data"]} == {"scatter3d"}
    assert_allclose(_values(figure["data"][0]["z"]), coords[:, 2], rtol=1e-6)
    assert_allclose(_values(figure["data"][0]["marker"]["color"]), np.arange(20))
    assert (
        figure["data"][0]["marker"]["colorscale"]
        == (
            figures.map_figure(coords[:, :2], keys).figure.to_dict()["data"][0][
                "marker"
            ]["colorscale"]
        )
    )
    assert "scene" in figure["layout"]


@pytest.mark.parametrize(("dims", "default"), [(2, 100_000), (3, 30_000)])
def test_map_default_caps_are_per_dimension(dims, default):
    coords = np.zeros((default + 5, dims), dtype=np.float32)
    keys = ["k"] * (default + 5)

    drawn = figures.map_figure(coords, keys)

    assert drawn.n_shown == default
    assert f"{default:,}" in drawn.notice


def test_map_cap_leaves_a_visible_notice_and_keeps_highlights(points):
    coords, keys = points

    drawn = figures.map_figure(coords, keys, highlight=[40], max_points=10)
    data = drawn.figure.to_dict()["data"]

    assert len(_values(data[0]["x"])) == 10
    assert drawn.notice == (
        "Showing the first 10 of 50 points: the browser draws at most 10 points in 2-D."
    )
    assert data[1]["text"] == ["key40"]


def test_map_axis_titles_say_what_the_axes_are(points):
    coords, keys = points
    titles = figures.axis_titles(
        "pca", 2, explained_variance_ratio=np.array([0.1234, 0.05])
    )

    layout = figures.map_figure(coords, keys, titles=titles).figure.to_dict()["layout"]

    assert layout["xaxis"]["title"]["text"] == "PC1 (12.3% variance)"
    assert layout["yaxis"]["title"]["text"] == "PC2 (5.0% variance)"
    assert figures.axis_titles("umap", 3) == ["UMAP 1", "UMAP 2", "UMAP 3"]
    assert figures.axis_titles("tsne", 2) == ["t-SNE 1", "t-SNE 2"]


def test_map_axes_leave_room_for_labels_at_the_edges():
    coords = np.array([[0.0, 0.0], [10.0, 5.0], [20.0, 1.0], [50.0, -5.0]])
    keys = ["a", "b", "c", "placed"]

    layout = figures.map_figure(
        coords, keys, highlight=[2], query=3, n_background=3
    ).figure.to_dict()["layout"]

    # x: the labelled point at 50 gets room for its label; 0 is only padded.
    (room_x, room_y), pad = figures.LABEL_ROOM, figures.POINT_PAD
    assert_allclose(layout["xaxis"]["range"], [-50 * pad, 50 + 50 * room_x])
    assert_allclose(layout["yaxis"]["range"], [-5 - 10 * room_y, 5 + 10 * pad])


def test_map_rejects_misaligned_input(points):
    coords, keys = points
    with pytest.raises(ValueError, match="50 coordinate rows for 49 keys"):
        figures.map_figure(coords, keys[:-1])
    with pytest.raises(ValueError, match=r"shape \(n, 2\) or \(n, 3\)"):
        figures.map_figure(np.zeros((3, 4)), ["a", "b", "c"])
    with pytest.raises(ValueError, match="max_points=-1 must be at least 1"):
        figures.map_figure(coords, keys, max_points=-1)


def test_analogy_2d_draws_arrows_a_to_b_and_c_to_answer():
    coords = np.array([[0, 0], [1, 2], [3, 0], [4, 2]], dtype=np.float32)
    keys = ["man", "king", "woman", "queen"]

    figure = figures.analogy_figure(coords, keys).to_dict()
    arrows = figure["layout"]["annotations"]

    assert [(a["ax"], a["ay"], a["x"], a["y"]) for a in arrows] == [
        (0, 0, 1, 2),
        (3, 0, 4, 2),
    ]
    assert all(a["showarrow"] and a["arrowhead"] > 0 for a in arrows)
    names = [trace["name"] for trace in figure["data"]]
    assert names == ["man → king", "woman → queen"]
    assert figure["data"][1]["text"] == ["woman", "queen"]


def test_analogy_3d_draws_lines_and_a_faint_background():
    rng = np.random.default_rng(2)
    coords = rng.normal(size=(4, 3))
    background = rng.normal(size=(30, 3))

    figure = figures.analogy_figure(
        coords,
        ["a", "b", "c", "d"],
        background=background,
        background_keys=[str(i) for i in range(30)],
    ).to_dict()

    assert [t["type"] for t in figure["data"]] == ["scatter3d"] * 3
    assert figure["data"][0]["mode"] == "markers"
    assert all("lines" in t["mode"] for t in figure["data"][1:])
    assert_allclose(_values(figure["data"][2]["z"]), coords[[2, 3], 2])
    assert "annotations" not in figure["layout"]


def test_analogy_needs_four_keys():
    with pytest.raises(ValueError, match="an analogy has 4 keys"):
        figures.analogy_figure(np.zeros((3, 2)), ["a", "b", "c"])
    with pytest.raises(ValueError, match=r"ideal must have 2 coordinates"):
        figures.analogy_figure(np.zeros((4, 2)), list("abcd"), ideal=[1.0, 2, 3])


def _plane_figure(glove, n_components: int) -> tuple[dict, object]:
    from embspace.analogy_plane import analogy_plane

    plane = analogy_plane(
        glove,
        "man",
        "king",
        "woman",
        "queen",
        n_components=n_components,
        extra_keys=["prince", "r&b"],
        background_rows=np.arange(200),
    )
    n_extra = 2
    figure = figures.analogy_figure(
        plane.coords[:4],
        plane.keys[:4],
        ideal=plane.params["ideal"],
        others=plane.coords[4 : 4 + n_extra],
        other_keys=plane.keys[4 : 4 + n_extra],
        background=plane.coords[4 + n_extra :],
        background_keys=plane.keys[4 + n_extra :],
        titles=plane.params["axis_titles"],
        equal_scale=True,
    )
    return figure.to_dict(), plane


def test_analogy_plane_arrows_are_parallel_and_end_at_the_ideal_point(glove):
    figure, plane = _plane_figure(glove, 2)

    arrows = figure["layout"]["annotations"]
    offsets = [np.array([a["x"] - a["ax"], a["y"] - a["ay"]]) for a in arrows]
    assert_allclose(offsets[1], offsets[0], atol=1e-6)
    assert_allclose([arrows[1]["x"], arrows[1]["y"]], plane.params["ideal"])

    traces = {trace["name"]: trace for trace in figure["data"]}
    assert list(traces) == [
        "map",
        "other answers",
        "man → king",
        "woman → b − a + c",
        "gap",
        "queen (answer)",
    ]
    assert traces["woman → b − a + c"]["text"] == ["woman", "b − a + c"]
    assert traces["woman → b − a + c"]["marker"]["symbol"] == ["circle", "x"]
    assert traces["other answers"]["text"] == ["prince", "r&amp;b"]
    gap = np.column_stack([_values(traces["gap"]["x"]), _values(traces["gap"]["y"])])
    assert_allclose(gap, [plane.params["ideal"], plane.coords[3]], atol=1e-6)
    assert traces["gap"]["line"]["dash"] == "dot"


def test_analogy_plane_axes_are_titled_and_equally_scaled(glove):
    figure, _ = _plane_figure(glove, 2)
    layout = figure["layout"]

    assert layout["xaxis"]["title"]["text"] == "along king − man"
    assert layout["yaxis"]["title"]["text"] == "along woman − man (orthogonalised)"
    assert layout["yaxis"]["scaleanchor"] == "x"
    assert layout["yaxis"]["scaleratio"] == 1


def test_analogy_plane_in_3d_shows_the_residual_on_z(glove):
    figure, plane = _plane_figure(glove, 3)

    scene = figure["layout"]["scene"]
    assert scene["aspectmode"] == "data"
    assert scene["zaxis"]["title"]["text"] == "off the plane: queen − (b − a + c)"
    answer = next(t for t in figure["data"] if t["name"] == "queen (answer)")
    assert answer["type"] == "scatter3d"
    assert_allclose(_values(answer["z"]), plane.coords[3, 2])
    assert "annotations" not in figure["layout"]


def test_similarity_heatmap_matches_scikit_learn(glove):
    from sklearn.metrics.pairwise import cosine_similarity

    from embspace import queries

    keys = ["king", "queen", "banana", "<b>"]
    known = [k for k in keys if k in glove]
    matrix = queries.similarity_matrix(glove, known)

    trace = figures.similarity_heatmap(known, matrix).to_dict()["data"][0]

    expected = cosine_similarity(
        np.asarray(glove.vectors[[glove.index(k) for k in known]])
    )
    assert trace["type"] == "heatmap"
    assert_allclose(_values(trace["z"]), expected, atol=1e-5)
    assert (trace["zmin"], trace["zmax"]) == (-1, 1)
    assert trace["x"] == figures.escape_keys(known)


def test_similarity_heatmap_rejects_wrong_shape():
    with pytest.raises(ValueError, match=r"expected \(2, 2\) for 2 keys"):
        figures.similarity_heatmap(["a", "b"], np.zeros((3, 3)))


def test_axes_figure_places_keys_with_word_titles():
    coords = np.array([[0.1, -0.2], [0.3, 0.4]])

    figure = figures.axes_figure(
        coords, ["doctor", "nurse"], titles=("he − she", "rich − poor")
    ).to_dict()

    trace = figure["data"][0]
    assert trace["text"] == ["doctor", "nurse"]
    assert_allclose(_values(trace["x"]), coords[:, 0], rtol=1e-6)
    assert figure["layout"]["xaxis"]["title"]["text"] == "he − she"
    assert figure["layout"]["yaxis"]["title"]["text"] == "rich − poor"


def test_vector_strip_is_the_row_of_the_matrix(glove):
    row = np.asarray(glove.vector("king"))

    trace = figures.vector_strip(row, "king").to_dict()["data"][0]

    z = _values(trace["z"])
    assert trace["type"] == "heatmap"
    assert_allclose(np.ravel(z), row, rtol=1e-6)
    assert trace["y"] == ["E[king]"]
    assert trace["zmin"] == -trace["zmax"] == pytest.approx(-np.abs(row).max())


def test_vector_strip_rejects_a_matrix():
    with pytest.raises(ValueError, match="values must be a non-empty vector"):
        figures.vector_strip(np.zeros((2, 2)), "x")


def test_placeholder_has_the_map_height_and_an_escaped_message():
    layout = figures.placeholder_figure("<wait>").to_dict()["layout"]

    assert layout["height"] == figures.MAP_HEIGHT
    assert layout["annotations"][0]["text"] == "&lt;wait&gt;"
    assert layout["xaxis"]["visible"] is False


@pytest.mark.parametrize("dims", [2, 3])
def test_labels_point_away_from_their_group(dims):
    rng = np.random.default_rng(0)
    coords = rng.normal(size=(40, dims)).astype(np.float32)
    keys = [f"k{i}" for i in range(40)]
    highlight = [1, 2, 3, 4]
    figure = figures.map_figure(coords, keys, highlight=highlight).figure.to_dict()

    neighbours = next(t for t in figure["data"] if t["name"] == "neighbours")
    centre = coords[highlight, :2].mean(axis=0)
    for (dx, dy), where in zip(
        coords[highlight, :2] - centre, neighbours["textposition"], strict=True
    ):
        # Mostly to the right of the group: the label is on the right; etc.
        if abs(dx) > 2 * abs(dy):
            assert where.endswith("right" if dx > 0 else "left")
        if abs(dy) > 2 * abs(dx):
            assert where.startswith("top" if dy > 0 else "bottom")
    query = figures.map_figure(coords, keys, highlight=highlight, query=0).figure
    assert query.data[-1].name == "query"
    assert query.data[-1].textposition == "top center"


def test_3d_tick_numbers_are_hidden():
    coords = np.random.default_rng(0).normal(size=(40, 3)).astype(np.float32)
    keys = [f"k{i}" for i in range(40)]
    figure = figures.map_figure(coords, keys, highlight=[1, 2]).figure.to_dict()
    scene = figure["layout"]["scene"]
    assert [scene[a]["showticklabels"] for a in ("xaxis", "yaxis", "zaxis")] == [
        False
    ] * 3


def test_spread_labels_uses_eight_sides():
    angles = np.arange(8) * np.pi / 4
    coords = np.stack([np.cos(angles), np.sin(angles), np.zeros(8)], axis=1)

    where = figures.spread_labels(coords)
    assert len(set(where)) == 8
    assert where[0] == "middle right" and where[2] == "top center"
    assert figures.spread_labels(coords[:1]) == ["top center"]


def test_rows_after_the_background_are_drawn_only_when_highlighted():
    coords = np.arange(20, dtype=np.float32).reshape(10, 2)
    keys = [f"k{i}" for i in range(10)]
    indices = [0, 1, 2, 3, 4, 5, 6, 7, 500, 900]

    drawn = figures.map_figure(
        coords, keys, indices=indices, highlight=[1, 8], query=9, n_background=8
    )

    background, neighbours, query = drawn.figure.data
    assert list(background.customdata) == list(range(8))
    assert max(background.marker.color) == 7  # colour scale of the map alone
    assert list(neighbours.text) == ["k1", "k8"]
    assert list(query.customdata) == [900]
    assert drawn.n_total == 8
    with pytest.raises(ValueError, match=r"n_background=11 must lie in 0\.\.10"):
        figures.map_figure(coords, keys, n_background=11)
