"""Links and view files: the URL always carries the view on the screen.

- :func:`open_link` (called by ``app.py`` on every run) reads the URL on a
  session's first run with :func:`embspace.share.from_query_params`, checks it
  against this server's datasets and keys, and keeps the view for its page;
  a link or view file for another page switches to that page.
- A page calls :func:`take` before drawing its widgets, to fill them from a
  new link, and :func:`publish` with the view it shows, which rewrites the
  query parameters (only values that differ from the defaults).
- :func:`share_sidebar` shows the link to copy, the view file to download and
  an uploader that opens a view file.

The page is the URL path (``/explore``, ``/analogies``, ``/word-sets``, ...);
the ``page`` field of a view is written only into saved views and view files.
Old paths (``/word_sets``) open the page at its new path, keeping the link.
"""

from __future__ import annotations

import dataclasses
import logging
import sqlite3
from collections.abc import Callable, Sequence
from typing import Any
from urllib.parse import quote, urlencode, urlsplit

import streamlit as st

from embspace import selection, share, views
from embspace.share import ViewState
from pages.common import choose_dataset, current_dataset_id, get_space, plain

logger = logging.getLogger(__name__)

PAGE_FILES = {
    "explore": "pages/explore.py",
    "analogies": "pages/analogies.py",
    "word-sets": "pages/word_sets.py",
    "upload": "pages/upload.py",
    "train": "pages/train.py",
    "evaluate": "pages/evaluate.py",
    "about": "pages/about.py",
}
URL_PATHS = {name: name for name in PAGE_FILES}
# Paths that earlier versions wrote into links; they redirect to the new path.
OLD_URL_PATHS = {"word_sets": "word-sets"}

_READ = "_link_read"
_PENDING = "_link_pending"
_WARNINGS = "_link_warnings"
_VIEW = "_link_view"


def moved_pages(pages: dict[str, Any]) -> dict[Any, str]:
    """Hidden pages at the old URL paths, each to the name of its page.

    Parameters
    ----------
    pages : dict of str to st.Page
        The app's pages by name.

    Returns
    -------
    dict of st.Page to str
        Running one switches to the page of the new path with the same query
        parameters.
    """

    def mover(name: str) -> Callable[[], None]:
        def move() -> None:
            st.switch_page(pages[name], query_params=st.query_params.to_dict())

        return move

    return {
        st.Page(mover(name), title=name, url_path=old, visibility="hidden"): name
        for old, name in OLD_URL_PATHS.items()
    }


# -- reading a link or a view file ------------------------------------------------


def open_link(page: str) -> None:
    """Read the URL on the session's first run; go to the page of a new view.

    Parameters
    ----------
    page : str
        The page being run (a name of ``PAGE_FILES``).
    """
    if not st.session_state.get(_READ):
        st.session_state[_READ] = True
        params = {name: st.query_params.get_all(name) for name in st.query_params}
        if params:
            _accept(*read_link(params, page=page))

    pending = st.session_state.get(_PENDING)
    if pending is not None and pending.page != page:
        st.switch_page(PAGE_FILES[pending.page])
    st.session_state[_VIEW] = None


def read_link(
    params: dict[str, list[str]], *, page: str
) -> tuple[ViewState, list[str]]:
    """The checked view of a link's parameters, and what was changed.

    Without ``page`` or ``view`` parameters the view belongs to ``page``.
    """
    state, warnings = share.from_query_params(params)
    if "page" not in params and share.VIEW_PARAM not in params:
        state = dataclasses.replace(state, page=page)
    state, more = check(state)
    return state, warnings + more


def check(state: ViewState) -> tuple[ViewState, list[str]]:
    """Check a view's dataset, keys and colouring against this server."""
    try:
        state, warnings = share.validate_against(state, get_space)
        space = get_space(state.dataset)
        state, more = share.validate_against(
            state, space, color_options=selection.color_options(space)
        )
    except Exception as error:  # a link must never break the page
        logger.exception("could not check a view")
        note = f"view is not checkable ({type(error).__name__}); using the default view"
        return ViewState(page=state.page), [note]
    return state, warnings + more


def _accept(state: ViewState, warnings: list[str]) -> None:
    st.session_state[_PENDING] = state
    st.session_state[_WARNINGS] = list(warnings)
    choose_dataset(state.dataset)


def _open_view_file() -> None:
    """Uploader callback: open a JSON view file like a link."""
    upload = st.session_state.get("view_file")
    if upload is None:
        return
    try:
        state, warnings = views.view_from_json(upload.getvalue())
    except ValueError as error:
        st.session_state[_WARNINGS] = [f"{upload.name}: {error}"]
        return
    state, more = check(state)
    _accept(state, [f"{upload.name}: {note}" for note in warnings + more])


