"""Helpers shared by the pages: cached loaders, the dataset picker, errors.

Streamlit lives only here and in the page files; everything they compute comes
from :mod:`embspace`.
"""

from __future__ import annotations

import importlib
import logging
import threading
from collections.abc import Callable

import streamlit as st

from embspace import datasets, jobs, projection, projection_job
from embspace.space import Space, UnknownKeyError

logger = logging.getLogger(__name__)


@st.cache_resource(show_spinner="Loading vectors…")
def get_space(dataset_id: str) -> Space:
    """The shared, read-only space for a dataset id (one per process)."""
    return datasets.load(dataset_id)


_DATASET = "_dataset_current"


def current_dataset_id() -> str:
    """The dataset chosen in this session (default: built-in GloVe)."""
    state = st.session_state
    return state.get("dataset_id") or state.get(_DATASET) or datasets.DEFAULT_DATASET


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


# -- start-up ------------------------------------------------------------------

_WARM_MODULES = ("sklearn.manifold",)


_FIRST_PAGE_DRAWN = threading.Event()
FIRST_PAGE_WAIT = 20.0


def first_page_drawn() -> None:
    """Tell the warm-up that a first page is on the screen (it may start now)."""
    _FIRST_PAGE_DRAWN.set()


def _warm() -> None:
    from embspace import index

    # Nothing before the first page is drawn: on 2 cores compiling the index
    # or importing scikit-learn (which holds the GIL) delayed the first map by
    # seconds, and the first map (PCA) needs neither. Then the index for the
    # next query, and scikit-learn for a t-SNE or UMAP map.
    _FIRST_PAGE_DRAWN.wait(FIRST_PAGE_WAIT)
    index.warm_up()
    for name in _WARM_MODULES:
        importlib.import_module(name)
    logger.info("warm-up done: index, %s", ", ".join(_WARM_MODULES))


@st.cache_resource(show_spinner=False)
def start_warm_up() -> threading.Thread:
    """Warm the search kernels and the projection library, once per process.

    Runs in the background once the first page is drawn: numba compiles (or
    loads) the int8 index kernels and scikit-learn is imported, so the next
    query and a first t-SNE or UMAP map come sooner.
    """
    thread = threading.Thread(target=_warm, name="embspace-warm-up", daemon=True)
    thread.start()
    return thread


# -- page frame ----------------------------------------------------------------


def _leave_pages_folder_mode() -> None:
    """Rerun through ``app.py`` if Streamlit ran a page file on its own.

    While no session of the process has called ``st.navigation`` yet,
    Streamlit treats ``pages/`` as an old-style pages folder: the first
    visitor of a link such as ``/explore?query=france`` would get
    ``pages/explore.py`` run without ``app.py`` (no link reading, no
    navigation), and so would everyone after them. Clearing the flag makes
    the rerun go through ``app.py``, whose ``st.navigation`` picks the page.
    """
    from streamlit.runtime.pages_manager import PagesManager

    if getattr(PagesManager, "uses_pages_directory", None):
        logger.info("page run without app.py; rerunning through st.navigation")
        PagesManager.uses_pages_directory = False
        st.rerun()


def guarded(body: Callable[[], None]) -> None:
    """Run a page body; any failure becomes one line on the page.

    Streamlit's own control flow (``st.rerun``, ``st.stop``) derives from
    ``BaseException`` and passes through.
    """
    _leave_pages_folder_mode()
    try:
        body()
    except (KeyError, ValueError, TypeError) as error:
        # Bad input: the message says it all; no traceback in the log either.
        logger.info("rejected input: %s", error)
        show_error(error)
    except Exception as error:
        logger.warning("page failed: %s", error, exc_info=True)
        show_error(error)


def set_state(name: str, value: object) -> None:
    """Widget callback: set a session value (e.g. a clicked key as the query)."""
    st.session_state[name] = value


def dataset_choices() -> list[str]:
    """Built-in dataset ids, then the ones this session uploaded or trained."""
    ids = [info.id for info in datasets.list_datasets()]
    for dataset_id in st.session_state.get("my_datasets", []):
        if dataset_id not in ids:
            ids.append(dataset_id)
    return ids


def _dataset_title(dataset_id: str) -> str:
    try:
        return datasets.get_info(dataset_id).title
    except KeyError:
        return dataset_id


