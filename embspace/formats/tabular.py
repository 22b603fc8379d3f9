"""Tables: Projector TSV, CSV, Parquet, and metadata / label files.

A table has a label column (optional) and either one numeric column per
dimension or one list column; other text columns become metadata.
"""

from __future__ import annotations

import csv
import io
import logging

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pcsv

from embspace.formats.base import MAX_DIMS, FormatError, Rows
from embspace.formats.source import Source, strip_bom
from embspace.formats.text import Parsed, _lines
from embspace.wording import counted

logger = logging.getLogger(__name__)

ROW_INDEX_NAMES = ("", "index", "Unnamed: 0", "level_0")
LABEL_NAMES = ("label", "labels", "key", "keys", "word", "words", "token", "name")


def read_delimited(source: Source, *, delimiter: str, label_column=None) -> Parsed:
    """Read a TSV or CSV file of vectors.

    Parameters
    ----------
    source : Source
        The file.
    delimiter : str
        ``"\\t"`` or ``","``.
    label_column : str or int, optional
        Column name, or 1-based column number, holding the keys.
    """
    data, _ = strip_bom(source.read_all())
    numbers, blank = _line_numbers(data)
    if numbers.size == 0:
        raise FormatError(f"{source.name}: the file holds no vectors")

    # Step 1: a header if some column is text in row 1 and a number in row 2.
    first_rows = _first_rows(data, delimiter)
    has_header = _looks_like_header(first_rows)
    quote = '"' if delimiter == "," else False
    table = _read_arrow(
        data, delimiter, quote, first_rows, has_header, source.name, numbers
    )

    rows = Rows("line", numbers[1:] if has_header else numbers)
    parsed = _from_table(table, source.name, rows, has_header, label_column)
    if has_header and _numbers_columns(first_rows[0]):
        parsed.warnings.insert(
            0,
            f"{source.name} line {numbers[0]}: taken as a header, not a vector "
            f"(it numbers the columns: {_shorten(first_rows[0])})",
        )
    if blank.size:
        parsed.warnings.insert(
            0,
            f"{source.name}: skipped {blank.size:,} blank "
            f"{'line' if blank.size == 1 else 'lines'} ({_lines(blank)})",
        )
    return parsed


def read_parquet(source: Source, *, label_column=None) -> Parsed:
    """Read a Parquet table of vectors (a label column plus numbers or a list)."""
    import pyarrow.parquet as pq

    try:
        meta = pq.ParquetFile(source.path).metadata
        total = sum(
            meta.row_group(i).total_byte_size for i in range(meta.num_row_groups)
        )
        if total > source.max_bytes:
            raise FormatError(
                f"{source.name}: {total:,} bytes uncompressed is more than the limit "
                f"of {source.max_bytes:,}"
            )
        table = pq.read_table(source.path)
    except (pa.ArrowInvalid, OSError) as error:
        raise FormatError(
            f"{source.name}: not a readable Parquet file ({error})"
        ) from None
    return _from_table(table, source.name, Rows("row"), True, label_column)


def _line_numbers(data: bytes) -> tuple[np.ndarray, np.ndarray]:
    """1-based numbers of the non-blank lines and of the blank ones."""
    a = np.frombuffer(data, np.uint8)
    ends = np.flatnonzero(a == 10)
    if not data.endswith(b"\n"):
        ends = np.append(ends, len(a))
    starts = np.empty_like(ends)
    starts[:1] = 0
    starts[1:] = ends[:-1] + 1
    length = ends - starts
    cr = (length > 0) & (a[np.maximum(ends - 1, 0)] == 13) if len(a) else length > 0
    blank = (length - cr) == 0
    return np.flatnonzero(~blank) + 1, np.flatnonzero(blank) + 1


def _first_rows(data: bytes, delimiter: str) -> list[list[str]]:
    text = data[: 1 << 16].decode("utf-8", "replace")
    lines = [line for line in text.splitlines() if line.strip()][:2]
    if delimiter == "\t":
        return [line.split("\t") for line in lines]
    return list(csv.reader(io.StringIO("\n".join(lines))))


