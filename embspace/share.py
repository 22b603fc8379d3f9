"""The state of a view, and its round trip through a link's query parameters.

A :class:`ViewState` holds everything a link must carry to reopen what a person
sees: dataset, page, query, analogy or expression, ranking settings, the map's
projection and its parameters, colouring, selection, search and word sets.

:func:`to_query_params` writes only the fields that differ from the defaults;
:func:`from_query_params` reads a link back and never raises: every tampered,
stale or garbled parameter becomes a one-line warning and a safe default.
:func:`validate_against` then checks the dataset and the keys against what the
server actually has. A view too long for a URL is saved server-side
(:mod:`embspace.views`) and the link carries ``view=<id>`` only
(:func:`share_params`).

Key lists (``selected``, ``words``) are joined with commas after escaping ``%``
as ``%25`` and ``,`` as ``%2C`` in each key, so any key (spaces, ``&``, ``#``,
unicode) survives; the browser percent-encodes the result once more.
"""

from __future__ import annotations

import dataclasses
import logging
import re
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import quote, urlencode

from embspace._share_fields import (
    Choice,
    FieldError,
    Flag,
    Integer,
    Keys,
    KeyTuple,
    Kind,
    Number,
    Text,
    decode_keys,
    encode_keys,
    show,
)

__all__ = [
    "ANALOGY_VIEWS",
    "DATASET_ID",
    "DEFAULT_DATASET",
    "PAGES",
    "MAX_LINK_WORDS",
    "URL_BUDGET",
    "ViewState",
    "decode_keys",
    "describe_view",
    "encode_keys",
    "from_query_params",
    "read_fields",
    "regex_error",
    "share_params",
    "to_query_params",
    "validate_against",
]

if TYPE_CHECKING:
    from embspace.space import Space

logger = logging.getLogger(__name__)

DEFAULT_DATASET = "glove-6b-50d"
DATASET_ID = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
PAGES = ("explore", "analogies", "word-sets", "evaluate", "train", "upload", "about")
URL_BUDGET = 1800
VIEW_PARAM = "view"
MAX_LINK_WORDS = 200
MAX_KEY_CHARS = 500  # a query or analogy word a link carries
USING_DEFAULTS = "using the default view"
ANALOGY_VIEWS = ("plane", "pca")

_KINDS: dict[str, Kind] = {
    "dataset": Text(64, pattern=DATASET_ID),
    "page": Choice(PAGES),
    "query": Text(MAX_KEY_CHARS),
    "a": Text(MAX_KEY_CHARS),
    "b": Text(MAX_KEY_CHARS),
    "c": Text(MAX_KEY_CHARS),
    "expr": Text(1000),
    "method": Choice(("add", "mul")),
    "metric": Choice(("cosine", "euclidean", "dot")),
    "topn": Integer(1, 100),
    "restrict_vocab": Integer(1, 10**9, optional=True),
    "projection": Choice(("pca", "umap", "tsne", "raw")),
    "n_neighbors": Integer(2, 200),
    "min_dist": Number(0.0, 1.0),
    "perplexity": Number(2.0, 100.0),
    "random_state": Integer(0, 2**32 - 1),
    "dims": Integer(2, 3),
    "limit": Integer(100, 100_000),
    "color_by": Text(64),
    "selected": Keys(5000, 500),
    "isolate": Flag(),
    "search": Text(200),
    "regex": Flag(),
    "words": Keys(MAX_LINK_WORDS, 500),
    "analogy_view": Choice(ANALOGY_VIEWS),
    "axes": KeyTuple(4, 500, meaning="x from, x minus, y from, y minus"),
    "filter": Text(4000),
}


