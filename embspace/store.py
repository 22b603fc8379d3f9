"""Content-addressed store of uploaded and trained datasets.

A dataset is kept under ``<data dir>/datasets/<id>/`` as ``vectors.npy``
(float32, no pickle), ``keys.parquet``, an optional ``metadata.parquet`` and
``meta.json``. The id is ``u-`` plus 20 hex digits of a BLAKE2b hash of the
normalised content (keys, float32 vectors and metadata), so saving the same
content twice gives the same id, and an id cannot be guessed without the
data. There is deliberately no function that lists stored datasets.

The space of a stored dataset is named after its title (the uploaded file's
name), so pages show that; links and the command line use the id.
:func:`name_dataset` gives a dataset a name of the operator's choosing for
the command line (``train --out NAME``, then ``--dataset NAME``); names live
in ``names.json`` next to the datasets and are resolved by :func:`named`.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
import shutil
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

from embspace import config, datasets
from embspace.space import Space
from embspace.wording import counted

logger = logging.getLogger(__name__)

ID_PATTERN = re.compile(r"u-[0-9a-f]{20}")
STORE_DIR = "datasets"
NAMES_FILE = "names.json"
MAX_NAME = 200


def dataset_id(keys, vectors: np.ndarray, metadata=None) -> str:
    """The store id of some content: ``u-`` and 20 hex digits.

    Parameters
    ----------
    keys : sequence of str
        Keys in row order.
    vectors : numpy.ndarray
        The matrix (hashed as C-ordered little-endian float32).
    metadata : pandas.DataFrame, optional
        Extra columns, hashed as CSV text.
    """
    digest = hashlib.blake2b(digest_size=16)
    matrix = np.ascontiguousarray(vectors, dtype="<f4")
    digest.update(f"{matrix.shape[0]} {matrix.shape[1]}\n".encode())

    for start in range(0, len(keys), 65_536):
        block = "\n".join(keys[start : start + 65_536]) + "\n"
        digest.update(block.encode("utf-8", "surrogatepass"))
    digest.update(memoryview(matrix).cast("B"))

    if metadata is not None:
        digest.update(metadata.to_csv(index=False).encode("utf-8", "surrogatepass"))
    return "u-" + digest.hexdigest()[:20]


def save(result_or_space, *, title: str, source: str) -> str:
    """Keep a dataset in the store and return its id.

    Parameters
    ----------
    result_or_space : LoadResult or Space
        Anything with ``keys``, ``vectors`` and ``metadata``.
    title : str
        Human-readable name (e.g. the uploaded file's name).
    source : str
        Where it came from, e.g. ``upload: vectors.txt (word2vec)``.

    Returns
    -------
    str
        The dataset id.
    """
    keys = [str(k) for k in result_or_space.keys]
    vectors = np.ascontiguousarray(result_or_space.vectors, dtype=np.float32)
    metadata = getattr(result_or_space, "metadata", None)
    ordered = bool(getattr(result_or_space, "frequency_ordered", False))
    new_id = dataset_id(keys, vectors, metadata)

    final = _folder(new_id)
    if final.is_dir():
        logger.info("dataset %s is already stored", new_id)
        return new_id

    # Write everything into a temporary folder, then move it in one step.
    root = config.subdir(STORE_DIR)
    temporary = Path(tempfile.mkdtemp(prefix=".tmp-", dir=root))
    try:
        _write(
            temporary,
            keys,
            vectors,
            metadata,
            title=title,
            source=source,
            frequency_ordered=ordered,
        )
        os.replace(temporary, final)
    except OSError:
        shutil.rmtree(temporary, ignore_errors=True)
        if not final.is_dir():
            raise
    logger.info("stored %s: %d x %d (%s)", new_id, *vectors.shape, title)
    return new_id


def _write(
    folder: Path,
    keys,
    vectors,
    metadata,
    *,
    title: str,
    source: str,
    frequency_ordered: bool,
) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    from embspace.space import fingerprint_arrays

    np.save(folder / "vectors.npy", vectors, allow_pickle=False)
    pq.write_table(
        pa.table({"key": pa.array(keys, pa.string())}), folder / "keys.parquet"
    )
    if metadata is not None:
        frame = metadata.reset_index(drop=True)
        frame.columns = [str(c) for c in frame.columns]
        frame.to_parquet(folder / "metadata.parquet", index=False)

    meta = {
        "title": title,
        "source": source,
        "n_keys": int(vectors.shape[0]),
        "n_dims": int(vectors.shape[1]),
        "created": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "fingerprint": fingerprint_arrays(keys, vectors),
        "has_metadata": metadata is not None,
        # Rows in frequency order: a map takes the first keys, not a sample.
        "frequency_ordered": frequency_ordered,
    }
    (folder / "meta.json").write_text(json.dumps(meta, ensure_ascii=False, indent=1))


def _folder(dataset_id: str) -> Path:
    if not isinstance(dataset_id, str) or not ID_PATTERN.fullmatch(dataset_id):
        raise KeyError(
            f"dataset id {str(dataset_id)[:40]!r} is not a stored dataset id "
            "('u-' and 20 hex digits)"
        )
    return config.subdir(STORE_DIR) / dataset_id


def exists(dataset_id: str) -> bool:
    """Whether ``dataset_id`` is a well-formed id of a stored dataset."""
    try:
        return (_folder(dataset_id) / "meta.json").is_file()
    except KeyError:
        return False


def describe(dataset_id: str) -> dict[str, Any]:
    """Title, source, ``n_keys``, ``n_dims`` and ``created`` of a stored dataset.

    Raises
    ------
    KeyError
        If the id is malformed or not in the store.
    """
    path = _folder(dataset_id) / "meta.json"
    if not path.is_file():
        raise KeyError(f"no stored dataset {dataset_id!r}")
    return json.loads(path.read_text(encoding="utf-8"))


def load(dataset_id: str) -> Space:
    """The stored dataset as a read-only, memory-mapped :class:`Space`.

    Raises
    ------
    KeyError
        If the id is malformed or not in the store.
    """
    import pandas as pd
    import pyarrow.parquet as pq

    meta = describe(dataset_id)
    folder = _folder(dataset_id)
    vectors = np.load(folder / "vectors.npy", mmap_mode="r", allow_pickle=False)
    keys = pq.read_table(folder / "keys.parquet").column("key").to_pylist()
    metadata = None
    if (folder / "metadata.parquet").is_file():
        metadata = pd.read_parquet(folder / "metadata.parquet")

    logger.info("loaded stored dataset %s: %d x %d", dataset_id, *vectors.shape)
    return Space(
        keys,
        vectors,
        name=display_name(meta, dataset_id),
        metadata=metadata,
        fingerprint=meta.get("fingerprint"),
        frequency_ordered=bool(meta.get("frequency_ordered", False)),
    )


def display_name(meta: dict[str, Any], dataset_id: str) -> str:
    """The name a stored dataset is shown under: its title, else its id."""
    title = str(meta.get("title") or "").strip()
    return title or dataset_id


# -- names for the command line ------------------------------------------------------


def check_name(name: str) -> str:
    """``name`` stripped, if it can name a dataset on the command line.

    Raises
    ------
    ValueError
        If it is empty, longer than ``MAX_NAME`` characters, holds a control
        character, or is already the id of a built-in or stored dataset.
    """
    text = name.strip() if isinstance(name, str) else ""
    if not text:
        raise ValueError(f"dataset name {name!r} is empty; give a name such as lee-w2v")
    if len(text) > MAX_NAME:
        raise ValueError(
            f"dataset name is {len(text)} characters long; at most {MAX_NAME}"
        )
    if any(ord(c) < 32 or ord(c) == 127 for c in text):
        raise ValueError(f"dataset name {text!r} holds a control character")
    builtin = {info.id for info in datasets.list_datasets()}
    if text in builtin or ID_PATTERN.fullmatch(text):
        raise ValueError(
            f"dataset name {text!r} is a dataset id already; choose another name"
        )
    return text


def name_dataset(name: str, dataset_id: str) -> str:
    """Let ``name`` stand for a stored dataset on the command line.

    A name given again moves to the new dataset.

    Parameters
    ----------
    name : str
        Checked with :func:`check_name`.
    dataset_id : str
        A stored dataset id.

    Returns
    -------
    str
        The checked name.
    """
    name = check_name(name)
    if not exists(dataset_id):
        raise KeyError(f"no stored dataset {dataset_id!r}")
    names = _read_names()
    names[name] = dataset_id
    path = config.subdir(STORE_DIR) / NAMES_FILE
    temporary = path.with_name(f".{NAMES_FILE}.{os.getpid()}")
    temporary.write_text(json.dumps(names, ensure_ascii=False, indent=1))
    os.replace(temporary, path)
    logger.info("dataset name %r -> %s", name, dataset_id)
    return name


def named(name: str) -> str | None:
    """The stored dataset id a name stands for, or ``None``."""
    dataset_id = _read_names().get(name.strip()) if isinstance(name, str) else None
    return dataset_id if dataset_id and exists(dataset_id) else None


def _read_names() -> dict[str, str]:
    path = config.subdir(STORE_DIR) / NAMES_FILE
    try:
        names = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except (OSError, ValueError) as error:
        logger.warning("ignoring unreadable %s: %s", path, error)
        return {}
    return names if isinstance(names, dict) else {}


def _resolve(dataset_id: str) -> datasets.DatasetInfo | None:
    """Registry entry for a stored id, so ``datasets.load("u-...")`` works."""
    if not exists(dataset_id):
        return None
    meta = describe(dataset_id)
    return datasets.DatasetInfo(
        id=dataset_id,
        title=f"{display_name(meta, dataset_id)} ({meta['n_keys']:,} x "
        f"{meta['n_dims']})",
        description=(
            f"{counted(meta['n_keys'], 'key')} x "
            f"{counted(meta['n_dims'], 'dimension')}; "
            f"{meta['source']}; stored {meta['created']}"
        ),
        loader=lambda: load(dataset_id),
    )


datasets.add_resolver(_resolve)