def _shorten(cells: list[str]) -> str:
    shown = ", ".join(cells[:4])
    return f"{shown}, ..., {cells[-1]}" if len(cells) > 5 else ", ".join(cells)


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def _looks_like_header(rows: list[list[str]]) -> bool:
    if len(rows) < 2:
        return bool(rows) and not any(_is_number(cell) for cell in rows[0])
    if _numbers_columns(rows[0]) and not _numbers_columns(rows[1]):
        return True
    return any(
        not _is_number(top) and _is_number(below)
        for top, below in zip(rows[0], rows[1])
    )


def _numbers_columns(cells: list[str]) -> bool:
    """Whether a row reads ``[label,] 0, 1, 2, ...`` (or from 1): column names.

    pandas ``to_csv`` of a frame with default column names writes such a
    header; read as data it would become a vector ``0, 1, ..., d - 1``.
    """
    numbers = cells[1:] if cells and not _is_number(cells[0]) else cells
    if len(numbers) < 3 or not all(cell.strip().isdigit() for cell in numbers):
        return False
    first = int(numbers[0])
    return first in (0, 1) and [int(c) for c in numbers] == list(
        range(first, first + len(numbers))
    )


def _read_arrow(
    data, delimiter, quote, first_rows, has_header, name, numbers
) -> pa.Table:
    """The table; a header one name short (pandas' unnamed index) names labels."""
    read = pcsv.ReadOptions(autogenerate_column_names=True, block_size=16 << 20)
    if has_header:
        header = first_rows[0]
        if len(first_rows) > 1 and len(first_rows[1]) == len(header) + 1:
            header = ["", *header]
        read = pcsv.ReadOptions(
            column_names=_unique(header), skip_rows=1, block_size=16 << 20
        )
    parse = pcsv.ParseOptions(delimiter=delimiter, quote_char=quote)
    # An empty cell (pandas writes NaN so) is a missing number, not text that
    # would turn its whole column into metadata; text columns keep "".
    convert = pcsv.ConvertOptions(null_values=[""], strings_can_be_null=False)
    try:
        return pcsv.read_csv(pa.py_buffer(data), read, parse, convert)
    except pa.ArrowInvalid as error:
        raise FormatError(
            _arrow_message(error, data, delimiter, name, numbers)
        ) from None


def _unique(names: list[str]) -> list[str]:
    """Column names as Arrow reads them, repeated ones numbered."""
    seen: dict[str, int] = {}
    unique = []
    for name in names:
        seen[name] = seen.get(name, 0) + 1
        unique.append(name if seen[name] == 1 else f"{name}_{seen[name] - 1}")
    return unique


def _arrow_message(error, data, delimiter, name: str, numbers: np.ndarray) -> str:
    text = str(error).splitlines()[0]
    # Arrow says e.g. "CSV parse error: Expected 4 columns, got 3: ..."
    if "Row #" in str(error):
        row = int(str(error).split("Row #")[1].split(":")[0].split()[0])
        line = numbers[min(row - 1, len(numbers) - 1)]
        return f"{name} line {line}: {text.split(': ', 1)[-1].split(':')[0]}"
    ragged = _first_ragged(data, delimiter, numbers)
    if ragged is not None:
        line, got, expected = ragged
        return f"{name} line {line}: {got} columns, line {numbers[0]} has {expected}"
    return f"{name}: {text.split(': ', 1)[-1].split(':')[0]}"


def _first_ragged(data: bytes, delimiter: str, numbers: np.ndarray):
    """The first non-blank line whose column count differs from the first's."""
    text = io.StringIO(data.decode("utf-8", "replace"))
    lines = (line for line in text if line.strip())
    reader = (
        csv.reader(lines, delimiter=delimiter)
        if delimiter == ","
        else (line.rstrip("\r\n").split("\t") for line in lines)
    )
    expected = None
    for line_number, cells in zip(numbers, reader):
        expected = len(cells) if expected is None else expected
        if len(cells) != expected:
            return int(line_number), len(cells), expected
    return None


