"""Search, selections, positions and colourings of map points."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest

from embspace import selection
from embspace.selection import search_keys
from embspace.space import Space


def test_substring_search_ignores_case_like_a_plain_scan(glove):
    keys = glove.keys[:20_000]

    found = search_keys(keys, "Land")

    expected = [i for i, key in enumerate(keys) if "land" in key.lower()]
    assert list(found.positions) == expected
    assert found.notes == ()


def test_regex_search_matches_pythons_re(glove):
    keys = glove.keys[:20_000]

    found = search_keys(keys, r"^un.*able$", regex=True)

    expected = [i for i, key in enumerate(keys) if re.search(r"^un.*able$", key)]
    assert list(found.positions) == expected
    assert expected  # GloVe has such keys


def test_matches_and_scanned_keys_are_capped_with_notes(glove):
    keys = glove.keys[:10_000]

    found = search_keys(keys, "e", max_scan=5000, max_matches=100)

    assert (
        list(found.positions)
        == [i for i, key in enumerate(keys[:5000]) if "e" in key][:100]
    )
    assert any("first 100 of" in note for note in found.notes)
    assert any("first 5,000 of 10,000 keys" in note for note in found.notes)


def test_runaway_regex_stops_at_its_time_budget():
    keys = ["a" * 40 + "!"] * 50

    found = search_keys(keys, r"^(a|aa)+$", regex=True, timeout=0.05)

    assert found.positions == ()
    assert len(found.notes) == 1
    assert re.match(r"the regular expression took more than 0.05 s", found.notes[0])


@pytest.mark.parametrize(
    ("pattern", "regex", "message"),
    [
        ("x" * 201, False, "201 characters long; at most 200"),
        ("([", True, "not a valid regular expression"),
        ("a{2,1}", True, "not a valid regular expression"),
    ],
)
def test_bad_patterns_are_refused_in_one_line(pattern, regex, message):
    with pytest.raises(ValueError, match=re.escape(message)):
        search_keys(["a"], pattern, regex=regex)


def test_empty_pattern_matches_nothing():
    assert search_keys(["a", "b"], "").positions == ()


def test_selected_rows_read_customdata_in_order():
    points = [
        {"customdata": 7, "x": 1.0},
        {"customdata": [3], "x": 2.0},
        {"customdata": 7.0},
        {"x": 4.0},
        {"customdata": True},
        {"customdata": "5"},
        "not a point",
        {"customdata": np.int64(11)},
    ]

    assert selection.selected_rows(points) == [7, 3, 11]


def test_positions_of_finds_rows_like_a_dictionary():
    rng = np.random.default_rng(0)
    indices = rng.permutation(1000)[:300]
    rows = rng.integers(0, 1000, 200).tolist()

    where = {int(row): position for position, row in enumerate(indices)}
    expected = [where.get(row, -1) for row in rows]
    assert selection.positions_of(indices, rows) == expected
    assert selection.positions_of(np.array([], dtype=np.int64), [1, 2]) == [-1, -1]


@pytest.fixture()
def labelled_space() -> Space:
    vectors = np.arange(12, dtype="f4").reshape(4, 3)
    metadata = pd.DataFrame(
        {"pos": ["noun", "verb", "noun", "adj"], "count": [5, 3, 2, 1]}
    )
    return Space(["a", "b", "c", "d"], vectors, metadata=metadata)


def test_color_options_and_values(labelled_space):
    assert selection.color_options(labelled_space) == ["", "norm", "pos", "count"]

    rows = np.array([3, 0, 2])
    # Not in frequency order: the default colouring is the row of the file.
    assert not labelled_space.frequency_ordered
    assert selection.color_values(labelled_space, rows, "") == (None, "row in the file")
    values, title = selection.color_values(labelled_space, rows, "norm")
    np.testing.assert_allclose(
        values, np.linalg.norm(labelled_space.vectors[rows], axis=1), rtol=1e-6
    )
    assert title == "vector norm"

    values, title = selection.color_values(labelled_space, rows, "count")
    assert values.tolist() == [1.0, 5.0, 2.0] and title == "count"
    values, title = selection.color_values(labelled_space, rows, "pos")
    assert values.tolist() == [0.0, 1.0, 1.0] and title == "pos (category)"


def test_unknown_colouring_is_a_key_error(labelled_space):
    with pytest.raises(KeyError, match="color_by='size' is not available"):
        selection.color_values(labelled_space, np.array([0]), "size")


def test_first_valid_key_skips_zero_and_nonfinite_rows():
    vectors = np.array([[0, 0], [np.nan, 1], [np.inf, 0], [3, 4]], np.float32)
    space = Space(["zero", "nan", "inf", "ok"], vectors)

    assert selection.first_valid_key(space) == "ok"
    assert selection.first_valid_key(Space(["z"], np.zeros((1, 2)))) is None


# -- filtering by a metadata column ----------------------------------------------


@pytest.fixture
def tagged() -> Space:
    rng = np.random.default_rng(3)
    metadata = pd.DataFrame(
        {
            "genre": ["rock", "pop", "rock", "jazz", "pop", "rock"],
            "year": [1990, 2001, 1985, 2010, 1999, np.nan],
        }
    )
    keys = [f"k{i}" for i in range(6)]
    return Space(keys, rng.normal(size=(6, 3)), metadata=metadata)


def test_filter_mask_matches_pandas(tagged):
    from embspace import map_filter as mf

    indices = np.array([5, 0, 3, 1])
    kept = mf.filter_mask(tagged, indices, mf.MapFilter("genre", values=("rock",)))
    in_range = mf.filter_mask(
        tagged, indices, mf.MapFilter("year", low=1990, high=2005)
    )

    frame = tagged.metadata.iloc[indices]
    assert kept.tolist() == (frame["genre"] == "rock").tolist()
    assert in_range.tolist() == frame["year"].between(1990, 2005).tolist()
    assert mf.filter_mask(tagged, indices, None).all()
    assert mf.filter_mask(tagged, indices, mf.MapFilter("genre")).all()


def test_filter_columns_kinds_values_and_range(tagged):
    from embspace import map_filter as mf

    assert mf.filter_options(tagged) == ["genre", "year"]
    assert not mf.is_numeric_column(tagged, "genre")
    assert mf.is_numeric_column(tagged, "year")
    assert mf.column_values(tagged, "genre") == ["rock", "pop", "jazz"]
    assert mf.column_range(tagged, "year") == (1985.0, 2010.0)
    with pytest.raises(KeyError, match="filter column 'nope' is not a metadata"):
        mf.filter_mask(tagged, np.arange(6), mf.MapFilter("nope", values=("a",)))


@pytest.mark.parametrize(
    "value", [None, ("a:b,c%", ("x,y", "50%", "p:q")), ("genre", ())]
)
def test_filter_text_round_trips(value):
    from embspace import map_filter as mf

    if value is None:
        assert mf.encode_filter(None) == "" and mf.parse_filter("") is None
        return
    column, values = value
    for original in (
        mf.MapFilter(column, values=values),
        mf.MapFilter(column, low=-1.5, high=2e9),
    ):
        text = mf.encode_filter(original)
        assert mf.parse_filter(text) == original


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("genre=rock", "is not 'in:COLUMN:VALUES'"),
        ("range:year:1,x", "two numbers"),
        ("range:year:5,1", "LO <= HI"),
        ("range:year:nan,1", "finite"),
        ("in::a", "is not 'in:COLUMN:VALUES'"),
        ("in:a:" + "x" * 4000, "at most 4000"),
    ],
)
def test_bad_filter_text_is_refused(text, message):
    from embspace import map_filter as mf

    with pytest.raises(ValueError, match=re.escape(message)):
        mf.parse_filter(text)


@pytest.mark.parametrize("dims", [2, 3])
def test_grey_out_moves_left_out_points_beneath(tagged, dims):
    from embspace import figures
    from embspace import map_filter as mf

    coords = np.random.default_rng(0).normal(size=(6, dims))
    drawn = figures.map_figure(coords, tagged.keys, indices=np.arange(6))
    keep = mf.filter_mask(tagged, np.arange(6), mf.MapFilter("genre", values=("pop",)))

    assert mf.grey_out(drawn.figure, keep) == 2

    grey, coloured = drawn.figure.data[0], drawn.figure.data[1]
    assert grey.name == "filtered out" and grey.marker.color == mf.FILTER_COLOR
    assert list(coloured.customdata) == [1, 4]
    assert list(grey.customdata) == [0, 2, 3, 5]
    assert list(coloured.marker.color) == [1, 4]
    np.testing.assert_allclose(np.asarray(coloured.x, float), coords[[1, 4], 0])


def test_numbers_read_as_text_count_as_numeric():
    from embspace import map_filter as mf

    metadata = pd.DataFrame({"year": ["1990", " 2001", "", "1985"], "t": list("abcd")})
    space = Space(list("wxyz"), np.eye(4), metadata=metadata)

    assert mf.is_numeric_column(space, "year")
    assert not mf.is_numeric_column(space, "t")
    assert mf.column_range(space, "year") == (1985.0, 2001.0)
    kept = mf.filter_mask(
        space, np.arange(4), mf.MapFilter("year", low=1989, high=2001)
    )
    assert kept.tolist() == [True, True, False, False]
    values, title = selection.color_values(space, np.arange(4), "year")
    np.testing.assert_array_equal(values, [1990, 2001, np.nan, 1985])
    assert title == "year"
