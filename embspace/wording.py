"""Counts in messages: ``1 key``, ``2 keys``, ``1,234 dimensions``."""

from __future__ import annotations


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
