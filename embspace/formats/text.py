"""word2vec, fastText ``.vec`` and GloVe text, parsed with numpy and pyarrow.

Records are split on LF (a CR before it is stripped) and fields on ASCII
space only. With the dimension ``d`` known (from the ``count dim`` header, or
from the most common field count of a GloVe file), the last ``d`` fields of a
line are the numbers and everything before them is the key, so keys may
contain spaces.

Speed comes from never splitting lines in Python: numpy finds every
separator in a block of bytes, the fields become a zero-copy Arrow binary
array, and Arrow parses the numbers (as float64, then rounded to float32,
exactly as gensim does).
"""

from __future__ import annotations

import logging
from collections import Counter
from dataclasses import dataclass, field

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from embspace.formats.base import MAX_DIMS, FormatError, Rows
from embspace.formats.source import Source, lines_of, strip_bom
from embspace.wording import counted

logger = logging.getLogger(__name__)

SPACE, CR, LF = 32, 13, 10


@dataclass
class Parsed:
    """Keys, vectors and notes of a file before the common checks."""

    keys: list[str]
    vectors: np.ndarray
    rows: Rows
    warnings: list[str] = field(default_factory=list)
    metadata: object = None


def parse_header(line: bytes) -> tuple[int, int] | None:
    """``(count, dim)`` if ``line`` is a word2vec header, else ``None``."""
    fields = line.split()
    if len(fields) != 2 or not all(f.isdigit() for f in fields):
        return None
    return int(fields[0]), int(fields[1])


def read_text(source: Source, *, header: bool) -> Parsed:
    """Read word2vec / fastText text (``header=True``) or GloVe text.

    Parameters
    ----------
    source : Source
        The file.
    header : bool
        Whether the first line is ``count dim``.

    Returns
    -------
    Parsed
    """
    blocks = lines_of(source.chunks(), name=source.name)
    first = next(blocks, b"")
    first, _ = strip_bom(first)

    # Step 1: the dimension, from the header or from the first lines.
    count_hint = None
    line_number = 0
    if header:
        end = first.find(b"\n") + 1
        claimed = parse_header(first[:end])
        if claimed is None:
            raise FormatError(f"{source.name} line 1: expected a 'count dim' header")
        count_hint, n_dims = claimed
        first, line_number = first[end:], 1
    else:
        n_dims = _guess_dims(first, source.name)
    _check_dims(n_dims, source.name)

    # Step 2: parse block by block into a growing matrix.
    sink = _Sink(n_dims, _capacity(source, count_hint, n_dims))
    keys: list[str] = []
    numbers, blank, bad_keys = [], [], []
    block = first
    while True:
        parsed = _parse_block(block, n_dims, line_number, source.name)
        sink.add(parsed.vectors)
        keys += parsed.keys
        numbers.append(parsed.numbers)
        blank.append(parsed.blank)
        bad_keys += parsed.bad_keys
        line_number += parsed.n_lines
        block = next(blocks, None)
        if block is None:
            break

    # Step 3: what was skipped or repaired.
    vectors = sink.result()
    rows = Rows("line", np.concatenate(numbers))
    warnings = _block_warnings(source.name, np.concatenate(blank), bad_keys)
    if count_hint is not None and count_hint != len(keys):
        warnings.append(
            f"{source.name} line 1: the header says "
            f"{counted(count_hint, 'vector')}, the file has {len(keys):,}; "
            f"loaded {len(keys):,}"
        )
    logger.info("read %s: %d x %d", source.name, *vectors.shape)
    return Parsed(keys, vectors, rows, warnings)


def _check_dims(n_dims: int, name: str) -> None:
    if n_dims < 1:
        raise FormatError(f"{name} line 1: the dimension must be at least 1, not 0")
    if n_dims > MAX_DIMS:
        raise FormatError(
            f"{name} line 1: dimension {n_dims:,} is more than the limit of "
            f"{MAX_DIMS:,}"
        )


def _guess_dims(block: bytes, name: str) -> int:
    """The most common number of fields after the key in the first lines."""
    counts: Counter[int] = Counter()
    for line in block[: 1 << 20].split(b"\n")[:1000]:
        fields = line.rstrip(b" \r").split(b" ")
        if fields != [b""]:
            counts[len(fields) - 1] += 1

    if not counts:
        raise FormatError(f"{name}: the file holds no vectors")
    return counts.most_common(1)[0][0]


