"""Which rows a map shows and what can be projected: the awkward input cases.

The shared cases (tests/data/cases) are read by a tiny reader here, except
B27, which its generator writes and embspace.formats reads.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from numpy.testing import assert_array_equal

from embspace import projection, queries
from embspace.space import ALL_ZERO, ONE_VECTOR, Space

# -- helpers --------------------------------------------------------------------------


def read_case(path: Path) -> Space:
    """A tiny reader for the shared cases (not embspace.formats).

    ``.vec`` files have a ``count dim`` header and ``key v1 .. vd`` lines;
    ``.tsv`` files hold numbers only and get keys ``row1``, ``row2``, ...
    """
    lines = path.read_text(encoding="utf-8").splitlines()
    if path.suffix == ".tsv":
        vectors = np.array([[float(v) for v in line.split("\t")] for line in lines])
        keys = [f"row{i + 1}" for i in range(len(lines))]
        return Space(keys, vectors.reshape(len(lines), -1), name=path.name)

    n_dims = int(lines[0].split()[1])
    fields = [line.rstrip().split(" ") for line in lines[1:] if line.strip()]
    keys = [" ".join(f[:-n_dims]) for f in fields]
    vectors = np.array([[float(v) for v in f[-n_dims:]] for f in fields])
    return Space(keys, vectors.reshape(len(keys), n_dims), name=path.name)


def synthetic(n: int = 300, d: int = 8, seed: int = 0) -> Space:
    rng = np.random.default_rng(seed)
    keys = [f"w{i}" for i in range(n)]
    return Space(keys, rng.normal(size=(n, d)), name=f"synthetic-{seed}")


# -- choosing rows --------------------------------------------------------------------


def test_select_rows_adds_extra_keys_beyond_the_limit(glove):
    rows = projection.select_rows(
        glove, limit=100, extra_keys=["zygote", "King", "notawordxq", "the"]
    )

    expected = np.union1d(np.arange(100), [glove.index("zygote"), glove.index("king")])
    assert_array_equal(rows, expected)
    assert rows.dtype == np.int64

    fitted = projection.project(glove, limit=100, extra_keys=["zygote", "notawordxq"])
    assert "zygote" in fitted.keys
    assert any("'notawordxq'" in note for note in fitted.notes)


def test_select_rows_skips_nonfinite_rows_and_keeps_zero_rows():
    vectors = np.arange(1, 19, dtype=float).reshape(6, 3) ** 2
    vectors[1] = 0
    vectors[3, 2] = np.nan
    space = Space([f"k{i}" for i in range(6)], vectors)

    assert_array_equal(
        projection.select_rows(space, limit=4, sample="first"), [0, 1, 2, 4]
    )
    fitted = projection.project(space, limit=4, sample="first")
    assert_array_equal(fitted.indices, [0, 1, 2, 4])
    assert fitted.notes[-1].startswith("left out 1 row")
    assert "'k3' (vector 4, not finite)" in fitted.notes[-1]

    # UMAP and t-SNE by cosine need a direction: the zero row goes too.
    tsne = projection.project(space, method="tsne", limit=4, sample="first")
    assert_array_equal(tsne.indices, [0, 2, 4])
    left_out = next(note for note in tsne.notes if note.startswith("left out"))
    assert "'k1' (vector 2, all zeros)" in left_out
    assert "'k3' (vector 4, not finite)" in left_out
    by_distance = projection.project(
        space, method="tsne", metric="euclidean", limit=4, sample="first"
    )
    assert_array_equal(by_distance.indices, [0, 1, 2, 4])


def test_random_sample_spreads_over_the_whole_space():
    # B27: rare keys at the end must be reachable when the map samples.
    space = synthetic(n=1200, d=4)
    rows = projection.select_rows(space, limit=100, sample="random")
    again = projection.select_rows(space, limit=100, sample="random")

    assert rows.size == 100 and rows.max() >= 1000
    assert_array_equal(rows, again)
    fitted = projection.project(space, limit=100, sample="random")
    assert any("random sample of 100 of 1,200" in note for note in fitted.notes)


def test_even_sample_is_the_default_for_files_not_in_frequency_order():
    space = synthetic(n=1200, d=4)
    rows = projection.select_rows(space, limit=100)

    assert_array_equal(rows, projection.select_rows(space, limit=100, sample="even"))
    assert rows.size == 100 and rows[0] == 0 and rows[-1] == 1199
    assert np.ptp(np.diff(rows)) <= 1  # equal steps, up to rounding
    fitted = projection.project(space, limit=100, extra_keys=["w5"])
    assert "w5" in fitted.keys and len(fitted.keys) == 101
    assert "the map shows 100 of 1,200 rows, sampled evenly across the file" in (
        fitted.notes
    )


def test_a_space_in_frequency_order_keeps_its_first_rows():
    base = synthetic(n=1200, d=4)
    ranked = Space(base.keys, base.vectors, frequency_ordered=True)

    assert projection.sample_kind(ranked) == "first"
    assert_array_equal(projection.select_rows(ranked, limit=100), np.arange(100))
    fitted = projection.project(ranked, limit=100)
    assert "the map shows the 100 most frequent of 1,200 keys" in fitted.notes
    assert projection.sample_kind(base) == "even"
    first = projection.project(base, limit=100, sample="first")
    assert "the map shows the first 100 of 1,200 rows in row order" in first.notes


def test_built_in_glove_is_in_frequency_order(glove):
    assert glove.frequency_ordered
    assert_array_equal(projection.select_rows(glove, limit=50), np.arange(50))


@pytest.fixture(scope="module")
def b27(tmp_path_factory, cases_dir):
    """The B27 file written by its generator and read by embspace.formats."""
    from embspace import formats

    folder = tmp_path_factory.mktemp("b27")
    script = cases_dir / "B27_over_100k_points.gen.py"
    subprocess.run([sys.executable, str(script), str(folder / "b27")], check=True)
    result = formats.read(
        folder / "b27_vectors.tsv", metadata_path=folder / "b27_metadata.tsv"
    )
    return result.to_space(name="b27")


def test_b27_the_map_samples_the_whole_file_and_says_so(b27):
    from embspace import queries

    assert b27.n_keys == 120_000 and not b27.frequency_ordered
    fitted = projection.project(b27, method="pca", limit=50_000)

    assert len(fitted.keys) == 50_000
    rare = [key for key in fitted.keys if key.startswith("rare")]
    assert len(rare) > 8000 and fitted.keys[-1] == "rare119999"
    assert (
        "the map shows 50,000 of 120,000 rows, sampled evenly across the file"
        in fitted.notes
    )

    # Neighbours search every row, the rare tail included.
    result = queries.neighbors(b27, "rare119998", topn=5)
    assert len(result.results) == 5
    exact = b27.unit @ b27.unit[b27.index("rare119998")]
    exact[b27.index("rare119998")] = -2
    assert result.keys[0] == b27.keys[int(np.argmax(exact))]


def test_raw_coordinates_cap_a_large_3d_file():
    # B28 in small: already 3-D, more points than a browser should draw.
    space = synthetic(n=5000, d=3, seed=28)
    shown = projection.raw_coordinates(space, limit=1000)

    assert shown.method == "raw" and shown.n_components == 3
    assert shown.coords.shape == (1000, 3)
    assert_array_equal(shown.coords, space.vectors[shown.indices])
    assert "random sample of 1,000 of 5,000 rows" in shown.notes[0]


# -- awkward files from ../shared/cases -----------------------------------------------


def test_b16_all_zero_has_no_variance_and_never_hangs(cases_dir):
    space = read_case(cases_dir / "B16_all_zero.vec")

    available = projection.availability(space)
    assert set(available) == {"pca", "umap", "tsne", "raw", "2d", "3d"}
    assert set(available.values()) == {ALL_ZERO}
    assert queries.neighbours_blocker(space) == ALL_ZERO  # the same words
    for method in projection.METHODS:
        with pytest.raises(ValueError, match="^every vector is zero, so the data"):
            projection.project(space, method=method)


def test_identical_points_have_no_variance():
    space = Space(["a", "b", "c"], np.ones((3, 4)))
    assert "no variance" in projection.availability(space)["pca"]
    with pytest.raises(ValueError, match="no variance: all 3 points are identical"):
        projection.project(space, method="umap")


def test_b17_zero_row_is_left_out_of_cosine_maps_only(cases_dir):
    space = read_case(cases_dir / "B17_one_zero_vector.vec")

    for method in ("umap", "tsne"):
        fitted = projection.project(space, method=method)
        assert fitted.keys == ["red", "orange", "blue", "green"]
        assert np.isfinite(fitted.coords).all()
        assert any("'blank' (vector 4, all zeros)" in n for n in fitted.notes)

    # PCA and raw coordinates place the zero row at the origin of the data.
    for method in ("pca", "raw"):
        fitted = projection.project(space, method=method)
        assert fitted.keys == ["red", "orange", "blue", "blank", "green"]
        assert not any("blank" in note for note in fitted.notes)


def test_b18_nan_and_inf_rows_are_left_out_and_named(cases_dir):
    space = read_case(cases_dir / "B18_nan_inf.vec")

    assert all(reason is None for reason in projection.availability(space).values())
    for method in projection.METHODS:
        fitted = projection.project(space, method=method, extra_keys=["moon"])
        assert fitted.keys == ["sun", "sky", "rain", "snow"]
        assert np.isfinite(fitted.coords).all()
        note = next(n for n in fitted.notes if n.startswith("left out 2 rows"))
        assert "'moon' (vector 2, not finite)" in note
        assert "'star' (vector 3, not finite)" in note


def test_b21_single_point_disables_everything(cases_dir):
    space = read_case(cases_dir / "B21_single_point.vec")

    available = projection.availability(space)
    assert set(available.values()) == {ONE_VECTOR}
    assert queries.neighbours_blocker(space) == ONE_VECTOR  # the same words
    for method in projection.METHODS:
        with pytest.raises(ValueError, match="^the data has only 1 vector"):
            projection.project(space, method=method)


def test_b22_two_points_cap_components(cases_dir):
    space = read_case(cases_dir / "B22_two_points.vec")

    available = projection.availability(space)
    assert available["pca"] is None and available["tsne"] is None
    assert "at least 3 points; there are 2" in available["3d"]
    assert "UMAP needs at least 3 points" in available["umap"]

    fitted = projection.project(space, method="pca", n_components=3)
    assert fitted.n_components == 2 and fitted.coords.shape == (2, 2)
    assert any("lowered from 3 to 2" in note for note in fitted.notes)
    with pytest.raises(ValueError, match="UMAP needs at least 3 points"):
        projection.project(space, method="umap")

    tsne = projection.project(space, method="tsne", n_components=3)
    assert tsne.coords.shape == (2, 2) and tsne.params["perplexity"] < 2


def test_b23_low_dimensional_data_offers_raw_coordinates(cases_dir):
    two = read_case(cases_dir / "B23_two_dims.tsv")
    one = read_case(cases_dir / "B23_one_dim.tsv")

    available = projection.availability(two)
    assert available["3d"] == "the data has only 2 dimensions"
    assert available["raw"] is None and available["2d"] is None
    assert projection.default_method(two) == "raw"
    shown = projection.raw_coordinates(two)
    assert shown.n_components == 2
    assert_array_equal(shown.coords, [[0, 0], [1, 0], [0, 1], [1, 1]])

    # The raw view of the map keeps the valid (0, 0) row.
    raw = projection.project(two, method="raw", n_components=3)
    assert raw.keys == ["row1", "row2", "row3", "row4"]
    assert_array_equal(raw.coords, [[0, 0], [1, 0], [0, 1], [1, 1]])
    assert any("lowered from 3 to 2" in note for note in raw.notes)

    available = projection.availability(one)
    assert available["raw"] is None and available["2d"] is None
    for name in ("pca", "umap", "tsne", "3d"):
        assert "only 1 dimension" in available[name]
    assert projection.default_method(one) == "raw"
    strip = projection.raw_coordinates(one)
    assert strip.coords.shape == (4, 1) and strip.keys[0] == "row1"
    drawn = projection.project(one, method="raw")
    assert drawn.method == "strip" and drawn.params["strip"]
    assert drawn.n_components == 2
    assert_array_equal(drawn.coords, [[0, 0], [0.5, 0], [1, 0], [1.5, 0]])
    assert "the data has 1 dimension: its values lie along x" in drawn.notes
    with pytest.raises(ValueError, match="only 1 dimension"):
        projection.project(one, method="pca")
    assert projection.default_method(synthetic(d=3)) == "pca"
    with pytest.raises(ValueError, match="at most 3 dimensions; the data has 5"):
        projection.raw_coordinates(read_case(cases_dir / "B25_ten_points.tsv"))


def test_b25_perplexity_and_neighbours_stay_below_n(cases_dir):
    space = read_case(cases_dir / "B25_ten_points.tsv")

    tsne = projection.project(space, method="tsne")
    assert 0 < tsne.params["perplexity"] < 10
    assert any("perplexity lowered from 30" in note for note in tsne.notes)
    assert np.isfinite(tsne.coords).all()

    umap = projection.project(space, method="umap", n_components=3)
    assert umap.params["n_neighbors"] == 9 and umap.coords.shape == (10, 3)
    assert any("n_neighbors lowered from 15 to 9" in n for n in umap.notes)