@dataclass(frozen=True)
class ViewState:
    """Everything a link carries to reopen a view.

    Attributes
    ----------
    dataset : str
        Dataset id: a built-in set such as ``glove-6b-50d`` or a stored upload
        ``u-<20 hex digits>``; lower-case letters, digits and single hyphens.
    page : str
        One of ``explore``, ``analogies``, ``word-sets``, ``evaluate``,
        ``train``, ``upload``, ``about``.
    query : str
        The key whose neighbours are shown.
    a, b, c : str
        The analogy ``a : b :: c : ?``.
    expr : str
        An expression such as ``king - man + woman``.
    method : str
        Analogy method: ``add`` (3CosAdd) or ``mul`` (3CosMul).
    metric : str
        ``cosine``, ``euclidean`` or ``dot``.
    topn : int
        Number of neighbours, 1 to 100.
    restrict_vocab : int or None
        Rank only the first ``restrict_vocab`` keys; ``None`` for all.
    projection : str
        ``pca``, ``umap`` or ``tsne``.
    n_neighbors : int
        UMAP neighbourhood size, 2 to 200.
    min_dist : float
        UMAP minimum distance, 0 to 1.
    perplexity : float
        t-SNE perplexity, 2 to 100.
    random_state : int
        Seed of the projection, 0 to 2**32 - 1.
    dims : int
        2 or 3 map dimensions.
    limit : int
        Number of keys in the map, 100 to 100,000.
    color_by : str
        Name of the colouring (a metadata column or a page option).
    selected : tuple of str
        Keys selected in the map, in selection order.
    isolate : bool
        Whether the map shows only the selected keys, projected on their own.
    search : str
        Substring, or regular expression if ``regex``, that highlights keys.
    regex : bool
        Whether ``search`` is a regular expression.
    words : tuple of str
        Keys of the word-sets page, at most ``MAX_LINK_WORDS``.
    analogy_view : str
        The Analogies page's drawing: ``plane`` (the plane of the analogy) or
        ``pca`` (PCA of the map).
    axes : tuple of str
        The word-sets page's axes ``(x from, x minus, y from, y minus)``;
        empty for the page's default axes.
    filter : str
        Explore's map filter by a metadata column: ``in:COLUMN:V1,V2`` or
        ``range:COLUMN:LO,HI`` (:mod:`embspace.map_filter`); ``""`` for none.
    """

    dataset: str = DEFAULT_DATASET
    page: str = "explore"
    query: str = ""
    a: str = ""
    b: str = ""
    c: str = ""
    expr: str = ""
    method: str = "add"
    metric: str = "cosine"
    topn: int = 10
    restrict_vocab: int | None = None
    projection: str = "pca"
    n_neighbors: int = 15
    min_dist: float = 0.1
    perplexity: float = 30.0
    random_state: int = 0
    dims: int = 2
    limit: int = 5000
    color_by: str = ""
    selected: tuple[str, ...] = ()
    isolate: bool = False
    search: str = ""
    regex: bool = False
    words: tuple[str, ...] = ()
    analogy_view: str = "plane"
    axes: tuple[str, ...] = ()
    filter: str = ""

    def __post_init__(self) -> None:
        for name, kind in _KINDS.items():
            value = kind.check(name, getattr(self, name))
            object.__setattr__(self, name, value)


DEFAULTS = ViewState()


def to_query_params(state: ViewState) -> dict[str, str]:
    """Query parameters for the fields of ``state`` that differ from defaults.

    Parameters
    ----------
    state : ViewState
        The view.

    Returns
    -------
    dict of str to str
        Parameter name to unencoded value; empty for the default view.
    """
    params: dict[str, str] = {}
    for name, kind in _KINDS.items():
        value = getattr(state, name)
        if value != getattr(DEFAULTS, name):
            params[name] = kind.encode(value)
    return params


def encoded_length(params: Mapping[str, str]) -> int:
    """Length of ``params`` as a percent-encoded query string."""
    return len(urlencode(params, quote_via=quote))


