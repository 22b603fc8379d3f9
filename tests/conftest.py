"""Shared fixtures: the real GloVe space, gensim's view of it, small spaces."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parent.parent
CASES = ROOT / "tests" / "data" / "cases"  # a copy of ../shared/cases


@pytest.fixture(scope="session", autouse=True)
def _data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Keep caches and stored datasets of the test run in a temporary folder.

    numba's compiled kernels stay in the user's data directory so that a test
    run does not recompile them.
    """
    import platformdirs

    numba_cache = Path(platformdirs.user_cache_dir("embspace")) / "numba"
    os.environ.setdefault("NUMBA_CACHE_DIR", str(numba_cache))
    path = tmp_path_factory.mktemp("embspace-data")
    os.environ["EMBSPACE_DATA_DIR"] = str(path)
    return path


@pytest.fixture(scope="session")
def glove():
    """The built-in GloVe 6B 50d space (400,000 x 50)."""
    from embspace import datasets

    return datasets.load("glove-6b-50d")


@pytest.fixture(scope="session")
def glove_kv(glove):
    """gensim KeyedVectors over the same matrix: the oracle."""
    from gensim.models import KeyedVectors

    kv = KeyedVectors(glove.n_dims)
    kv.add_vectors(glove.keys, np.asarray(glove.vectors))
    kv.fill_norms()
    return kv


@pytest.fixture(scope="session")
def cases_dir() -> Path:
    """The shared folder of awkward input files."""
    if not CASES.is_dir():
        pytest.fail(f"shared test cases not found at {CASES}")
    return CASES
