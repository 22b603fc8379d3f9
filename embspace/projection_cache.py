"""Disk cache of fitted projections, keyed by content.

One entry is two files under ``config.subdir("projections")``: ``KEY.npz`` with
the arrays (written with ``allow_pickle=False`` and read the same way) and
``KEY.json`` with the method, the effective parameters and the notes of the fit.
Both are written to a temporary file first and moved into place with
:func:`os.replace`, so a reader never sees half a file. An entry that cannot be
read, or does not match its key, is ignored and written again.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from embspace import config

logger = logging.getLogger(__name__)

CACHE_VERSION = 1
SUBDIR = "projections"


@dataclass(frozen=True)
class Entry:
    """What a cache entry holds.

    Attributes
    ----------
    coords : numpy.ndarray
        Float32 coordinates, one row per projected row.
    explained_variance_ratio : numpy.ndarray or None
        PCA only.
    notes : tuple of str
        Notes produced by the fit itself.
    """

    coords: np.ndarray
    explained_variance_ratio: np.ndarray | None
    notes: tuple[str, ...]


def cache_key(
    fingerprint: str, rows: np.ndarray, method: str, params: dict[str, Any]
) -> str:
    """Hash of everything that determines a projection.

    Parameters
    ----------
    fingerprint : str
        :attr:`Space.fingerprint` of the vectors.
    rows : numpy.ndarray
        The projected row ids, in order.
    method : str
        ``pca``, ``umap`` or ``tsne``.
    params : dict
        Effective, json-safe parameters (after clamping), including
        ``n_components`` and library versions.

    Returns
    -------
    str
        32 hex digits.
    """
    header = {
        "version": CACHE_VERSION,
        "fingerprint": fingerprint,
        "method": method,
        "params": params,
    }
    digest = hashlib.blake2b(digest_size=16)
    digest.update(json.dumps(header, sort_keys=True).encode())
    digest.update(np.ascontiguousarray(rows, dtype="<i8").tobytes())
    return digest.hexdigest()


def _paths(key: str) -> tuple[Path, Path]:
    folder = config.subdir(SUBDIR)
    return folder / f"{key}.npz", folder / f"{key}.json"


def load(key: str, *, rows: np.ndarray, n_components: int) -> Entry | None:
    """Read an entry, or ``None`` if it is missing, corrupt or does not match.

    Parameters
    ----------
    key : str
        From :func:`cache_key`.
    rows : numpy.ndarray
        The row ids the entry must hold, in order.
    n_components : int
        Width the coordinates must have.
    """
    arrays_path, meta_path = _paths(key)
    if not (arrays_path.is_file() and meta_path.is_file()):
        return None

    try:
        entry = _read(arrays_path, meta_path, key, rows, n_components)
    except Exception as error:  # noqa: BLE001 - any damage means "not cached"
        logger.warning("ignoring damaged projection cache %s: %s", key, error)
        return None

    logger.debug("projection cache hit %s", key)
    return entry


def _read(
    arrays_path: Path, meta_path: Path, key: str, rows: np.ndarray, n_components: int
) -> Entry:
    meta = json.loads(meta_path.read_text(encoding="utf-8"))
    if meta.get("key") != key:
        raise ValueError("the sidecar belongs to another entry")

    with np.load(arrays_path, allow_pickle=False) as stored:
        coords = np.array(stored["coords"], dtype=np.float32)
        indices = np.array(stored["indices"])
        ratio = stored["explained_variance_ratio"] if meta.get("has_ratio") else None
        ratio = None if ratio is None else np.array(ratio, dtype=np.float64)

    if coords.shape != (rows.size, n_components) or not np.array_equal(indices, rows):
        raise ValueError("the arrays do not match the requested rows")
    if not np.isfinite(coords).all():
        raise ValueError("the coordinates are not finite")
    notes = tuple(str(note) for note in meta.get("notes", []))
    return Entry(coords, ratio, notes)


def store(key: str, *, rows: np.ndarray, entry: Entry, method: str) -> None:
    """Write an entry atomically; failures are logged, never raised.

    Parameters
    ----------
    key : str
        From :func:`cache_key`.
    rows : numpy.ndarray
        The projected row ids.
    entry : Entry
        The fitted result.
    method : str
        Recorded in the sidecar for people reading the folder.
    """
    arrays_path, meta_path = _paths(key)
    arrays = {"coords": entry.coords, "indices": np.asarray(rows, dtype=np.int64)}
    if entry.explained_variance_ratio is not None:
        arrays["explained_variance_ratio"] = entry.explained_variance_ratio
    meta = {
        "key": key,
        "method": method,
        "has_ratio": entry.explained_variance_ratio is not None,
        "notes": list(entry.notes),
    }

    try:
        _write_atomic(arrays_path, lambda f: np.savez(f, allow_pickle=False, **arrays))
        text = json.dumps(meta, ensure_ascii=False).encode()
        _write_atomic(meta_path, lambda f: f.write(text))
    except OSError as error:
        logger.warning("could not write projection cache %s: %s", key, error)
        return
    logger.info("cached projection %s (%d rows)", key, rows.size)


def _write_atomic(path: Path, write) -> None:
    handle, temporary = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as stream:
            write(stream)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
