"""Reading and writing vector files: sniffing, one reader per format, writers.

Every reader returns the same :class:`LoadResult` (keys, a float32 matrix,
optional metadata and a list of warnings with line numbers); :func:`sniff`
picks the reader from the content, and nothing outside this package knows
about formats. Nothing here unpickles data.

Examples
--------
>>> result = read("vectors.txt")                       # doctest: +SKIP
>>> space = result.to_space(name="my-vectors")         # doctest: +SKIP
>>> write(space, "out.tsv", format="tsv")              # doctest: +SKIP
"""

from __future__ import annotations

import logging
from pathlib import Path

import numpy as np

from embspace.formats import sniff as _sniffing  # before def sniff shadows it
from embspace.formats.base import (
    FORMATS,
    MAX_DECOMPRESSED_BYTES,
    MAX_DIMS,
    FormatError,
    LoadResult,
    Problem,
)
from embspace.formats.checks import check
from embspace.formats.source import Source
from embspace.formats.writers import WRITE_FORMATS

logger = logging.getLogger(__name__)

__all__ = [
    "FORMATS",
    "MAX_DECOMPRESSED_BYTES",
    "MAX_DIMS",
    "WRITE_FORMATS",
    "FormatError",
    "LoadResult",
    "Problem",
    "read",
    "sniff",
    "write",
    "export",
    "output_paths",
    "read_upload",
]


def sniff(path, *, head: bytes | None = None, name: str | None = None) -> str:
    """The format of a file, guessed from its content.

    Parameters
    ----------
    path : path-like
        The file (gzip-compressed files are looked into).
    head : bytes, optional
        The first bytes of the decompressed content, if already read.
    name : str, optional
        The file name used in messages (default: the path's name).

    Returns
    -------
    str
        One of :data:`FORMATS`.

    Raises
    ------
    FormatError
        For empty, pickle-based, foreign or unrecognised files.
    """
    source = Source.open_path(path, name=name)
    if head is not None:
        return _sniffing.sniff_bytes(head, name=source.name, path=source.path)
    return _sniffing.sniff_source(source)


def read(
    path,
    *,
    format: str | None = None,
    metadata_path=None,
    labels_path=None,
    name: str | None = None,
    label_column: str | int | None = None,
    max_bytes: int | None = None,
) -> LoadResult:
    """Read vectors from a file in any supported format.

    Parameters
    ----------
    path : path-like
        The vectors file (gzip-compressed or not).
    format : str, optional
        One of :data:`FORMATS`; sniffed from the content when ``None``.
    metadata_path : path-like, optional
        A Projector ``metadata.tsv``: labels, and extra columns when it has
        several (then with a header line).
    labels_path : path-like, optional
        A text file with one label per line (for ``.npy``, TSV, ...).
    name : str, optional
        The file name used in messages (an upload keeps its original name).
    label_column : str or int, optional
        For CSV, TSV and Parquet: the column (name, or 1-based number) with the
        keys.
    max_bytes : int, optional
        Cap on the decompressed size; default :data:`MAX_DECOMPRESSED_BYTES`.

    Returns
    -------
    LoadResult

    Raises
    ------
    FormatError
        If the file cannot be read; the message is one line naming the file,
        the line or byte, and the rule.
    """
    source = Source.open_path(path, name=name, max_bytes=max_bytes)
    if format is None:
        format = _sniffing.sniff_source(source)
    elif format not in FORMATS:
        raise ValueError(f"format={format!r} is not one of {', '.join(FORMATS)}")

    parsed = _read_format(source, format, label_column)
    if parsed.vectors.shape[0] == 0:
        # The first thing the reader ran into is why nothing loaded.
        reason = parsed.warnings[0] if parsed.warnings else source.name
        raise FormatError(f"{reason}, so the file holds no vectors")

    # Labels from a separate file replace numbered or file keys.
    extra = metadata_path if metadata_path is not None else labels_path
    if extra is not None:
        _attach_labels(parsed, extra, single=metadata_path is None)

    keys, warnings = check(parsed.keys, parsed.vectors, parsed.rows, source.name)
    vectors = np.ascontiguousarray(parsed.vectors, dtype=np.float32)
    return LoadResult(
        keys=keys,
        vectors=vectors,
        metadata=parsed.metadata,
        format=format,
        warnings=parsed.warnings + warnings,
    )


def _read_format(source: Source, format: str, label_column):
    if format in ("word2vec", "glove"):
        from embspace.formats.text import read_text

        return read_text(source, header=format == "word2vec")
    if format == "word2vec-binary":
        from embspace.formats.binary import read_binary

        return read_binary(source)
    if format in ("tsv", "csv"):
        from embspace.formats.tabular import read_delimited

        delimiter = "\t" if format == "tsv" else ","
        return read_delimited(source, delimiter=delimiter, label_column=label_column)
    if format == "parquet":
        from embspace.formats.tabular import read_parquet

        return read_parquet(source, label_column=label_column)

    from embspace.formats.arrays import read_npy, read_npz

    return read_npy(source) if format == "npy" else read_npz(source)


