"""The vector space: arrays, validity masks, key lookups and suggestions."""

from __future__ import annotations

import numpy as np
import pytest
from numpy.testing import assert_allclose

from embspace.space import Space, UnknownKeyError, fingerprint_arrays


@pytest.fixture()
def small() -> Space:
    """Six keys; ``zero`` is all zeros, ``nan`` and ``inf`` are non-finite."""
    rng = np.random.default_rng(0)
    vectors = rng.normal(size=(6, 4))
    vectors[3] = 0
    vectors[4, 2] = np.nan
    vectors[5, 0] = -np.inf
    keys = ["apple", "Apple", "pear", "zero", "nan", "inf"]
    return Space(keys, vectors, name="fruit")


# -- arrays -----------------------------------------------------------------------


def test_vectors_are_read_only_c_ordered_float32(small):
    assert small.vectors.dtype == np.float32
    assert small.vectors.flags.c_contiguous
    with pytest.raises(ValueError, match="read-only"):
        small.vectors[0, 0] = 1


def test_a_fortran_ordered_matrix_is_stored_in_rows(glove):
    # GloVe ships as a Fortran-ordered .npy; rows must be contiguous so that
    # norms and dot products sum in gensim's order.
    assert glove.vectors.flags.c_contiguous
    assert glove.vectors.shape == (400_000, 50)


def test_the_callers_array_is_left_alone():
    vectors = np.ones((3, 2), dtype=np.float32)

    space = Space(["a", "b", "c"], vectors)

    assert vectors.flags.writeable
    vectors[0, 0] = 5
    assert space.vectors.flags.writeable is False


@pytest.mark.parametrize(
    "keys, vectors, message",
    [
        (["a"], np.ones(3), r"vectors must be a 2-D matrix; got shape \(3,\)"),
        (["a", "b"], np.ones((3, 2)), "2 keys for 3 vectors; there must be one key"),
    ],
)
def test_bad_shapes(keys, vectors, message):
    with pytest.raises(ValueError, match=message):
        Space(keys, vectors)


def test_norms_unit_rows_and_validity(small):
    finite = small.vectors[:3]

    assert_allclose(small.norms[:3], np.linalg.norm(finite, axis=1), rtol=1e-6)
    assert small.norms[3] == 0
    assert not np.isfinite(small.norms[4:]).any()
    assert small.valid.tolist() == [True, True, True, False, False, False]
    assert small.validity.zero.tolist() == [3]
    assert small.validity.nonfinite.tolist() == [4, 5]
    assert small.validity.n_invalid == 3

    assert_allclose(np.linalg.norm(small.unit[:3], axis=1), 1, rtol=1e-6)
    assert (small.unit[3:] == 0).all()
    for array in (small.norms, small.valid, small.unit):
        assert not array.flags.writeable


def test_describe_counts_problem_rows(small):
    described = small.describe()

    assert described["n_keys"] == 6 and described["n_dims"] == 4
    assert described["zero_rows"] == 1
    assert described["nonfinite_rows"] == 2


def test_glove_has_no_invalid_rows_and_unit_rows(glove):
    assert glove.validity.n_invalid == 0
    assert_allclose(np.linalg.norm(glove.unit[::997], axis=1), 1, rtol=1e-5)


def test_norms_equal_gensims(glove, glove_kv):
    assert np.array_equal(glove.norms, glove_kv.norms)


# -- fingerprint ---------------------------------------------------------------------


def test_fingerprint_follows_the_content(small):
    same = Space(list(small.keys), np.array(small.vectors))
    changed = np.array(small.vectors)
    changed[0, 0] += 1
    renamed = ["apples", *small.keys[1:]]

    assert same.fingerprint == small.fingerprint
    assert Space(small.keys, changed).fingerprint != small.fingerprint
    assert Space(renamed, small.vectors).fingerprint != small.fingerprint
    assert small.fingerprint == fingerprint_arrays(small.keys, small.vectors)