def share_params(state: ViewState, store: Any = None) -> dict[str, str]:
    """Parameters of a link to ``state``, saving the view if it is too long.

    Parameters
    ----------
    state : ViewState
        The view to share.
    store : ViewStore, optional
        Where long views are saved (anything with ``save(state) -> str``);
        the store in the data directory by default.

    Returns
    -------
    dict of str to str
        The parameters of :func:`to_query_params` if they encode to at most
        ``URL_BUDGET`` characters, else ``{"view": <id>}``. Saving the same
        view twice gives the same id.
    """
    params = to_query_params(state)
    if encoded_length(params) <= URL_BUDGET:
        return params

    if store is None:
        from embspace.views import default_store

        store = default_store()
    return {VIEW_PARAM: store.save(state)}


# -- reading links ----------------------------------------------------------------


def from_query_params(
    params: Mapping[str, str | list[str]], *, store: Any = None
) -> tuple[ViewState, list[str]]:
    """Read a view from a link's query parameters; never raises.

    Parameters
    ----------
    params : mapping of str to str or list of str
        Decoded query parameters, e.g. ``st.query_params`` or the result of
        ``urllib.parse.parse_qs``; for a repeated parameter the last value wins.
    store : ViewStore, optional
        Where ``view=<id>`` is looked up (the data directory's by default).
        Other parameters next to ``view`` override the saved fields.

    Returns
    -------
    state : ViewState
        The view; fields that could not be read keep their defaults.
    warnings : list of str
        One line per parameter that was ignored, clamped or reset.
    """
    try:
        return _read_params(params, store)
    except Exception as error:  # a link must never break the page
        logger.exception("could not read query parameters")
        note = f"the link is not readable ({type(error).__name__}); {USING_DEFAULTS}"
        return ViewState(), [note]


def _read_params(params: Mapping[str, Any], store: Any) -> tuple[ViewState, list[str]]:
    warnings: list[str] = []
    flat = _flatten(params, warnings)

    base = DEFAULTS
    if VIEW_PARAM in flat:
        base = _load_saved(flat.pop(VIEW_PARAM), store, warnings)

    unknown = [name for name in flat if name not in _KINDS]
    for name in unknown[:5]:
        value = show(flat[name], 30)
        warnings.append(f"{_name(name)}={value} is not a link parameter; ignored")
    if len(unknown) > 5:
        warnings.append(f"{len(unknown) - 5} more unknown link parameters; ignored")

    fields = {name: raw for name, raw in flat.items() if name in _KINDS}
    return read_fields(fields, base=base, warnings=warnings), warnings


def _name(name: str) -> str:
    """A parameter's name as written in warnings: quoted unless a field's."""
    return name if name in _KINDS or name == VIEW_PARAM else show(name, 30)


def _flatten(params: Mapping[str, Any], warnings: list[str]) -> dict[str, Any]:
    # One value per name: the last of a repeated parameter, like Streamlit.
    flat: dict[str, Any] = {}
    for name, value in params.items():
        if not isinstance(name, str):
            continue
        if isinstance(value, (list, tuple)):
            if not value:
                continue
            if len(value) > 1:
                warnings.append(
                    f"{_name(name)}=({len(value)} values) is not one value; "
                    f"using the last, {show(value[-1])}"
                )
            value = value[-1]
        flat[name] = value
    return flat


def _load_saved(view_id: Any, store: Any, warnings: list[str]) -> ViewState:
    from embspace import views

    if not isinstance(view_id, str) or not views.is_view_id(view_id):
        warnings.append(
            f"view={show(view_id)} is not a valid view id; {USING_DEFAULTS}"
        )
        return DEFAULTS

    store = views.default_store() if store is None else store
    state = store.load(view_id)
    if state is None:
        warnings.append(
            f"view={show(view_id)} is not a view saved on this server; {USING_DEFAULTS}"
        )
        return DEFAULTS
    return state


