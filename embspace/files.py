"""Reading a small input file whole: a path or an upload's bytes, capped, gzip.

Benchmark files (:mod:`embspace.benchmarks`) and training corpora
(:mod:`embspace.train`) are read by :func:`read_capped`; vector files have
their own streaming reader in :mod:`embspace.formats.source`.
"""

from __future__ import annotations

import gzip
import io
import logging
import os
from pathlib import Path

logger = logging.getLogger(__name__)

GZIP_MAGIC = b"\x1f\x8b"

Source = str | os.PathLike | bytes


def read_capped(
    source: Source, *, what: str, limit: int, name: str | None = None
) -> tuple[bytes, str]:
    """File contents, gunzipped if compressed, and the name for messages.

    Parameters
    ----------
    source : path or bytes
        A file path, or the contents of an uploaded file.
    what : str
        What the file is, for messages: ``"benchmark file"``, ``"corpus"``.
    limit : int
        Most bytes read, before and after unpacking.
    name : str, optional
        Name used in messages; the file name by default, ``"uploaded <what>"``
        for bytes.

    Returns
    -------
    data : bytes
        The (unpacked) contents.
    label : str
        The name used in messages.

    Raises
    ------
    ValueError
        If the path is not a file, the contents are larger than ``limit``
        (packed or unpacked), or a gzip stream is broken; the message names
        the file and the rule.
    """
    if isinstance(source, bytes):
        data, label = source, name or f"uploaded {what}"
    else:
        path = Path(source)
        label = name or path.name
        if not path.is_file():
            raise ValueError(f"{what} {str(path)!r} is not a file")
        if path.stat().st_size > limit:
            raise ValueError(f"{label}: larger than {_size(limit)}; not read")
        data = path.read_bytes()

    if data[:2] == GZIP_MAGIC:
        data = _gunzip(data, label, limit)
    if len(data) > limit:
        raise ValueError(f"{label}: larger than {_size(limit)}; not read")
    logger.debug("read %s %s: %d bytes", what, label, len(data))
    return data, label


def _gunzip(data: bytes, label: str, limit: int) -> bytes:
    try:
        with gzip.GzipFile(fileobj=io.BytesIO(data)) as stream:
            out = stream.read(limit + 1)
    except (OSError, EOFError) as error:
        raise ValueError(f"{label}: not a readable gzip file ({error})") from None
    if len(out) > limit:
        raise ValueError(f"{label}: larger than {_size(limit)} once unpacked; not read")
    return out


def _size(limit: int) -> str:
    """``limit`` in MB when whole, else in bytes."""
    if limit >= 2**20 and limit % 2**20 == 0:
        return f"{limit // 2**20} MB"
    return f"{limit:,} bytes"
