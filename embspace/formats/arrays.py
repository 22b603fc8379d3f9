"""NumPy ``.npy`` and ``.npz``, always loaded with ``allow_pickle=False``.

Shapes and dtypes are read from the array header and checked against the
size of the file before any data is read.
"""

from __future__ import annotations

import io
import logging
import tokenize
import zipfile

import numpy as np

from embspace.formats.base import MAX_DIMS, FormatError, Rows
from embspace.formats.source import Source
from embspace.formats.text import Parsed

logger = logging.getLogger(__name__)

SAFE_EXPORT = "save a numeric array with np.save('vectors.npy', x.astype('float32'))"
VECTOR_NAMES = ("vectors", "embeddings", "embedding", "weights", "matrix", "arr_0")
KEY_NAMES = ("keys", "words", "labels", "vocab", "tokens", "index", "index_to_key")


def read_npy(source: Source) -> Parsed:
    """Read a 1-D or 2-D numeric ``.npy`` file."""
    data = source.read_all() if source.gzipped else None
    stream = io.BytesIO(data) if data is not None else source.path.open("rb")
    with stream:
        shape, dtype, _ = _header(stream, source.name)
        _check_size(shape, dtype, _remaining(stream, data), source.name)
        stream.seek(0)
        array = np.lib.format.read_array(stream, allow_pickle=False)
    vectors, warnings = _as_matrix(array, source.name)
    keys = [str(i) for i in range(len(vectors))]
    return Parsed(keys, vectors, Rows("row"), warnings)


def read_npz(source: Source) -> Parsed:
    """Read the vectors (and keys, if present) from an ``.npz`` archive."""
    try:
        archive = zipfile.ZipFile(source.path)
    except zipfile.BadZipFile as error:
        raise FormatError(
            f"{source.name}: not a readable .npz file ({error})"
        ) from None

    with archive:
        members = _inspect_members(archive, source)
        vector_name = _pick(
            members,
            VECTOR_NAMES,
            lambda s, d: len(s) in (1, 2) and d.kind in "fiu",
            source.name,
            "numeric array",
        )
        array = _load_member(archive, vector_name)
        vectors, warnings = _as_matrix(array, f"{source.name}:{vector_name}")
        key_name = _find_keys(members, len(vectors))
        if key_name is None:
            keys = [str(i) for i in range(len(vectors))]
        else:
            keys = [str(k) for k in _load_member(archive, key_name).tolist()]
    return Parsed(keys, vectors, Rows("row"), warnings)


def _header(stream, name: str):
    try:
        version = np.lib.format.read_magic(stream)
        if version == (1, 0):
            shape, fortran, dtype = np.lib.format.read_array_header_1_0(stream)
        else:
            shape, fortran, dtype = np.lib.format.read_array_header_2_0(stream)
    except (ValueError, SyntaxError, tokenize.TokenError) as error:
        raise FormatError(f"{name} byte 0: not a valid .npy header ({error})") from None

    if dtype.hasobject:
        raise FormatError(
            f"{name}: holds Python objects, which can only be loaded with pickle and "
            f"may run code; {SAFE_EXPORT}"
        )
    if dtype.kind not in "fiuUS":
        raise FormatError(f"{name}: dtype {dtype} is not numeric; {SAFE_EXPORT}")
    return shape, dtype, fortran


def _remaining(stream, data) -> int:
    here = stream.tell()
    if data is not None:
        return len(data) - here
    stream.seek(0, 2)
    size = stream.tell()
    stream.seek(here)
    return size - here


def _check_size(shape, dtype, available: int, name: str) -> None:
    needed = int(np.prod(shape, dtype=np.float64)) * dtype.itemsize
    if needed > available:
        raise FormatError(
            f"{name}: the header claims shape {shape} ({needed:,} bytes) but only "
            f"{available:,} bytes follow it"
        )


def _as_matrix(array: np.ndarray, name: str) -> tuple[np.ndarray, list[str]]:
    warnings = []
    if array.dtype.kind not in "fiu":
        raise FormatError(f"{name}: dtype {array.dtype} is not numeric; {SAFE_EXPORT}")
    if array.ndim == 1:
        warnings.append(f"{name}: a 1-D array; each value was taken as a 1-D vector")
        array = array[:, None]
    if array.ndim != 2:
        raise FormatError(
            f"{name}: shape {array.shape} has {array.ndim} axes; vectors must be a "
            "2-D array (n_keys, n_dims)"
        )
    if array.shape[1] > MAX_DIMS:
        raise FormatError(
            f"{name}: {array.shape[1]:,} dimensions is more than the limit of "
            f"{MAX_DIMS:,}"
        )
    return np.ascontiguousarray(array, dtype=np.float32), warnings


def _inspect_members(archive: zipfile.ZipFile, source: Source) -> dict:
    """Shape and dtype of every member, from headers only."""
    total = sum(info.file_size for info in archive.infolist())
    if total > source.max_bytes:
        raise FormatError(
            f"{source.name}: unpacks to {total:,} bytes, more than the limit of "
            f"{source.max_bytes:,}"
        )

    members = {}
    for info in archive.infolist():
        if not info.filename.endswith(".npy"):
            raise FormatError(
                f"{source.name}: member {info.filename!r} is not a .npy array; an "
                ".npz file must hold only arrays"
            )
        with archive.open(info) as stream:
            label = f"{source.name}:{info.filename}"
            shape, dtype, _ = _header(stream, label)
            _check_size(shape, dtype, info.file_size - stream.tell(), label)
        members[info.filename[:-4]] = (shape, dtype)
    return members


def _pick(members, names, fits, file_name, what) -> str:
    for candidate in names:
        if candidate in members and fits(*members[candidate]):
            return candidate
    matches = [m for m, (s, d) in members.items() if fits(s, d) and len(s) == 2]
    if len(matches) == 1:
        return matches[0]
    raise FormatError(
        f"{file_name}: cannot tell which member holds the vectors ({len(matches)} "
        f"2-D {what}s); name it 'vectors'"
    )


def _find_keys(members, n_rows: int) -> str | None:
    for name in KEY_NAMES:
        if name in members:
            shape, dtype = members[name]
            if shape == (n_rows,) and dtype.kind in "USiu":
                return name
    return None


def _load_member(archive: zipfile.ZipFile, member: str) -> np.ndarray:
    with archive.open(member + ".npy") as stream:
        return np.lib.format.read_array(stream, allow_pickle=False)
