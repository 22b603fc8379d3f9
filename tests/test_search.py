"""What blocks a search, and the awkward input cases (tests/data/cases).

Zero rows are left out of cosine results only; non-finite rows of all.
"""

from __future__ import annotations

import numpy as np
import pytest

from embspace import queries
from embspace.space import ALL_ZERO, ONE_VECTOR, Space


def read_vec(path) -> Space:
    """A tiny ``.vec`` reader for the cases (header ``count dim``)."""
    lines = path.read_text(encoding="utf-8").splitlines()
    n_dims = int(lines[0].split()[1])
    fields = [line.split(" ") for line in lines[1:] if line.strip()]
    vectors = np.array([[float(v) for v in f[-n_dims:]] for f in fields])
    keys = [" ".join(f[:-n_dims]) for f in fields]
    return Space(keys, vectors.reshape(len(keys), n_dims), name=path.name)


def test_b16_all_zero_blocks_neighbours_with_the_shared_reason(cases_dir):

    space = read_vec(cases_dir / "B16_all_zero.vec")

    for metric in queries.METRICS:
        assert queries.neighbours_blocker(space, metric) == ALL_ZERO
    assert "no variance" in ALL_ZERO and "undefined" in ALL_ZERO


def test_b17_zero_row_is_flagged_and_left_out_of_cosine_only(cases_dir):
    space = read_vec(cases_dir / "B17_one_zero_vector.vec")

    assert space.validity.zero.tolist() == [3]
    assert all(queries.neighbours_blocker(space, m) is None for m in queries.METRICS)
    cosine = queries.neighbors(space, "red", topn=10)
    assert cosine.keys == ["orange", "green", "blue"]
    for metric in ("euclidean", "dot"):
        result = queries.neighbors(space, "red", topn=10, metric=metric)
        assert "blank" in result.keys and len(result.results) == 4
        assert np.isfinite([n.score for n in result.results]).all()


def test_b18_nonfinite_rows_never_rank(cases_dir):
    space = read_vec(cases_dir / "B18_nan_inf.vec")

    for metric in queries.METRICS:
        result = queries.neighbors(space, "sun", topn=10, metric=metric)
        assert result.keys and {"moon", "star"}.isdisjoint(result.keys)
        assert np.isfinite([n.score for n in result.results]).all()


def test_b21_single_point_blocks_neighbours(cases_dir):

    space = read_vec(cases_dir / "B21_single_point.vec")

    assert queries.neighbours_blocker(space) == ONE_VECTOR
    assert queries.neighbours_blocker(space, "euclidean") == ONE_VECTOR
    assert queries.neighbors(space, "only").results == ()


def test_neighbours_blocker_counts_usable_rows():
    vectors = np.array([[0, 0], [1, 2], [np.nan, 1]], dtype=np.float32)
    space = Space(["zero", "one", "nan"], vectors)

    assert queries.neighbours_blocker(space) == (
        "only 1 of 3 vectors are finite and non-zero; cosine neighbours need at least 2"
    )
    assert queries.neighbours_blocker(space, "euclidean") is None
    with pytest.raises(ValueError, match="metric='l1' is not one of"):
        queries.neighbours_blocker(space, "l1")
