"""The analogy plane: numpy's QR and gensim's unit vectors are the oracles."""

from __future__ import annotations

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal

from embspace.analogy_plane import analogy_plane
from embspace.examples import ANALOGIES
from embspace.space import Space, UnknownKeyError

EXAMPLES = ANALOGIES


def gensim_answer(glove_kv, a: str, b: str, c: str) -> list[str]:
    found = glove_kv.most_similar(positive=[b, c], negative=[a], topn=5)
    return [key for key, _ in found]


def qr_axes(units: np.ndarray) -> np.ndarray:
    """Orthonormal axes of the columns' span, signed to follow the columns."""
    q, r = np.linalg.qr(units)
    return (q * np.sign(np.diag(r))).T


def unit(glove_kv, key: str) -> np.ndarray:
    return glove_kv.get_vector(key, norm=True).astype(np.float64)


@pytest.mark.parametrize(("a", "b", "c"), EXAMPLES)
def test_offsets_are_parallel_in_the_plane(glove, glove_kv, a, b, c):
    answer = gensim_answer(glove_kv, a, b, c)[0]

    plane = analogy_plane(glove, a, b, c, answer)

    coords = plane.coords.astype(np.float64)
    ideal = np.asarray(plane.params["ideal"])
    first, second = coords[1] - coords[0], ideal - coords[2]
    assert_allclose(second, first, atol=1e-6)
    cross = first[0] * second[1] - first[1] * second[0]
    assert abs(cross) < 1e-6 * np.linalg.norm(first) * np.linalg.norm(second)
    assert_allclose(coords[0], [0, 0], atol=1e-7)
    assert abs(coords[1, 1]) < 1e-6 and coords[1, 0] > 0


@pytest.mark.parametrize(("a", "b", "c"), EXAMPLES)
def test_coordinates_equal_a_direct_numpy_computation(glove, glove_kv, a, b, c):
    answers = gensim_answer(glove_kv, a, b, c)
    background = np.arange(300)

    plane = analogy_plane(
        glove,
        a,
        b,
        c,
        answers[0],
        n_components=3,
        extra_keys=answers[1:],
        background_rows=background,
    )

    # QR of [b - a, c - a, residual] is Gram-Schmidt up to the signs.
    origin = unit(glove_kv, a)
    ideal = unit(glove_kv, b) - origin + unit(glove_kv, c)
    columns = np.stack(
        [
            unit(glove_kv, b) - origin,
            unit(glove_kv, c) - origin,
            unit(glove_kv, answers[0]) - ideal,
        ],
        axis=1,
    )
    axes = qr_axes(columns)
    vectors = np.stack([unit(glove_kv, key) for key in plane.keys])
    assert_allclose(plane.coords, (vectors - origin) @ axes.T, atol=1e-5)
    assert_allclose(plane.params["ideal"], (ideal - origin) @ axes.T, atol=1e-6)
    distance = np.linalg.norm(unit(glove_kv, answers[0]) - ideal)
    assert plane.params["answer_distance"] == pytest.approx(distance, rel=1e-6)


def test_rows_are_the_four_keys_then_new_extras_then_background(glove, glove_kv):
    answers = gensim_answer(glove_kv, "man", "king", "woman")
    king, prince = glove.index("king"), glove.index(answers[2])

    plane = analogy_plane(
        glove,
        "man",
        "king",
        "woman",
        answers[0],
        extra_keys=[answers[2], "king", answers[2]],
        background_rows=[prince, 7, king, 7, 3],
    )

    expected = ["man", "king", "woman", answers[0], answers[2]]
    expected += [glove.keys[7], glove.keys[3]]
    assert plane.keys == expected
    assert_array_equal(plane.indices, [glove.index(key) for key in expected])
    assert plane.method == "analogy-plane" and plane.n_components == 2
    assert not plane.coords.flags.writeable and not plane.indices.flags.writeable


def test_axis_titles_say_what_the_axes_are(glove):
    plane = analogy_plane(glove, "man", "king", "woman", "queen", n_components=3)

    assert plane.params["axis_titles"] == [
        "along king − man",
        "along woman − man (orthogonalised)",
        "off the plane: queen − (b − a + c)",
    ]
    assert [plane.params[n] for n in ("a", "b", "c", "answer")] == [
        "man",
        "king",
        "woman",
        "queen",
    ]


