"""Words in messages: counts (``1 key``, ``2 keys``) and shortened values."""

from __future__ import annotations

from typing import Any


def counted(n: int, noun: str, plural: str | None = None) -> str:
    """``n`` with thousands separators and ``noun`` in the right number.

    Parameters
    ----------
    n : int
        How many.
    noun : str
        The singular, e.g. ``key``.
    plural : str, optional
        The plural when it is not ``noun + "s"`` (e.g. ``matches``).

    Returns
    -------
    str
        E.g. ``counted(1, "key") == "1 key"``, ``counted(2_000, "key") ==
        "2,000 keys"``.
    """
    word = noun if n == 1 else (plural or f"{noun}s")
    return f"{n:,} {word}"


def show(value: Any, width: int = 40) -> str:
    """``repr`` of a value shortened to about ``width`` characters, one line.

    A 5,000-character key typed by mistake is named by its start and its
    length, not echoed in full.
    """
    text = repr(value)
    if len(text) > width:
        size = f" ({len(value):,} characters)" if isinstance(value, str) else ""
        text = text[: width - 3] + "..." + size
    return text


def listed(items: list[str]) -> str:
    """``a``, ``a and b``, ``a, b and c``: items in a sentence."""
    if len(items) < 2:
        return "".join(items)
    return f"{', '.join(items[:-1])} and {items[-1]}"


def percent(value: float) -> str:
    """A share in percent with one decimal, more where rounding would mislead.

    ``percent(99.97) == "99.97%"``, not ``"100.0%"``, and ``percent(0.003)
    == "0.003%"``: only exactly 0 and 100 read as 0 and 100.
    """
    for digits in (1, 2, 3):
        text = f"{value:.{digits}f}"
        if float(text) not in (0.0, 100.0) or value in (0.0, 100.0):
            return f"{text}%"
    return "<0.001%" if value < 50 else ">99.999%"