def take(page: str) -> ViewState | None:
    """The view of a new link or view file for ``page``, once; else ``None``."""
    pending = st.session_state.get(_PENDING)
    if pending is None or pending.page != page:
        return None
    del st.session_state[_PENDING]
    return pending


def show_warnings() -> None:
    """Show what a new link or view file changed, as plain text, once."""
    for warning in st.session_state.pop(_WARNINGS, []):
        st.warning(plain(f"Link: {warning}"))


# -- widgets bound to view fields ---------------------------------------------------


def _same(value: object) -> object:
    return value


@dataclasses.dataclass(frozen=True)
class Binding:
    """A view field shown by a widget (or kept in the session) under ``key``.

    ``to_widget`` turns the field's value into the widget's, ``from_widget``
    the widget's into the field's.
    """

    field: str
    key: str
    to_widget: Callable[[Any], Any] = _same
    from_widget: Callable[[Any], Any] = _same


def apply(state: ViewState | None, bindings: Sequence[Binding]) -> None:
    """Set the widgets from ``state``, or give them their defaults once.

    Call before the widgets are drawn. Without a new view, values the user
    chose are kept; missing ones get the value of the default view.
    """
    for binding in bindings:
        if state is not None:
            value = binding.to_widget(getattr(state, binding.field))
            st.session_state[binding.key] = value
        elif binding.key not in st.session_state:
            value = binding.to_widget(getattr(share.DEFAULTS, binding.field))
            st.session_state[binding.key] = value


def gather(page: str, bindings: Sequence[Binding], **fields: Any) -> ViewState:
    """The view the widgets show; values a view cannot hold keep defaults.

    Parameters
    ----------
    page : str
        The page's name.
    bindings : sequence of Binding
        Read from the session state.
    **fields
        Further field values (e.g. from the page's own logic).
    """
    values = {
        binding.field: binding.from_widget(st.session_state.get(binding.key))
        for binding in bindings
    }
    values.update(fields, dataset=current_dataset_id())
    notes: list[str] = []
    state = share.read_fields(values, base=ViewState(page=page), warnings=notes)
    for note in notes:
        logger.info("view field not carried by the link: %s", note)
    return state


# -- writing the view back ----------------------------------------------------------


def publish(state: ViewState) -> None:
    """Make the URL carry ``state`` and offer it in the share panel."""
    st.session_state[_VIEW] = state
    try:
        params = address_params(state)
    except sqlite3.Error as error:
        logger.warning("could not save a long view: %s", error)
        params = share.to_query_params(dataclasses.replace(state, selected=()))
        params.pop("page", None)
    if params != st.query_params.to_dict():
        st.query_params.from_dict(params)


def address_params(state: ViewState) -> dict[str, str]:
    """Query parameters of ``state`` without its page (the path says it).

    Views too long for a URL are saved and carried as ``view=<id>``.

    Raises
    ------
    sqlite3.Error
        If a long view cannot be saved.
    """
    params = share.share_params(state)
    if share.VIEW_PARAM not in params:
        params.pop("page", None)
    return params


def share_url(state: ViewState) -> str:
    """The full link to ``state``: this server, the page's path, the view."""
    query = urlencode(address_params(state), quote_via=quote)
    url = f"{_base_url()}/{URL_PATHS[state.page]}"
    return f"{url}?{query}" if query else url


def _base_url() -> str:
    url = st.context.url or ""
    parts = urlsplit(url)
    origin = f"{parts.scheme}://{parts.netloc}" if parts.netloc else ""
    base = str(st.get_option("server.baseUrlPath") or "").strip("/")
    return f"{origin}/{base}" if base else origin


def current_view(page: str) -> ViewState:
    """The view a page published in this run, or its dataset alone."""
    state = st.session_state.get(_VIEW)
    if state is None:
        state = gather(page, ())
        publish(state)
    return state


def share_sidebar(page: str) -> None:
    """The sidebar's share panel: link to copy, view file, view file opener."""
    state = current_view(page)
    with st.sidebar:
        st.subheader("Share this view")
        try:
            st.code(share_url(state), language=None, wrap_lines=True)
            st.caption("Copy the link with the button in the box.")
        except sqlite3.Error as error:
            st.text(f"Could not save this view for a link: {error}")
        st.download_button(
            "Download the view file (JSON)",
            data=views.view_to_json(state),
            file_name=f"embspace-view-{state.page}.json",
            mime="application/json",
            key="share_view_json",
            on_click="ignore",
            width="stretch",
        )
        st.file_uploader(
            "Open a view file",
            type=["json"],
            key="view_file",
            on_change=_open_view_file,
        )