def _attach_labels(parsed, path, *, single: bool) -> None:
    from embspace.formats.tabular import read_metadata

    labels, metadata, warnings = read_metadata(
        path, n_rows=len(parsed.keys), single=single
    )
    parsed.keys = list(labels)
    parsed.warnings += warnings
    if metadata is not None:
        parsed.metadata = metadata


def write(space_or_result, path, *, format: str) -> list[Path]:
    """Write a space (or a :class:`LoadResult`) in a portable format.

    Parameters
    ----------
    space_or_result : Space or LoadResult
        Anything with ``keys`` and ``vectors`` (and optionally ``metadata``).
    path : path-like
        Output file; for ``tsv`` a folder or the vectors file, for ``npy``
        the ``.npy`` file (keys go to ``name.keys.txt`` next to it).
    format : str
        One of :data:`~embspace.formats.writers.WRITE_FORMATS`.

    Returns
    -------
    list of Path
        The files written.
    """
    from embspace.formats import writers

    if format not in WRITE_FORMATS:
        raise ValueError(
            f"format={format!r} cannot be written; choose one of "
            + ", ".join(WRITE_FORMATS)
        )

    path = Path(path)
    keys = list(space_or_result.keys)
    vectors = np.asarray(space_or_result.vectors, dtype=np.float32)
    metadata = getattr(space_or_result, "metadata", None)
    logger.info("writing %d x %d as %s to %s", *vectors.shape, format, path)

    if format == "word2vec":
        return writers.write_word2vec(keys, vectors, path)
    if format == "word2vec-binary":
        return writers.write_word2vec_binary(keys, vectors, path)
    if format == "tsv":
        return writers.write_tsv(keys, vectors, path, metadata)
    return writers.write_npy(keys, vectors, path)


def output_paths(path, *, format: str) -> list[Path]:
    """The files :func:`write` would write for ``path``, without writing.

    Parameters
    ----------
    path : path-like
        The output as given to :func:`write`.
    format : str
        One of :data:`~embspace.formats.writers.WRITE_FORMATS`.

    Returns
    -------
    list of Path
    """
    from embspace.formats import writers

    if format not in WRITE_FORMATS:
        raise ValueError(
            f"format={format!r} cannot be written; choose one of "
            + ", ".join(WRITE_FORMATS)
        )
    return writers.output_paths(Path(path), format)


def export(space_or_result, *, format: str, limit: int | None = None):
    """The first ``limit`` rows as one downloadable file (a ZIP for pairs).

    Parameters
    ----------
    space_or_result : Space or LoadResult
        What to export.
    format : str
        One of :data:`~embspace.formats.writers.WRITE_FORMATS`.
    limit : int, optional
        Export only the first ``limit`` rows.

    Returns
    -------
    tuple
        ``(file name, bytes)``.
    """
    from embspace.formats.writers import export_bundle

    if format not in WRITE_FORMATS:
        raise ValueError(
            f"format={format!r} cannot be written; choose one of "
            + ", ".join(WRITE_FORMATS)
        )
    if limit is not None and limit < 1:
        raise ValueError(f"limit={limit} must be at least 1")

    stop = len(space_or_result.keys) if limit is None else limit
    keys = list(space_or_result.keys[:stop])
    vectors = np.asarray(space_or_result.vectors[:stop], dtype=np.float32)
    metadata = getattr(space_or_result, "metadata", None)
    if metadata is not None:
        metadata = metadata.iloc[:stop]
    stem = str(getattr(space_or_result, "name", "vectors")) or "vectors"
    return export_bundle(keys, vectors, metadata, format=format, stem=stem)


def read_upload(
    stream,
    *,
    name: str,
    format: str | None = None,
    metadata_stream=None,
    metadata_name: str | None = None,
    label_column: str | int | None = None,
) -> LoadResult:
    """Read an uploaded file (a binary stream) via a temporary copy.

    Parameters
    ----------
    stream : file-like
        The uploaded bytes.
    name : str
        The original file name, used in messages and to spot pickle suffixes.
    format : str, optional
        Manual override; sniffed when ``None``.
    metadata_stream : file-like, optional
        A metadata or labels file uploaded with it.
    metadata_name : str, optional
        Its original name.
    label_column : str or int, optional
        See :func:`read`.
    """
    import shutil
    import tempfile

    with tempfile.TemporaryDirectory(prefix="embspace-upload-") as folder:
        path = Path(folder) / ("vectors" + _safe_suffix(name))
        with path.open("wb") as out:
            shutil.copyfileobj(stream, out, 1 << 20)

        metadata_path = None
        if metadata_stream is not None:
            metadata_path = Path(folder) / "metadata.tsv"
            with metadata_path.open("wb") as out:
                shutil.copyfileobj(metadata_stream, out, 1 << 20)

        result = read(
            path,
            format=format,
            metadata_path=metadata_path,
            name=name,
            label_column=label_column,
        )
        if metadata_name and metadata_path is not None:
            result.warnings[:] = [
                w.replace("metadata.tsv", metadata_name) for w in result.warnings
            ]
        return result


def _safe_suffix(name: str) -> str:
    suffix = Path(name).suffix.lower()
    return suffix if suffix.isascii() and suffix[1:].isalnum() else ""
