"""embspace: explore a word embedding space in the browser.

Run with ``streamlit run app.py``. Each page lives in ``pages/``; this file
only sets up the page, reads a shared link, shows the dataset picker and the
share panel, and runs the navigation.
"""

from __future__ import annotations

from pathlib import Path

import streamlit as st

import embspace.store  # noqa: F401  (stored ids such as u-... resolve on every page)
from pages import link
from pages.common import dataset_picker, start_warm_up

ASSETS = Path(__file__).parent / "assets"

st.set_page_config(layout="wide", page_title="embspace", page_icon="🧭")
st.logo(str(ASSETS / "logo.svg"), size="large")

TITLES = {
    "explore": "Explore",
    "analogies": "Analogies",
    "word-sets": "Word sets",
    "upload": "Upload",
    "train": "Train",
    "evaluate": "Evaluate",
    "about": "About",
}
PAGES = {
    name: st.Page(link.PAGE_FILES[name], title=title, url_path=link.URL_PATHS[name])
    for name, title in TITLES.items()
}


def _home() -> None:
    """The root URL opens Explore at ``/explore``, keeping the link."""
    st.switch_page(PAGES["explore"], query_params=st.query_params.to_dict())


# Every page, Explore too, has its own path, so links name their page.
HOME = st.Page(_home, title="embspace", default=True, visibility="hidden")
MOVED = link.moved_pages(PAGES)

start_warm_up()
navigation = st.navigation([HOME, *PAGES.values(), *MOVED])
page = next((name for name, item in PAGES.items() if item is navigation), None)
page = page or MOVED.get(navigation, "explore")
link.open_link(page)
dataset_picker()
if navigation is not HOME and navigation not in MOVED:
    link.show_warnings()
navigation.run()
link.share_sidebar(page)