def dataset_picker() -> str:
    """The sidebar's dataset select box; sets ``st.session_state["dataset_id"]``."""
    choices = dataset_choices()
    current = current_dataset_id()
    if current not in choices:
        choices.append(current)

    # st.switch_page drops the states of all widgets, this one too: the
    # choice is kept under a plain session key as well and restored.
    st.session_state["dataset_id"] = current
    st.sidebar.selectbox(
        "Dataset",
        choices,
        key="dataset_id",
        format_func=_dataset_title,
        help="The vectors every page works on.",
    )
    st.session_state[_DATASET] = st.session_state["dataset_id"]
    return st.session_state["dataset_id"]


def replace_word(name: str, old: str, new: str) -> None:
    """Widget callback: replace the word ``old`` by ``new`` in a text input."""
    words = st.session_state.get(name, "").split(" ")
    st.session_state[name] = " ".join(new if word == old else word for word in words)


def suggestion_buttons(
    error: UnknownKeyError, *, target: str, key: str, replace: bool = False
) -> None:
    """Show an unknown key's message with its closest keys as buttons.

    Parameters
    ----------
    error : UnknownKeyError
        The failed lookup.
    target : str
        Session key of the text input that a click fills in.
    key : str
        Prefix for the buttons' widget keys.
    replace : bool
        Replace only the unknown word in the input (for expressions) instead
        of the whole text.
    """
    show_error(error)
    if not error.suggestions:
        return
    with st.container(horizontal=True, vertical_alignment="center"):
        st.markdown("Did you mean:", width="content")
        for suggestion in error.suggestions:
            st.button(
                suggestion,
                key=f"{key}_{suggestion}",
                on_click=replace_word if replace else set_state,
                args=(target, error.key, suggestion)
                if replace
                else (target, suggestion),
            )


# -- cached projections -------------------------------------------------------------


@st.cache_resource(show_spinner=False, max_entries=16)
def _projection(
    dataset_id: str,
    fingerprint: str,
    method: str,
    n_components: int,
    limit: int,
    params: tuple[tuple[str, float], ...],
    rows: tuple[int, ...] | None,
) -> projection.Projection:
    # Keyed by plain strings, numbers and tuples: Streamlit never hashes arrays.
    space = get_space(dataset_id)
    which = {"limit": limit} if rows is None else {"rows": list(rows)}
    return projection.project(
        space, method=method, n_components=n_components, **which, **dict(params)
    )


def map_projection(
    space: Space,
    *,
    method: str,
    n_components: int,
    limit: int,
    random_state: int = 0,
    n_neighbors: int = 15,
    min_dist: float = 0.1,
    perplexity: float = 30.0,
    rows: tuple[int, ...] | None = None,
) -> projection.Projection:
    """The map of the first ``limit`` keys (or of ``rows``), once per process.

    Only the parameters of ``method`` take part, so changing the UMAP settings
    does not recompute a PCA map. UMAP and t-SNE run inside a status box; a
    repeat comes from the cache (and from the disk cache after a restart).
    """
    params: dict[str, float] = {"random_state": random_state}
    if method == "umap":
        params.update(n_neighbors=n_neighbors, min_dist=min_dist)
    elif method == "tsne":
        params["perplexity"] = perplexity
    args = (
        current_dataset_id(),
        space.fingerprint,
        method,
        n_components,
        limit,
        tuple(sorted(params.items())),
        rows,
    )
    if method in ("pca", "raw") or args in _COMPUTED:
        return _projection(*args)

    n_rows = limit if rows is None else len(rows)
    label = f"Computing {METHOD_LABELS[method]} of {n_rows:,} keys…"
    with st.status(label, expanded=False) as status:
        result = _projection(*args)
        status.update(label=f"{METHOD_LABELS[method]} ready", state="complete")
    _COMPUTED.add(args)
    return result


METHOD_LABELS = {
    "pca": "PCA",
    "umap": "UMAP",
    "tsne": "t-SNE",
    "raw": "Raw coordinates",
    "strip": "Raw values (a strip)",
}
_COMPUTED: set[tuple] = set()

# -- maps fitted in the background ---------------------------------------------------

SYNC_ROWS = 500
JOB_POLL_SECONDS = 1.0
JOB_IDLE_SECONDS = 20.0


@st.cache_resource(show_spinner=False)
def job_runner() -> jobs.JobRunner:
    """The process's job runner: one job per map, shared by all sessions."""
    return jobs.JobRunner(idle_timeout=JOB_IDLE_SECONDS)


