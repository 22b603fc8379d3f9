"""Checks every reader's output goes through: duplicate keys, bad rows.

Nothing is dropped silently: duplicate keys are renamed (``cat#2``) so every
row stays aligned with its metadata, and each finding is a warning with
counts and line numbers.
"""

from __future__ import annotations

import logging

import numpy as np

from embspace.formats.base import Rows, show_key
from embspace.space import ALL_ZERO
from embspace.wording import counted

logger = logging.getLogger(__name__)

SHOWN = 5


def check(keys: list[str], vectors: np.ndarray, rows: Rows, name: str):
    """Rename duplicate keys and describe suspicious rows.

    Parameters
    ----------
    keys : list of str
        Keys in row order; not modified.
    vectors : numpy.ndarray
        Float32 matrix.
    rows : Rows
        Where each row came from.
    name : str
        File name for the messages.

    Returns
    -------
    tuple
        ``(unique keys, warnings)``.
    """
    keys, warnings = _unique_keys(keys, rows, name)
    warnings += _empty_keys(keys, rows, name)
    warnings += _bad_rows(keys, vectors, rows, name)
    return keys, warnings


def _unique_keys(keys: list[str], rows: Rows, name: str):
    if len(set(keys)) == len(keys):
        return keys, []

    seen: dict[str, int] = {}
    taken = set(keys)
    unique, examples, count = [], [], 0
    for i, key in enumerate(keys):
        if key not in seen:
            seen[key] = i
            unique.append(key)
            continue
        count += 1
        suffix = 2
        while f"{key}#{suffix}" in taken:
            suffix += 1
        renamed = f"{key}#{suffix}"
        taken.add(renamed)
        unique.append(renamed)
        if len(examples) < SHOWN:
            examples.append(
                f"{rows.name(i)} repeats {show_key(key)} from {rows.name(seen[key])}"
                f", renamed {show_key(renamed)}"
            )

    more = f"; and {count - SHOWN:,} more" if count > SHOWN else ""
    message = (
        f"{name}: {count:,} duplicate {'key' if count == 1 else 'keys'} kept under "
        f"new names ({'; '.join(examples)}{more})"
    )
    return unique, [message]


def _empty_keys(keys: list[str], rows: Rows, name: str) -> list[str]:
    empty = [i for i, key in enumerate(keys) if not key.strip()]
    if not empty:
        return []
    where = ", ".join(rows.name(i) for i in empty[:SHOWN])
    return [f"{name}: {counted(len(empty), 'empty or blank key')} ({where})"]


def _bad_rows(keys, vectors: np.ndarray, rows: Rows, name: str) -> list[str]:
    if vectors.size == 0:
        return []
    warnings = []
    finite = np.empty(len(vectors), bool)
    zero = np.empty(len(vectors), bool)
    for start in range(0, len(vectors), 65536):
        block = vectors[start : start + 65536]
        finite[start : start + 65536] = np.isfinite(block).all(axis=1)
        zero[start : start + 65536] = ~block.any(axis=1)
    zero &= finite

    nonfinite = np.flatnonzero(~finite)
    if nonfinite.size:
        warnings.append(
            f"{name}: {nonfinite.size:,} {_rows(nonfinite.size)} with NaN or infinite "
            f"values ({_where(nonfinite, keys, rows)}); left out of neighbours and "
            "projections"
        )
    zeros = np.flatnonzero(zero)
    if zeros.size:
        warnings.append(
            f"{name}: {zeros.size:,} all-zero {_rows(zeros.size)} "
            f"({_where(zeros, keys, rows)}); cosine similarity is undefined for "
            f"{'it' if zeros.size == 1 else 'them'}, so "
            f"{'it is' if zeros.size == 1 else 'they are'} left out of cosine results"
        )

    usable = np.flatnonzero(finite & ~zero)
    if usable.size > 1 and _all_equal(vectors, usable):
        warnings.append(
            f"{name}: every usable vector is the same, so the data has no variance; "
            "projections are disabled"
        )
    elif zeros.size == len(vectors) and len(vectors) > 1:
        warnings.append(f"{name}: {ALL_ZERO}; neighbours and projections are disabled")
    else:
        warnings += _identical(vectors, usable, keys, rows, name)
    return warnings


def _rows(n: int) -> str:
    return "row" if n == 1 else "rows"


def _where(indices: np.ndarray, keys, rows: Rows) -> str:
    shown = ", ".join(
        f"{rows.name(int(i))} {show_key(keys[int(i)])}" for i in indices[:SHOWN]
    )
    more = f" and {indices.size - SHOWN:,} more" if indices.size > SHOWN else ""
    return shown + more


def _all_equal(vectors: np.ndarray, rows: np.ndarray) -> bool:
    """Whether all ``rows`` hold the same vector (in blocks, no full copy)."""
    first = vectors[rows[0]]
    for start in range(0, rows.size, 65536):
        if not (vectors[rows[start : start + 65536]] == first).all():
            return False
    return True


def _identical(vectors, usable: np.ndarray, keys, rows: Rows, name: str) -> list[str]:
    """Rows whose vector exactly equals an earlier row's, found by hashing."""
    if usable.size < 2:
        return []

    # A cheap 64-bit hash of each row, computed in blocks to bound memory.
    rng = np.random.default_rng(0)
    weights = rng.integers(1, 2**63, size=vectors.shape[1], dtype=np.uint64) | 1
    hashes = np.empty(usable.size, np.uint64)
    with np.errstate(over="ignore"):
        for start in range(0, usable.size, 16384):
            block = vectors[usable[start : start + 16384]]
            bits = block.view(np.uint32).astype(np.uint64)
            bits *= weights
            hashes[start : start + 16384] = bits.sum(axis=1)

    order = np.argsort(hashes, kind="stable")
    same = np.flatnonzero(hashes[order][1:] == hashes[order][:-1])
    pairs = []
    for j in same:
        first, second = sorted((usable[order[j]], usable[order[j + 1]]))
        if np.array_equal(vectors[first], vectors[second]):
            pairs.append((int(first), int(second)))
    if not pairs:
        return []

    pairs.sort(key=lambda pair: pair[1])
    shown = "; ".join(
        f"{rows.name(b)} {show_key(keys[b])} = {rows.name(a)} {show_key(keys[a])}"
        for a, b in pairs[:SHOWN]
    )
    more = f"; and {len(pairs) - SHOWN:,} more" if len(pairs) > SHOWN else ""
    return [
        f"{name}: {len(pairs):,} {_rows(len(pairs))} identical to another row "
        f"({shown}{more})"
    ]