def _capacity(source: Source, count_hint: int | None, n_dims: int) -> int:
    """Rows to allocate up front: the header count, if the file can hold it."""
    if count_hint is None or source.gzipped:
        return 0
    # Each number needs at least a digit and a separator.
    possible = source.size // (2 * n_dims + 1)
    return count_hint if count_hint <= possible else 0


class _Sink:
    """Collects float32 blocks in a preallocated matrix, or in a list."""

    def __init__(self, n_dims: int, capacity: int) -> None:
        self.n_dims = n_dims
        self.matrix = np.empty((capacity, n_dims), np.float32) if capacity else None
        self.filled = 0
        self.pieces: list[np.ndarray] = []

    def add(self, block: np.ndarray) -> None:
        if self.matrix is not None:
            end = self.filled + len(block)
            if end <= len(self.matrix):
                self.matrix[self.filled : end] = block
                self.filled = end
                return
            self.pieces.append(self.matrix[: self.filled])
            self.matrix = None
        self.pieces.append(block)

    def result(self) -> np.ndarray:
        if self.matrix is not None:
            if self.filled == len(self.matrix):
                return self.matrix
            return self.matrix[: self.filled].copy()
        if not self.pieces:
            return np.empty((0, self.n_dims), np.float32)
        return np.concatenate(self.pieces)


@dataclass
class _Block:
    keys: list[str]
    vectors: np.ndarray
    numbers: np.ndarray
    blank: np.ndarray
    bad_keys: list[int]
    n_lines: int


def _parse_block(buf: bytes, n_dims: int, line0: int, name: str) -> _Block:
    """Parse whole lines; ``line0`` lines of the file come before ``buf``."""
    a = np.frombuffer(buf, np.uint8)
    ends = np.flatnonzero(a == LF)
    starts = np.empty_like(ends)
    starts[:1] = 0
    starts[1:] = ends[:-1] + 1

    # Step 1: trim trailing spaces and CRs; they become separators too.
    content_ends, trailing = _trim(a, starts, ends)
    is_sep = (a == SPACE) | (a == LF)
    is_sep[trailing] = True
    seps = np.flatnonzero(is_sep)

    # Step 2: per line, the index of its LF among the separators and the
    # index of its last non-empty field.
    lf_index = np.searchsorted(seps, ends)
    last_field = np.searchsorted(seps, content_ends)
    first_field = np.empty_like(lf_index)
    first_field[:1] = 0
    first_field[1:] = lf_index[:-1] + 1
    n_fields = last_field - first_field + 1

    blank = content_ends == starts
    valid = ~blank
    short = valid & (n_fields < n_dims + 1)
    if short.any():
        line = int(np.argmax(short))
        found = int(n_fields[line]) - 1
        raise FormatError(
            f"{name} line {line0 + line + 1}: expected {n_dims} numbers after the "
            f"key, found {found}"
        )

    # Step 3: fields as a zero-copy Arrow array; numbers are the last d.
    rows = np.flatnonzero(valid)
    first_number = last_field[rows] - n_dims + 1
    key_ends = seps[first_number - 1]
    vectors = _parse_numbers(buf, seps, first_number, n_dims)
    if isinstance(vectors, int):
        _raise_number_error(buf, seps, first_number, n_dims, vectors, line0, rows, name)

    keys, bad = _decode_keys(buf, starts[rows], key_ends)
    return _Block(
        keys=keys,
        vectors=vectors,
        numbers=rows + line0 + 1,
        blank=np.flatnonzero(blank) + line0 + 1,
        bad_keys=[int(rows[i]) + line0 + 1 for i in bad],
        n_lines=len(ends),
    )


def _trim(a: np.ndarray, starts: np.ndarray, ends: np.ndarray):
    """Content end of each line, and the positions of trailing spaces/CRs."""
    content_ends = ends.copy()
    trailing = []
    active = np.flatnonzero(content_ends > starts)
    while active.size:
        previous = a[content_ends[active] - 1]
        active = active[(previous == SPACE) | (previous == CR)]
        content_ends[active] -= 1
        trailing.append(content_ends[active])
        active = active[content_ends[active] > starts[active]]

    positions = np.concatenate(trailing) if trailing else np.empty(0, np.intp)
    return content_ends, positions