def read_fields(
    fields: Mapping[str, Any],
    *,
    base: ViewState = DEFAULTS,
    warnings: list[str],
) -> ViewState:
    """Apply raw field values (link strings or JSON values) onto ``base``.

    FieldError values keep the field of ``base`` and add a warning; out-of-range
    numbers are clamped with a warning. Unknown names are ignored.

    Parameters
    ----------
    fields : mapping of str to object
        Field name to raw value.
    base : ViewState
        The view the values are applied to.
    warnings : list of str
        Receives one line per value that was not taken as is.

    Returns
    -------
    ViewState
    """
    values: dict[str, Any] = {}
    for name, raw in fields.items():
        kind = _KINDS.get(name)
        if kind is None:
            continue
        try:
            value, note = kind.parse(name, raw)
        except FieldError as error:
            default = getattr(base, name)
            fallback = show(default) if default != () else "none"
            warnings.append(f"{error}; using {fallback}")
            continue
        if note:
            warnings.extend(note.splitlines())
        values[name] = value

    state = dataclasses.replace(base, **values)
    return _check_search(state, warnings)


def _check_search(state: ViewState, warnings: list[str]) -> ViewState:
    if not state.regex or not state.search:
        return state
    error = regex_error(state.search)
    if error is None:
        return state
    warnings.append(
        f"search={show(state.search)} is not a valid regular expression "
        f"({error}); using ''"
    )
    return dataclasses.replace(state, search="")


def regex_error(pattern: str) -> str | None:
    """Why ``pattern`` is not a valid regular expression, or ``None``.

    Checked with the ``regex`` module, which the search uses (it knows
    ``\\p{Lu}`` and the like, which ``re`` refuses).
    """
    import regex

    try:
        regex.compile(pattern)
    except (regex.error, OverflowError, RecursionError, ValueError) as error:
        return str(error).splitlines()[0] if str(error) else type(error).__name__
    return None


# -- checking against the server's datasets and keys -------------------------------


def validate_against(
    state: ViewState,
    space: Space | Callable[[str], Space],
    *,
    known_dataset: Callable[[str], bool] | None = None,
    color_options: Collection[str] | None = None,
) -> tuple[ViewState, list[str]]:
    """Check a view's dataset and keys against what this server has.

    See :func:`embspace.share_check.validate_against`, which this calls.
    """
    from embspace.share_check import validate_against as check

    return check(state, space, known_dataset=known_dataset, color_options=color_options)


def describe_view(state: ViewState) -> list[str]:
    """Short lines naming the dataset, query and method, for file headers.

    Parameters
    ----------
    state : ViewState
        The view.

    Returns
    -------
    list of str
        E.g. ``["dataset: glove-6b-50d", "query: king", ...]``; only lines
        that apply to the view's page.
    """
    lines = [f"dataset: {state.dataset}", f"page: {state.page}"]
    if state.page == "analogies" and (state.a or state.expr):
        if state.expr:
            lines.append(f"expression: {state.expr}")
        else:
            lines.append(f"analogy: {state.a} : {state.b} :: {state.c} : ?")
        lines.append(f"method: {'3CosMul' if state.method == 'mul' else '3CosAdd'}")
    elif state.query:
        lines.append(f"query: {state.query}")

    ranking = f"metric: {state.metric}, topn: {state.topn}"
    if state.restrict_vocab is not None:
        ranking += f", restrict_vocab: {state.restrict_vocab}"
    lines.append(ranking)
    lines.append(_describe_projection(state))
    return lines


def _describe_projection(state: ViewState) -> str:
    params = f"random_state={state.random_state}"
    if state.projection == "umap":
        params = (
            f"n_neighbors={state.n_neighbors}, min_dist={state.min_dist:g}, {params}"
        )
    elif state.projection == "tsne":
        params = f"perplexity={state.perplexity:g}, {params}"
    return (
        f"map: {state.projection.upper()} {state.dims}-D of {state.limit} keys "
        f"({params})"
    )
