"""Writers: word2vec text and binary, the Projector TSV pair, ``.npy`` + keys.

Numbers are written in their shortest form that reads back to the same
float32 (Arrow formats them in blocks, no Python loop over values).
"""

from __future__ import annotations

import logging
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

logger = logging.getLogger(__name__)

WRITE_FORMATS = ("word2vec", "word2vec-binary", "tsv", "npy")
BLOCK_ROWS = 65_536


def write_word2vec(keys, vectors: np.ndarray, path: Path) -> list[Path]:
    """word2vec text: ``count dim`` and one ``key numbers...`` line per key."""
    _check_keys(keys, forbidden="\n\r", what="word2vec text")
    with path.open("wb") as out:
        out.write(f"{len(keys)} {vectors.shape[1]}\n".encode())
        for start in range(0, len(keys), BLOCK_ROWS):
            stop = start + BLOCK_ROWS
            out.write(_lines(keys[start:stop], vectors[start:stop], " "))
    return [path]


def write_word2vec_binary(keys, vectors: np.ndarray, path: Path) -> list[Path]:
    """word2vec binary, as gensim writes it (a newline after each record)."""
    _check_keys(keys, forbidden=" \n\r", what="word2vec binary")
    little = np.ascontiguousarray(vectors, dtype="<f4")
    with path.open("wb") as out:
        out.write(f"{len(keys)} {vectors.shape[1]}\n".encode())
        for key, row in zip(keys, little):
            out.write(key.encode("utf-8") + b" " + row.tobytes() + b"\n")
    return [path]


def write_tsv(keys, vectors: np.ndarray, path: Path, metadata=None) -> list[Path]:
    """Projector pair: ``vectors.tsv`` (numbers) and ``metadata.tsv`` (labels).

    With extra metadata columns the metadata file has a header line and a
    ``label`` column first; otherwise it is one label per line, no header.
    """
    vectors_path, metadata_path = tsv_paths(path)
    with vectors_path.open("wb") as out:
        for start in range(0, len(keys), BLOCK_ROWS):
            block = vectors[start : start + BLOCK_ROWS]
            out.write(_lines(None, block, "\t"))

    columns = _metadata_columns(keys, metadata)
    for name, values in columns.items():
        _check_keys(values, forbidden="\t\n\r", what=f"metadata column {name!r}")
    with metadata_path.open("w", encoding="utf-8", newline="\n") as out:
        if len(columns) > 1:
            out.write("\t".join(columns) + "\n")
        for row in zip(*columns.values()):
            out.write("\t".join(row) + "\n")
    return [vectors_path, metadata_path]


def write_npy(keys, vectors: np.ndarray, path: Path) -> list[Path]:
    """``name.npy`` (float32, no pickle) and ``name.keys.txt`` (one per line)."""
    _check_keys(keys, forbidden="\n\r", what="a keys file")
    npy_path, keys_path = npy_paths(path)
    np.save(npy_path, np.ascontiguousarray(vectors, dtype=np.float32))
    with keys_path.open("w", encoding="utf-8", newline="\n") as out:
        for start in range(0, len(keys), BLOCK_ROWS):
            out.write("".join(k + "\n" for k in keys[start : start + BLOCK_ROWS]))
    return [npy_path, keys_path]


def npy_paths(path: Path) -> tuple[Path, Path]:
    """Where ``.npy`` + keys go: ``x.npy`` and ``x.keys.txt``."""
    npy_path = path if path.suffix == ".npy" else path.with_suffix(".npy")
    return npy_path, npy_path.with_suffix(".keys.txt")


def output_paths(path: Path, format: str) -> list[Path]:
    """The files a writer of ``format`` would write for ``path``; writes nothing."""
    if format == "tsv":
        return list(tsv_targets(path))
    if format == "npy":
        return list(npy_paths(path))
    return [path]


def tsv_paths(path: Path) -> tuple[Path, Path]:
    """Where the Projector pair goes: a folder, or ``x.tsv`` + ``x_metadata.tsv``.

    A folder (a path without suffix) is created.
    """
    if path.suffix == "":
        path.mkdir(parents=True, exist_ok=True)
    return tsv_targets(path)


def tsv_targets(path: Path) -> tuple[Path, Path]:
    """The two files of :func:`tsv_paths`, without creating anything."""
    if path.suffix == "":
        return path / "vectors.tsv", path / "metadata.tsv"
    if path.stem == "vectors":
        return path, path.with_name("metadata.tsv")
    return path, path.with_name(f"{path.stem}_metadata.tsv")


def _metadata_columns(keys, metadata) -> dict[str, list[str]]:
    columns = {"label": list(keys)}
    if metadata is None:
        return columns
    for name in metadata.columns:
        values = ["" if v is None else str(v) for v in metadata[name].tolist()]
        if values == columns["label"]:
            continue
        columns[str(name)] = values
    return columns


def _check_keys(keys, *, forbidden: str, what: str) -> None:
    for i, key in enumerate(keys):
        if any(c in key for c in forbidden):
            raise ValueError(
                f"key {i} ({key[:30]!r}) contains {_names(forbidden, key)}, which "
                f"{what} cannot hold; use the tsv or npy export instead"
            )


def _names(forbidden: str, key: str) -> str:
    labels = {" ": "a space", "\t": "a tab", "\n": "a line feed", "\r": "a CR"}
    return " and ".join(labels[c] for c in forbidden if c in key)


def _lines(keys, block: np.ndarray, separator: str) -> bytes:
    """Rows of ``block`` as text lines, each optionally led by its key."""
    columns = [
        pc.cast(pa.array(block[:, j], pa.float32()), pa.string())
        for j in range(block.shape[1])
    ]
    if keys is not None:
        columns.insert(0, pa.array(list(keys), pa.string()))
    lines = pc.binary_join_element_wise(*columns, separator)
    lines = pc.binary_join_element_wise(lines, pa.scalar("\n"), "")
    return "".join(lines.to_pylist()).encode("utf-8") if len(lines) else b""


def export_bundle(keys, vectors, metadata, *, format: str, stem: str):
    """One downloadable file: the text file itself, or a ZIP of a pair.

    Parameters
    ----------
    keys, vectors, metadata
        What to export (already cut to the wanted rows).
    format : str
        One of :data:`WRITE_FORMATS`.
    stem : str
        Base of the file names.

    Returns
    -------
    tuple
        ``(file name, bytes)``.
    """
    import io
    import tempfile
    import zipfile

    writer = {
        "word2vec": (write_word2vec, f"{stem}.txt"),
        "word2vec-binary": (write_word2vec_binary, f"{stem}.bin"),
        "tsv": (None, "vectors.tsv"),
        "npy": (write_npy, f"{stem}.npy"),
    }[format]

    with tempfile.TemporaryDirectory() as folder:
        target = Path(folder) / writer[1]
        if format == "tsv":
            paths = write_tsv(keys, vectors, target, metadata)
        else:
            paths = writer[0](keys, vectors, target)
        if len(paths) == 1:
            return paths[0].name, paths[0].read_bytes()

        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            for path in paths:
                archive.write(path, arcname=path.name)
        return f"{stem}-{format}.zip", buffer.getvalue()
