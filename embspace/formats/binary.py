"""word2vec binary: a ``count dim`` line, then ``key SPACE float32 * dim``.

Records may or may not end with a newline; a newline before a key is dropped,
as gensim does. The header count is a hint: it is checked against the size of
the file before anything is allocated.
"""

from __future__ import annotations

import logging

import numpy as np

from embspace.formats.base import MAX_DIMS, FormatError, Rows
from embspace.formats.source import Source
from embspace.formats.text import Parsed, _lines, parse_header
from embspace.wording import counted

logger = logging.getLogger(__name__)


def read_binary(source: Source) -> Parsed:
    """Read a word2vec binary file (optionally gzip-compressed).

    Parameters
    ----------
    source : Source
        The file.

    Returns
    -------
    Parsed
    """
    data = source.read_all()
    name = source.name

    # Step 1: the header, checked against the bytes that follow it.
    end = data.find(b"\n", 0, 256) + 1
    claimed = parse_header(data[:end]) if end else None
    if claimed is None:
        raise FormatError(f"{name} line 1: expected a 'count dim' header")
    count, n_dims = claimed
    if not 1 <= n_dims <= MAX_DIMS:
        raise FormatError(
            f"{name} line 1: dimension {n_dims:,} must be between 1 and {MAX_DIMS:,}"
        )
    record = 4 * n_dims
    possible = (len(data) - end) // (record + 2)
    capacity = min(count, possible)

    # Step 2: walk the records (keys have variable length).
    vectors = np.empty((capacity, n_dims), np.float32)
    keys: list[str] = []
    bad: list[int] = []
    offset, size = end, len(data)
    warnings: list[str] = []
    while len(keys) < count:
        while offset < size and data[offset] == 10:
            offset += 1
        if offset >= size:
            break
        space = data.find(b" ", offset, offset + 100_000)
        if space < 0 or space + 1 + record > size:
            warnings.append(
                f"{name} byte {offset:,}: record {len(keys) + 1} is cut short; "
                "it and anything after it were not loaded"
            )
            break
        if len(keys) == len(vectors):
            vectors = _grow(vectors)
        vectors[len(keys)] = np.frombuffer(data, "<f4", n_dims, space + 1)
        key = data[offset:space]
        try:
            keys.append(key.decode("utf-8"))
        except UnicodeDecodeError:
            keys.append(key.decode("utf-8", "replace"))
            bad.append(len(keys))
        offset = space + 1 + record

    # Step 3: report the header count and anything left over.
    vectors = vectors[: len(keys)]
    if count != len(keys):
        warnings.append(
            f"{name} line 1: the header says {counted(count, 'vector')}, the file has "
            f"{len(keys):,}; loaded {len(keys):,}"
        )
    elif data[offset:].strip():
        warnings.append(
            f"{name} byte {offset:,}: {size - offset:,} bytes after the "
            f"{counted(count, 'record')} the header announced were ignored"
        )
    if bad:
        warnings.append(
            f"{name}: {len(bad):,} {'key is' if len(bad) == 1 else 'keys are'} "
            f"not valid UTF-8 ({_lines(bad, unit='record')}); the undecodable "
            "bytes became U+FFFD"
        )
    logger.info("read %s: %d x %d", name, *vectors.shape)
    return Parsed(keys, np.ascontiguousarray(vectors), Rows("record"), warnings)


def _grow(vectors: np.ndarray) -> np.ndarray:
    bigger = np.empty((max(16, 2 * len(vectors)), vectors.shape[1]), np.float32)
    bigger[: len(vectors)] = vectors
    return bigger
