"""Parsing expressions such as ``king - man + woman``; never evaluated."""

from __future__ import annotations

import numpy as np
import pytest
from numpy.testing import assert_allclose

from embspace import queries
from embspace.space import Space


@pytest.mark.parametrize(
    "text, positive, negative",
    [
        ("king - man + woman", ["king", "woman"], ["man"]),
        ("king-man+woman", ["king", "woman"], ["man"]),
        ("king", ["king"], []),
        ("- king", [], ["king"]),
        ("e-mail - letter", ["e-mail"], ["letter"]),
        ("e-mail", ["e-mail"], []),
        ("new-york + paris", ["new-york", "paris"], []),
        ("  a  +  b  ", ["a", "b"], []),
    ],
)
def test_parse_expression(text, positive, negative):
    space = Space(["e-mail", "new-york", "a", "b"], np.eye(4, dtype=np.float32))

    assert queries.parse_expression(text, space) == (positive, negative)


def test_parse_expression_without_a_space_splits_hyphens():
    assert queries.parse_expression("e-mail") == (["e"], ["mail"])


def test_parse_expression_never_evaluates_code():
    text = "__import__('os').system('true')"

    positive, negative = queries.parse_expression(text)

    assert positive == [text] and negative == []


@pytest.mark.parametrize(
    "text, positive, negative",
    [
        ("king \u2212 man + woman", ["king", "woman"], ["man"]),
        ("king \u2013 man + woman", ["king", "woman"], ["man"]),
        ("king\u2212man+woman", ["king", "woman"], ["man"]),
        ("e-mail \u2212 letter", ["e-mail"], ["letter"]),
        ("\u2212 king", [], ["king"]),
    ],
)
def test_parse_expression_takes_the_minus_sign_and_en_dash(text, positive, negative):
    space = Space(["e-mail", "letter", "king"], np.eye(3, dtype=np.float32))

    assert queries.parse_expression(text, space) == (positive, negative)


def test_expression_with_a_minus_sign_matches_gensim(glove, glove_kv):
    result = queries.expression(glove, "king \u2212 man + woman", topn=5)

    expected = glove_kv.most_similar(["king", "woman"], ["man"], topn=5)
    assert result.keys == [key for key, _ in expected]
    assert_allclose(
        [n.score for n in result.results], [s for _, s in expected], atol=1e-6
    )


@pytest.mark.parametrize(
    "text, message",
    [
        ("", "the expression is empty"),
        ("king \u2212", "operator without a key: term 2 is empty"),
        ("   ", "the expression is empty"),
        ("king -", "has an operator without a key"),
        ("king + - man", "has an operator without a key"),
        ("king - + man", "has an operator without a key"),
        ("+", "has an operator without a key"),
    ],
)
def test_parse_expression_errors(text, message):
    with pytest.raises(ValueError, match=message):
        queries.parse_expression(text)