def map_or_job(
    space: Space,
    *,
    method: str,
    n_components: int,
    limit: int,
    random_state: int = 0,
    n_neighbors: int = 15,
    min_dist: float = 0.1,
    perplexity: float = 30.0,
    rows: tuple[int, ...] | None = None,
) -> projection.Projection | jobs.Job:
    """The map if it is ready now, else the background job that fits it.

    PCA, raw coordinates, maps of at most ``SYNC_ROWS`` keys and maps this
    process has already made come back at once (as :func:`map_projection`).
    A larger UMAP or t-SNE map is fitted by a child process
    (:mod:`embspace.projection_job`) that writes it into the disk cache;
    sessions asking for the same map share that job. A failed job is
    returned as it is, not started again, until :func:`retry_job`.
    """
    settings = {
        "method": method,
        "n_components": n_components,
        "limit": limit,
        "random_state": random_state,
        "n_neighbors": n_neighbors,
        "min_dist": min_dist,
        "perplexity": perplexity,
        "rows": rows,
    }
    n_rows = limit if rows is None else len(rows)
    if method not in ("umap", "tsne") or n_rows <= SYNC_ROWS:
        return map_projection(space, **settings)
    args = _projection_args(space, settings)
    if args in _COMPUTED:
        return _projection(*args)

    dataset_id, fingerprint = args[0], str(space.fingerprint)
    kwargs = _project_kwargs(args)
    job = job_runner().get(projection_job.job_key(dataset_id, fingerprint, kwargs))
    if job is None or job.status().state != jobs.FAILED:
        job = projection_job.submit(job_runner(), dataset_id, fingerprint, kwargs)
    if job.status().state == jobs.DONE:
        result = _projection(*args)
        _COMPUTED.add(args)
        return result
    return job


def _projection_args(space: Space, settings: dict) -> tuple:
    method = settings["method"]
    params: dict[str, float] = {"random_state": settings["random_state"]}
    if method == "umap":
        params.update(
            n_neighbors=settings["n_neighbors"], min_dist=settings["min_dist"]
        )
    elif method == "tsne":
        params["perplexity"] = settings["perplexity"]
    return (
        current_dataset_id(),
        space.fingerprint,
        method,
        settings["n_components"],
        settings["limit"],
        tuple(sorted(params.items())),
        settings["rows"],
    )


def _project_kwargs(args: tuple) -> dict:
    """:func:`projection.project` arguments for a key of :func:`_projection`."""
    _, _, method, n_components, limit, params, rows = args
    which = {"limit": limit} if rows is None else {"rows": [int(r) for r in rows]}
    return {"method": method, "n_components": n_components, **which, **dict(params)}


def retry_job(key: str) -> None:
    """Widget callback: forget a failed job, so that the next run starts it anew."""
    job_runner().forget(key)


def cancel_job(key: str) -> None:
    """Widget callback: stop a job and show PCA instead."""
    job_runner().cancel(key)
    st.session_state["method"] = "pca"


@st.fragment(run_every=JOB_POLL_SECONDS)
def job_panel(key: str, title: str) -> None:
    """Progress of the job ``key`` and a Cancel button; reruns the page when done.

    Streamlit polls it every ``JOB_POLL_SECONDS`` without blocking the rest of
    the page; each poll tells the runner that this session still wants it.
    """
    job = job_runner().get(key)
    status = job.status() if job is not None else None
    if status is None or status.finished:
        st.rerun()
    with st.container(key="projection_job", horizontal=True):
        st.progress(status.fraction or 0.0, text=plain(job_text(title, status)))
        st.button("Cancel", key="cancel_job", on_click=cancel_job, args=(key,))


def job_text(title: str, status: jobs.Status) -> str:
    """One line on a running job: what, which stage, how far, for how long."""
    text = f"{title}: {status.stage}"
    if status.step is not None and status.total:
        text += f", {status.step:,} of {status.total:,}"
    return text + f" ({status.elapsed:.0f} s)"


# -- plain text ----------------------------------------------------------------------

MARKDOWN_SPECIALS = "\\`*_{}[]()#+-.!|<>~$:"


def plain(text: str) -> str:
    """``text`` with Markdown, HTML and LaTeX characters escaped, shown as is."""
    return "".join("\\" + c if c in MARKDOWN_SPECIALS else c for c in text)


def choose_dataset(dataset_id: str) -> None:
    """Make ``dataset_id`` current (before the picker is drawn) and list it."""
    st.session_state["dataset_id"] = dataset_id
    st.session_state[_DATASET] = dataset_id
    remember_dataset(dataset_id)


def remember_dataset(dataset_id: str) -> None:
    """List ``dataset_id`` in this session's dataset picker."""
    mine = st.session_state.setdefault("my_datasets", [])
    if dataset_id not in mine and dataset_id != datasets.DEFAULT_DATASET:
        mine.append(dataset_id)