def test_fingerprint_ignores_memory_order():
    vectors = np.arange(12, dtype=np.float32).reshape(4, 3)
    keys = list("abcd")

    assert Space(keys, np.asfortranarray(vectors)).fingerprint == (
        Space(keys, vectors).fingerprint
    )


# -- lookups -------------------------------------------------------------------------


def test_resolve_exact_keys(small):
    assert small.resolve("Apple").index == 1
    assert small.resolve("apple").note is None
    assert small.index("pear") == 2
    assert_allclose(small.vector("pear"), small.vectors[2])
    assert "pear" in small and "PEAR" not in small and 3 not in small


@pytest.mark.parametrize(
    "typed, key, note",
    [
        ("PEAR", "pear", "'PEAR' is not in fruit; using 'pear'"),
        (" pear ", "pear", "' pear ' is not in fruit; using 'pear'"),
        ("APPLE", "apple", "'APPLE' is not in fruit; using 'apple'"),
    ],
)
def test_resolve_falls_back_to_another_case_with_a_note(small, typed, key, note):
    resolved = small.resolve(typed)

    assert resolved.key == key
    assert resolved.note == note


def test_a_capitalised_glove_key_resolves_to_lower_case(glove):
    resolved = glove.resolve("King")

    assert resolved.key == "king"
    assert resolved.index == glove.keys.index("king")
    assert resolved.note == "'King' is not in glove-6b-50d; using 'king'"


def test_unknown_key_lists_the_closest_keys(glove):
    with pytest.raises(
        UnknownKeyError, match="unknown key 'kingg'; closest: king, kings"
    ):
        glove.resolve("kingg")


def test_unknown_key_error_is_a_key_error_with_suggestions(glove):
    with pytest.raises(
        KeyError, match=r"^unknown key 'Pariss'; closest: paris\b"
    ) as info:
        glove.resolve("Pariss")

    assert info.value.key == "Pariss"
    assert info.value.suggestions[0] == "paris"
    assert len(info.value.suggestions) <= 3


def test_unknown_key_without_a_close_key_has_no_suggestion(small):
    with pytest.raises(UnknownKeyError, match=r"^unknown key 'xyzzyq'$"):
        small.resolve("xyzzyq")


def test_suggestions_are_ordered_by_distance_then_frequency(glove):
    suggestions = glove.suggest("housse", limit=3)

    assert suggestions[0] == "house"
    distances = [_levenshtein("housse", key) for key in suggestions]
    assert distances == sorted(distances)


def _levenshtein(a: str, b: str) -> int:
    from rapidfuzz.distance import Levenshtein

    return Levenshtein.distance(a, b)


def test_suggestions_keep_the_stored_case(small):
    assert small.suggest("Appel") == ["apple", "Apple"]


@pytest.mark.parametrize("key", [None, 3, b"apple"])
def test_resolve_needs_a_string(small, key):
    with pytest.raises(TypeError, match="key must be a string; got"):
        small.resolve(key)


def test_lower_to_index_prefers_the_most_frequent_row(small):
    assert small.lower_to_index["apple"] == 0
    assert small.lower_keys == [key.lower() for key in small.keys]


def test_finite_mask_keeps_zero_rows_and_all_zero_is_flagged():
    vectors = np.array([[0, 0], [1, np.nan], [2, 3]], dtype=np.float32)
    space = Space(["zero", "nan", "fine"], vectors)

    assert space.finite.tolist() == [True, False, True]
    assert space.valid.tolist() == [False, False, True]
    assert not space.finite.flags.writeable
    assert not space.all_zero
    assert Space(["a", "b"], np.zeros((2, 3))).all_zero


def test_only_built_in_data_is_in_frequency_order(glove, small):
    assert glove.frequency_ordered
    assert not small.frequency_ordered
    assert Space(["a"], np.ones((1, 2)), frequency_ordered=True).frequency_ordered