def _from_table(table: pa.Table, name, rows, has_header, label_column) -> Parsed:
    """Split a table into keys, vectors and metadata."""
    names = [str(n) for n in table.column_names]
    label_index = _label_index(table, names, has_header, label_column, name)
    warnings: list[str] = []

    # Step 1: the vectors, from a list column or from the numeric columns.
    lists = [i for i, t in enumerate(table.schema.types) if _is_list(t)]
    if lists:
        vectors = _list_vectors(table.column(lists[0]), name, names[lists[0]], rows)
        used = {lists[0]}
    else:
        used = {i for i, t in enumerate(table.schema.types) if _is_numeric(t)}
        used.discard(label_index)
        index = _row_index_column(table, names, used, label_index)
        if index is not None:
            used.discard(index)
            first = int(table.column(index)[0].as_py())
            run = f"{first}, {first + 1}, ..., {first + table.num_rows - 1}"
            warnings.append(
                f"{name}: column {index + 1} ({names[index] or 'unnamed'}: {run}) "
                "numbers the rows, so it is kept as metadata, not used as a dimension"
            )
        _check_text_columns(table, names, used, label_index, has_header, name, rows)
        if not used:
            raise FormatError(f"{name}: no numeric columns to use as vectors")
        columns = [table.column(i) for i in sorted(used)]
        vectors = _stack(columns)
    if vectors.shape[1] > MAX_DIMS:
        raise FormatError(
            f"{name}: {vectors.shape[1]:,} dimensions is more than the limit of "
            f"{MAX_DIMS:,}"
        )

    # Step 2: keys and metadata.
    if label_index is None:
        keys = [str(i) for i in range(table.num_rows)]
    else:
        keys = [str(k) for k in table.column(label_index).to_pylist()]
    rest = [i for i in range(len(names)) if i not in used]
    metadata = table.select(rest).to_pandas() if rest else None
    logger.info("read %s: %d x %d", name, *vectors.shape)
    return Parsed(keys, vectors, rows, warnings, metadata)


def _row_index_column(table, names, used, label_index) -> int | None:
    """An unnamed integer column 0, 1, 2, ... beside a label column.

    ``df.reset_index().to_csv()`` writes pandas' index so, as the first
    column; taken as a dimension it would dominate the neighbours and maps.
    """
    if label_index is None or table.num_rows < 2:
        return None
    for i in sorted(used):
        if names[i].strip() not in ROW_INDEX_NAMES:
            continue
        if not pa.types.is_integer(table.schema.types[i]):
            continue
        values = table.column(i).to_numpy(zero_copy_only=False)
        first = values[0]
        if first in (0, 1) and np.array_equal(values, np.arange(len(values)) + first):
            return i
    return None


def _is_numeric(kind: pa.DataType) -> bool:
    return pa.types.is_integer(kind) or pa.types.is_floating(kind)


def _is_list(kind: pa.DataType) -> bool:
    listy = pa.types.is_list(kind) or pa.types.is_large_list(kind)
    fixed = pa.types.is_fixed_size_list(kind)
    return (listy or fixed) and _is_numeric(kind.value_type)


def _label_index(table, names, has_header, label_column, name) -> int | None:
    if label_column is not None:
        return _named_column(names, label_column, name)

    kinds = table.schema.types
    text = [i for i, t in enumerate(kinds) if not _is_numeric(t) and not _is_list(t)]
    for i in text:
        if has_header and names[i].strip().lower() in LABEL_NAMES:
            return i
    if text and (has_header or text[0] == 0):
        return text[0]
    return None


def _named_column(names: list[str], label_column, name: str) -> int:
    if isinstance(label_column, int) or str(label_column).isdigit():
        number = int(label_column)
        if 1 <= number <= len(names):
            return number - 1
        raise FormatError(
            f"{name}: label_column={number} is not a column; the file has "
            f"columns 1 to {len(names)}"
        )
    if label_column in names:
        return names.index(label_column)
    raise FormatError(
        f"{name}: label_column={label_column!r} is not a column; columns: "
        + ", ".join(names[:20])
    )


def _check_text_columns(table, names, used, label_index, has_header, name, rows):
    """Without a header, a text column other than the labels is an error."""
    if has_header:
        return
    for i in range(len(names)):
        if i in used or i == label_index:
            continue
        values = table.column(i).to_pylist()
        row = next((r for r, v in enumerate(values) if not _is_number(str(v))), 0)
        raise FormatError(
            f"{name} {rows.name(row)}, column {i + 1}: {str(values[row])[:30]!r} "
            f"is not a number; to use column {i + 1} as the labels, choose it as "
            "the label column",
            label_column=i + 1,
        )


