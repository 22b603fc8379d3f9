"""Helpers shared by the pages: cached loaders, the dataset picker, errors.

Streamlit lives only here and in the page files; everything they compute comes
from :mod:`embspace`.
"""

from __future__ import annotations

import logging

import streamlit as st

from embspace import datasets
from embspace.space import Space

logger = logging.getLogger(__name__)


@st.cache_resource(show_spinner="Loading vectors…")
def get_space(dataset_id: str) -> Space:
    """The shared, read-only space for a dataset id (one per process)."""
    return datasets.load(dataset_id)


def current_dataset_id() -> str:
    """The dataset chosen in this session (default: built-in GloVe)."""
    return st.session_state.get("dataset_id", datasets.DEFAULT_DATASET)


def current_space() -> Space:
    """The space of the current dataset."""
    return get_space(current_dataset_id())


def show_error(error: Exception) -> None:
    """Show a failed query as one line, never a traceback."""
    if isinstance(error, KeyError) and type(error) is KeyError and error.args:
        message = str(error.args[0])
    else:
        message = str(error)
    st.error(message)