def test_third_axis_holds_what_the_plane_leaves_out(glove, glove_kv):
    plane = analogy_plane(glove, "man", "king", "woman", "queen", n_components=3)

    coords = plane.coords.astype(np.float64)
    assert_allclose(coords[:3, 2], 0, atol=1e-6)
    assert abs(plane.params["ideal"][2]) < 1e-6
    assert coords[3, 2] > 0
    full = np.hypot(plane.params["plane_distance"], coords[3, 2])
    assert full == pytest.approx(plane.params["answer_distance"], rel=1e-5)
    flat = analogy_plane(glove, "man", "king", "woman", "queen")
    assert_allclose(flat.coords, plane.coords[:, :2])


def test_case_fallback_is_noted(glove):
    plane = analogy_plane(glove, "Man", "KING", "woman", "queen")

    assert plane.keys[:2] == ["man", "king"]
    assert "'KING' is not in" in " ".join(plane.notes)


def test_unknown_keys_raise_unknown_key_error(glove):
    with pytest.raises(UnknownKeyError, match="unknown key 'kingg'; closest:"):
        analogy_plane(glove, "man", "kingg", "woman", "queen")
    with pytest.raises(UnknownKeyError, match="unknown key 'qeeun'"):
        analogy_plane(glove, "man", "king", "woman", "queen", extra_keys=["qeeun"])


def test_same_a_and_b_has_no_direction(glove):
    with pytest.raises(ValueError, match="b - a is zero for a='man', b='man'"):
        analogy_plane(glove, "man", "man", "woman", "queen")


def test_c_in_the_direction_of_a_or_b_spans_no_plane(glove):
    with pytest.raises(ValueError, match="c - a is parallel to b - a"):
        analogy_plane(glove, "man", "king", "man", "queen")

    # A key whose vector is a multiple of b's: same unit vector, other key.
    vectors = np.array([[1, 0, 0], [0, 1, 0], [0, 3, 0], [1, 1, 1]])
    space = Space(["a", "b", "b3", "d"], vectors, name="toy")
    with pytest.raises(ValueError, match="c='b3': the analogy spans no plane"):
        analogy_plane(space, "a", "b", "b3", "d")


def test_zero_vectors_are_refused_or_left_out():
    vectors = np.array([[1, 0, 0], [0, 1, 0], [0, 0, 1], [1, 1, 1], [0, 0, 0]])
    space = Space(["a", "b", "c", "d", "zero"], vectors, name="toy")

    with pytest.raises(ValueError, match="answer='zero' has a zero or non-finite"):
        analogy_plane(space, "a", "b", "c", "zero")
    plane = analogy_plane(space, "a", "b", "c", "d", background_rows=[4, 3])
    assert plane.keys == ["a", "b", "c", "d"]
    assert plane.notes == ("left out 1 row with a zero or non-finite vector: 'zero'",)


def test_answer_in_the_plane_gives_zero_z_with_a_note():
    # d = a + 2/3 (b - a) + 2/3 (c - a) is a unit vector in the plane.
    vectors = np.array([[3, 0, 0], [0, 3, 0], [0, 0, 3], [-1, 2, 2]]) / 3
    space = Space(["a", "b", "c", "d"], vectors, name="toy")

    plane = analogy_plane(space, "a", "b", "c", "d", n_components=3)

    assert_allclose(plane.coords[:, 2], 0)
    assert plane.notes == (
        "the answer lies in the plane of the analogy; every z is zero",
    )


def test_bad_arguments_name_the_parameter(glove):
    with pytest.raises(ValueError, match="n_components=4 must be 2 or 3"):
        analogy_plane(glove, "man", "king", "woman", "queen", n_components=4)
    with pytest.raises(TypeError, match="extra_keys must be a sequence of keys"):
        analogy_plane(glove, "man", "king", "woman", "queen", extra_keys="prince")
    with pytest.raises(ValueError, match=r"background_rows must lie in 0\.\.399999"):
        analogy_plane(glove, "man", "king", "woman", "queen", background_rows=[400_000])
