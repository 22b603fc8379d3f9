"""Where embspace keeps its files, and process-wide settings.

The data directory holds the projection cache, stored uploads, saved views and
numba's compiled kernels. It defaults to the user's cache directory and can be
moved with the environment variable ``EMBSPACE_DATA_DIR``.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path

logger = logging.getLogger(__name__)

DATA_DIR_ENV = "EMBSPACE_DATA_DIR"


def data_dir() -> Path:
    """Return the data directory, creating it if needed.

    Returns
    -------
    Path
        ``$EMBSPACE_DATA_DIR`` if set, else the user's cache directory.
    """
    configured = os.environ.get(DATA_DIR_ENV)
    if configured:
        path = Path(configured).expanduser()
    else:
        import platformdirs

        path = Path(platformdirs.user_cache_dir("embspace"))

    path.mkdir(parents=True, exist_ok=True)
    return path


def subdir(name: str) -> Path:
    """Return a named folder under the data directory, creating it if needed."""
    path = data_dir() / name
    path.mkdir(parents=True, exist_ok=True)
    return path


def configure_numba() -> None:
    """Point numba at a persistent cache and a thread-safe threading layer.

    Must run before numba is first imported: compiled kernels (ours and
    UMAP's) are then cached under the data directory, so only the first run on
    an installation pays for compilation, and parallel kernels may be called
    from several Streamlit sessions at once.
    """
    os.environ.setdefault("NUMBA_CACHE_DIR", str(subdir("numba")))
    os.environ.setdefault("NUMBA_THREADING_LAYER", "safe")
