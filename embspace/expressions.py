"""Expressions such as ``king - man + woman``: parsing and searching.

No code is evaluated: the text is split on ``+`` and ``-`` (the Unicode minus
sign and the en dash count as ``-``) into positive and negative keys.
"""

from __future__ import annotations

import logging
import re

from embspace.query_terms import QueryResult
from embspace.search import most_similar
from embspace.space import Space

logger = logging.getLogger(__name__)


# "-", the minus sign U+2212 and the en dash U+2013 all subtract.
MINUS_SIGNS = "-\u2212\u2013"
_SPACED_OPERATOR = re.compile(rf"(?:^|(?<=\s))([+{re.escape(MINUS_SIGNS)}])\s*")
_ANY_OPERATOR = re.compile(rf"([+{re.escape(MINUS_SIGNS)}])")


def parse_expression(
    text: str, space: Space | None = None
) -> tuple[list[str], list[str]]:
    """Split ``king - man + woman`` into positive and negative keys.

    Operators are ``+`` and ``-`` (or the minus sign ``\u2212``, or the en
    dash ``\u2013``) with white space before them, so keys such as
    ``e-mail`` keep their hyphen; ``king-man+woman`` without spaces is split
    on every sign unless the whole text is a key of ``space``.

    Parameters
    ----------
    text : str
        The expression. No code is evaluated.
    space : Space, optional
        Used to keep a hyphenated key whole.

    Returns
    -------
    tuple of (list of str, list of str)
        Positive keys and negative keys.

    Raises
    ------
    ValueError
        If the expression is empty or has an operator without a key.
    """
    text = text.strip()
    if not text:
        raise ValueError("the expression is empty; try 'king - man + woman'")

    pattern = _SPACED_OPERATOR
    if _SPACED_OPERATOR.search(text) is None and not (space and text in space):
        pattern = _ANY_OPERATOR
    pieces = pattern.split(text)

    positive: list[str] = []
    negative: list[str] = []
    sign = "+"
    for position, piece in enumerate(pieces):
        piece = piece.strip()
        if position % 2 == 1:
            sign = "+" if piece == "+" else "-"
            continue
        if not piece:
            if position in (0,):
                continue
            raise ValueError(
                f"expression {text!r} has an operator without a key: "
                f"term {position // 2 + 1} is empty"
            )
        (positive if sign == "+" else negative).append(piece)
        sign = "+"

    if not positive and not negative:
        raise ValueError(f"expression {text!r} holds no key")
    return positive, negative


def expression(
    space: Space,
    text: str,
    *,
    topn: int = 10,
    metric: str = "cosine",
    restrict_vocab: int | None = None,
) -> QueryResult:
    """Neighbours of a parsed expression such as ``king - man + woman``."""
    positive, negative = parse_expression(text, space)
    return most_similar(
        space,
        positive,
        negative,
        topn=topn,
        metric=metric,
        restrict_vocab=restrict_vocab,
        label=" ".join(text.split()),
    )
