"""Checking a view read from a link against this server's datasets and keys.

:func:`validate_against` runs after :func:`embspace.share.from_query_params`:
an unknown dataset falls back to the default one, unknown keys are cleared or
dropped, and every change is a warning of the same form as the link's own
(``<field>=<value> is not <allowed>; using <replacement>``).
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Callable, Collection
from typing import TYPE_CHECKING, Any

from embspace._share_fields import show
from embspace.share import DEFAULT_DATASET, ViewState

if TYPE_CHECKING:
    from embspace.space import Space

logger = logging.getLogger(__name__)


def validate_against(
    state: ViewState,
    space: Space | Callable[[str], Space],
    *,
    known_dataset: Callable[[str], bool] | None = None,
    color_options: Collection[str] | None = None,
) -> tuple[ViewState, list[str]]:
    """Check a view's dataset and keys against what this server has.

    Parameters
    ----------
    state : ViewState
        A view read from a link or a view file.
    space : Space or callable
        The space of the view's dataset, or a loader called with the checked
        dataset id (so an unknown dataset falls back before anything loads).
    known_dataset : callable, optional
        ``known_dataset(id) -> bool``; by default, whether
        :func:`embspace.datasets.get_info` finds the id.
    color_options : collection of str, optional
        Allowed ``color_by`` values; not checked when ``None``.

    Returns
    -------
    state : ViewState
        Unknown dataset -> the default dataset; unknown keys in ``query``,
        ``a``, ``b``, ``c`` or ``expr`` -> that field cleared; unknown keys in
        ``selected`` and ``words`` dropped; ``restrict_vocab`` clamped to the
        number of keys; unknown ``color_by`` cleared.
    warnings : list of str
        One line per change.
    """
    warnings: list[str] = []
    state = _check_dataset(state, known_dataset or _registered, warnings)

    if not isinstance(space, _space_type()):
        state, space = _load_space(state, space, warnings)
        if space is None:
            return state, warnings

    state = _check_keys(state, space, warnings)
    known_color = color_options is None or state.color_by in color_options
    if state.color_by and not known_color:
        warnings.append(
            f"color_by={show(state.color_by)} is not a colouring of "
            f"{state.dataset}; using ''"
        )
        state = dataclasses.replace(state, color_by="")
    return state, warnings


def _load_space(
    state: ViewState, loader: Callable[[str], Space], warnings: list[str]
) -> tuple[ViewState, Space | None]:
    # A stored dataset that fails to load falls back to the default one.
    for dataset_id in dict.fromkeys((state.dataset, DEFAULT_DATASET)):
        try:
            return dataclasses.replace(state, dataset=dataset_id), loader(dataset_id)
        except Exception as error:
            logger.exception("could not load dataset %r", dataset_id)
            message = str(error).splitlines()[0] if str(error) else ""
            fallback = "no dataset" if dataset_id == DEFAULT_DATASET else "the default"
            warnings.append(
                f"dataset={show(dataset_id)} is not loadable ({message}); "
                f"using {fallback}"
            )
    return state, None


def _space_type() -> type:
    from embspace.space import Space

    return Space


def _registered(dataset_id: str) -> bool:
    from embspace import datasets

    try:
        datasets.get_info(dataset_id)
    except KeyError:
        return False
    return True


def _check_dataset(
    state: ViewState, known_dataset: Callable[[str], bool], warnings: list[str]
) -> ViewState:
    try:
        known = bool(known_dataset(state.dataset))
    except Exception:
        logger.exception("known_dataset(%r) failed", state.dataset)
        known = False
    if known:
        return state

    warnings.append(
        f"dataset={show(state.dataset)} is not a dataset on this server; "
        f"using {DEFAULT_DATASET!r}"
    )
    return dataclasses.replace(state, dataset=DEFAULT_DATASET)


def _check_keys(state: ViewState, space: Space, warnings: list[str]) -> ViewState:
    changes: dict[str, Any] = {}
    for name in ("query", "a", "b", "c"):
        key = getattr(state, name)
        if key and (problem := _key_problem(space, key)) is not None:
            warnings.append(
                f"{name}={show(key)} is not a key of {state.dataset}{problem}; "
                "using the page's default"
            )
            changes[name] = ""

    if state.expr and (problem := _expression_problem(space, state.expr)):
        warnings.append(
            f"expr={show(state.expr)} is not an expression of known keys "
            f"({problem}); using ''"
        )
        changes["expr"] = ""

    changes.update(_check_key_lists(state, space, warnings))
    if state.restrict_vocab is not None and state.restrict_vocab > space.n_keys:
        warnings.append(
            f"restrict_vocab={state.restrict_vocab} is not at most the "
            f"{space.n_keys} keys of {state.dataset}; using none (all keys)"
        )
        changes["restrict_vocab"] = None
    return dataclasses.replace(state, **changes) if changes else state


def _check_key_lists(
    state: ViewState, space: Space, warnings: list[str]
) -> dict[str, tuple[str, ...]]:
    changes = {}
    for name, exact in (("selected", True), ("words", False)):
        keys = getattr(state, name)
        kept = tuple(key for key in keys if _known(space, key, exact=exact))
        if len(kept) < len(keys):
            dropped = [key for key in keys if key not in kept]
            using = f"the other {len(kept)} of {len(keys)} keys"
            warnings.append(_not_keys(name, dropped, state.dataset, using))
            changes[name] = kept

    unknown = [key for key in state.axes if not _known(space, key, exact=False)]
    if unknown:
        warnings.append(_not_keys("axes", unknown, state.dataset, "the default axes"))
        changes["axes"] = ()
    return changes


def _not_keys(name: str, keys: list[str], dataset: str, using: str) -> str:
    listed = ", ".join(show(key, 20) for key in keys[:3])
    more = ", ..." if len(keys) > 3 else ""
    verb = "is not a key" if len(keys) == 1 else "are not keys"
    return f"{name}=({listed}{more}) {verb} of {dataset}; using {using}"


def _key_problem(space: Space, key: str) -> str | None:
    """``None`` for a known key; else ``""`` or ``" (closest: ...)"``."""
    from embspace.space import UnknownKeyError

    try:
        space.resolve(key)
    except UnknownKeyError as error:
        closest = ", ".join(error.suggestions)
        return f" (closest: {closest})" if closest else ""
    except KeyError:
        return ""
    return None


def _known(space: Space, key: str, *, exact: bool) -> bool:
    return key in space if exact else _key_problem(space, key) is None


def _expression_problem(space: Space, text: str) -> str | None:
    from embspace.queries import parse_expression

    try:
        positive, negative = parse_expression(text, space)
    except ValueError as error:
        return str(error)
    for key in positive + negative:
        problem = _key_problem(space, key)
        if problem is not None:
            return f"unknown key {key!r}{problem}"
    return None