def _stack(columns: list[pa.ChunkedArray]) -> np.ndarray:
    n_rows = len(columns[0])
    vectors = np.empty((n_rows, len(columns)), np.float32)
    for j, column in enumerate(columns):
        values = pc.cast(column, pa.float64()).to_numpy(zero_copy_only=False)
        vectors[:, j] = values  # a missing number is NaN, flagged by the checks
    return vectors


def _list_vectors(column, name, column_name, rows) -> np.ndarray:
    lengths = pc.list_value_length(column).to_numpy(zero_copy_only=False)
    if lengths.size == 0:
        return np.empty((0, 0), np.float32)
    if np.any(lengths != lengths[0]):
        row = int(np.argmax(lengths != lengths[0]))
        raise FormatError(
            f"{name} {rows.name(row)}: column {column_name!r} holds {lengths[row]} "
            f"numbers where row 1 holds {lengths[0]}"
        )
    flat = pc.cast(pc.list_flatten(column), pa.float64()).to_numpy()
    return flat.astype(np.float32).reshape(len(lengths), int(lengths[0]))


# -- metadata and label files ---------------------------------------------------------


def read_metadata(path, *, n_rows: int, single: bool, name: str | None = None):
    """Labels and extra columns for ``n_rows`` vectors.

    Parameters
    ----------
    path : path-like
        A Projector ``metadata.tsv`` or a text file with one label per line.
    n_rows : int
        Number of vectors the rows must align with.
    single : bool
        Treat each whole line as one label (a labels file).
    name : str, optional
        The file name used in messages.

    Returns
    -------
    tuple
        ``(labels, metadata DataFrame or None, warnings)``.
    """
    source = Source.open_path(path, name=name)
    data, _ = strip_bom(source.read_all())
    lines = data.split(b"\n")
    if lines and lines[-1] == b"":
        lines.pop()
    lines = [line[:-1] if line.endswith(b"\r") else line for line in lines]
    warnings: list[str] = []

    # Step 1: decode each line on its own.
    text, bad = [], []
    for number, line in enumerate(lines, start=1):
        try:
            text.append(line.decode("utf-8"))
        except UnicodeDecodeError:
            text.append(line.decode("utf-8", "replace"))
            bad.append(number)
    if bad:
        warnings.append(
            f"{source.name}: {counted(len(bad), 'line')} "
            f"{'is' if len(bad) == 1 else 'are'} not valid UTF-8 "
            f"({_lines(bad)}); the undecodable bytes became U+FFFD"
        )

    # Step 2: one column has no header, unless there is one line too many.
    columns = 1 if single else max((t.count("\t") + 1 for t in text[:100]), default=1)
    if columns == 1:
        return _single_column(text, n_rows, source.name, warnings)

    header, body = text[0].split("\t"), [t.split("\t") for t in text[1:]]
    if len(body) != n_rows:
        raise FormatError(
            f"{source.name}: {counted(len(body), 'metadata row')} after the header "
            f"line for {counted(n_rows, 'vector')}; there must be one row per vector"
        )
    wide = next((i for i, r in enumerate(body) if len(r) != len(header)), None)
    if wide is not None:
        raise FormatError(
            f"{source.name} line {wide + 2}: {len(body[wide])} columns, the header "
            f"has {len(header)}"
        )
    frame = pd.DataFrame(body, columns=header)
    label = next((c for c in header if c.strip().lower() in LABEL_NAMES), header[0])
    return frame[label].tolist(), frame, warnings


def _single_column(text, n_rows, name, warnings):
    if len(text) == n_rows + 1:
        warnings.append(
            f"{name} line 1: {counted(len(text), 'line')} for "
            f"{counted(n_rows, 'vector')}, so line 1 "
            f"({text[0][:30]!r}) was taken as a header"
        )
        text = text[1:]
    elif len(text) != n_rows:
        raise FormatError(
            f"{name}: {counted(len(text), 'label')} for {counted(n_rows, 'vector')}; "
            "there must be one "
            "label per vector (plus an optional header line)"
        )
    return text, None, warnings
