"""embspace: explore a word embedding space in the browser.

Run with ``streamlit run app.py``. Each page lives in ``pages/``; this file
only sets up the page, the dataset picker and the navigation.
"""

from __future__ import annotations

import streamlit as st

import embspace.store  # noqa: F401  (stored ids such as u-... resolve on every page)
from pages.common import dataset_picker, start_warm_up

st.set_page_config(layout="wide", page_title="embspace", page_icon="🧭")

PAGES = [
    st.Page("pages/explore.py", title="Explore", default=True, url_path="explore"),
    st.Page("pages/analogies.py", title="Analogies", url_path="analogies"),
    st.Page("pages/word_sets.py", title="Word sets", url_path="word_sets"),
    st.Page("pages/upload.py", title="Upload", url_path="upload"),
    st.Page("pages/train.py", title="Train", url_path="train"),
    st.Page("pages/evaluate.py", title="Evaluate", url_path="evaluate"),
    st.Page("pages/about.py", title="About", url_path="about"),
]

start_warm_up()
navigation = st.navigation(PAGES)
dataset_picker()
navigation.run()