def _fields_array(buf: bytes, seps: np.ndarray) -> pa.Array:
    """Arrow binary array whose element ``2k`` is field ``k``.

    Odd elements are the separators; no byte is copied.
    """
    large = len(buf) >= 1 << 31
    offsets = np.empty(2 * len(seps) + 1, np.int64 if large else np.int32)
    offsets[0] = 0
    offsets[1::2] = seps
    offsets[2::2] = seps + 1
    kind = pa.large_binary() if large else pa.binary()
    buffers = [None, pa.py_buffer(offsets), pa.py_buffer(buf)]
    return pa.Array.from_buffers(kind, len(offsets) - 1, buffers)


def _number_indices(first_number: np.ndarray, n_dims: int) -> np.ndarray:
    steps = np.arange(n_dims, dtype=np.int64)
    return ((first_number[:, None] + steps[None, :]) * 2).ravel()


def _parse_numbers(buf, seps, first_number, n_dims) -> np.ndarray | int:
    """Float32 matrix of the number fields, or the flat index of a bad one."""
    if first_number.size == 0:
        return np.empty((0, n_dims), np.float32)

    fields = _fields_array(buf, seps).take(_number_indices(first_number, n_dims))
    try:
        values = pc.cast(fields, pa.float64()).to_numpy()
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        return _first_bad(fields)
    return values.astype(np.float32).reshape(-1, n_dims)


def _first_bad(fields: pa.Array) -> int:
    """Index of the first field that is not a number (by bisection)."""
    low, high = 0, len(fields)
    while high - low > 1:
        middle = (low + high) // 2
        try:
            pc.cast(fields.slice(low, middle - low), pa.float64())
            low = middle
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
            high = middle
    return low


def _raise_number_error(buf, seps, first_number, n_dims, flat, line0, rows, name):
    row, column = divmod(flat, n_dims)
    k = int(first_number[row]) + column
    start = int(seps[k - 1]) + 1 if k else 0
    text = buf[start : int(seps[k])].decode("utf-8", "replace")
    line = line0 + int(rows[row]) + 1
    what = "an empty field" if not text else f"{text[:30]!r}"
    raise FormatError(
        f"{name} line {line}: number {column + 1} of {n_dims} after the key is "
        f"{what}, not a number"
    )


def _decode_keys(buf: bytes, starts: np.ndarray, key_ends: np.ndarray):
    """Keys as str (strict UTF-8, else U+FFFD), and the rows that needed it."""
    if starts.size == 0:
        return [], []

    offsets = np.empty(2 * len(starts), np.int64)
    offsets[0::2] = starts
    offsets[1::2] = key_ends
    array = pa.Array.from_buffers(
        pa.large_binary(),
        len(offsets) - 1,
        [None, pa.py_buffer(offsets), pa.py_buffer(buf)],
    )
    raw = array.take(np.arange(0, len(offsets) - 1, 2))
    try:
        return pc.cast(raw, pa.large_string()).to_pylist(), []
    except pa.ArrowInvalid:
        pass

    keys, bad = [], []
    for i, key in enumerate(raw.to_pylist()):
        try:
            keys.append(key.decode("utf-8"))
        except UnicodeDecodeError:
            keys.append(key.decode("utf-8", "replace"))
            bad.append(i)
    return keys, bad


def _block_warnings(name: str, blank: np.ndarray, bad_keys: list[int]) -> list[str]:
    warnings = []
    if blank.size:
        warnings.append(
            f"{name}: skipped {blank.size:,} blank "
            f"{'line' if blank.size == 1 else 'lines'} ({_lines(blank)})"
        )
    if bad_keys:
        warnings.append(
            f"{name}: {len(bad_keys):,} "
            f"{'key is' if len(bad_keys) == 1 else 'keys are'} not valid UTF-8 "
            f"({_lines(bad_keys)}); the undecodable bytes became U+FFFD"
        )
    return warnings


def _lines(numbers, *, unit: str = "line", limit: int = 5) -> str:
    numbers = [int(n) for n in numbers]
    plural = unit + "s" if len(numbers) > 1 else unit
    shown = ", ".join(str(n) for n in numbers[:limit])
    more = f" and {len(numbers) - limit:,} more" if len(numbers) > limit else ""
    return f"{plural} {shown}{more}"
