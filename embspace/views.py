"""Saved views: a small SQLite table, and the downloadable JSON view file.

A view too long for a link is saved here and the link carries ``view=<id>``.
Ids are 12 random URL-safe characters (72 bits from :mod:`secrets`), so they
cannot be listed or guessed; saving the same view again returns its id. The
table lives in ``<data dir>/views/views.sqlite3`` and survives restarts. Every
call opens its own connection, so Streamlit sessions (threads) may share a
store.

View files are JSON objects tagged ``"embspace_view": 1``; they are parsed with
:mod:`json` only and every field is validated like a link parameter.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import logging
import re
import secrets
import sqlite3
import time
from contextlib import closing
from pathlib import Path

from embspace import config
from embspace._share_fields import show
from embspace.share import ViewState, read_fields

logger = logging.getLogger(__name__)

VIEW_FORMAT = "embspace_view"
VIEW_VERSION = 1
MAX_VIEW_FILE = 1_000_000
VIEW_ID = re.compile(r"[A-Za-z0-9_-]{12}")

_SCHEMA = """
CREATE TABLE IF NOT EXISTS views (
    id TEXT PRIMARY KEY,
    digest TEXT NOT NULL UNIQUE,
    state TEXT NOT NULL,
    created REAL NOT NULL
)
"""


def is_view_id(text: str) -> bool:
    """Whether ``text`` has the form of a view id (12 URL-safe characters)."""
    return isinstance(text, str) and VIEW_ID.fullmatch(text) is not None


class ViewStore:
    """Saved views in one SQLite file.

    Parameters
    ----------
    path : Path
        The database file; created with its table on first use.
    """

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self._ready = False

    def _connect(self) -> sqlite3.Connection:
        if not self._ready:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        connection = sqlite3.connect(self.path, timeout=10.0)
        if not self._ready:
            connection.execute("PRAGMA journal_mode=WAL")
            connection.execute(_SCHEMA)
            connection.commit()
            self._ready = True
        return connection

    def save(self, state: ViewState) -> str:
        """Save ``state`` and return its id (the existing id if already saved).

        Parameters
        ----------
        state : ViewState
            The view.

        Returns
        -------
        str
            12 URL-safe characters.
        """
        text = view_to_json(state)
        digest = hashlib.blake2b(text.encode("utf-8"), digest_size=16).hexdigest()

        with closing(self._connect()) as connection, connection:
            # A clash of 72 random bits is not expected; retry anyway.
            for _ in range(5):
                try:
                    connection.execute(
                        "INSERT INTO views (id, digest, state, created) "
                        "VALUES (?, ?, ?, ?) ON CONFLICT (digest) DO NOTHING",
                        (secrets.token_urlsafe(9), digest, text, time.time()),
                    )
                except sqlite3.IntegrityError:
                    continue
                row = connection.execute(
                    "SELECT id FROM views WHERE digest = ?", (digest,)
                ).fetchone()
                logger.info("saved view %s (%d characters)", row[0], len(text))
                return row[0]
        raise RuntimeError("could not find a free view id after 5 tries")

    def load(self, view_id: str) -> ViewState | None:
        """The view saved under ``view_id``, or ``None``.

        Malformed ids are rejected before any query; unknown ids, unreadable
        rows and database errors give ``None`` (logged).
        """
        if not is_view_id(view_id):
            return None

        try:
            with closing(self._connect()) as connection:
                row = connection.execute(
                    "SELECT state FROM views WHERE id = ?", (view_id,)
                ).fetchone()
        except sqlite3.Error:
            logger.exception("could not read saved view %s from %s", view_id, self.path)
            return None
        if row is None:
            return None

        try:
            state, warnings = view_from_json(row[0])
        except ValueError as error:
            logger.warning("saved view %s is unreadable: %s", view_id, error)
            return None
        for warning in warnings:
            logger.warning("saved view %s: %s", view_id, warning)
        return state


def default_store() -> ViewStore:
    """The store in the data directory: ``views/views.sqlite3``."""
    return ViewStore(config.subdir("views") / "views.sqlite3")


def save_view(state: ViewState) -> str:
    """Save ``state`` in the default store; see :meth:`ViewStore.save`."""
    return default_store().save(state)


def load_view(view_id: str) -> ViewState | None:
    """Load a view from the default store; see :meth:`ViewStore.load`."""
    return default_store().load(view_id)


# -- view files -------------------------------------------------------------------


def view_to_json(state: ViewState) -> str:
    """The JSON view file of ``state``: every field, tagged with the version.

    Parameters
    ----------
    state : ViewState
        The view.

    Returns
    -------
    str
        A JSON object, keys in field order, ``"embspace_view": 1`` first.
    """
    fields = dataclasses.asdict(state)
    for name in ("selected", "words"):
        fields[name] = list(fields[name])
    document = {VIEW_FORMAT: VIEW_VERSION, **fields}
    return json.dumps(document, ensure_ascii=False, indent=1)


def view_from_json(text: str | bytes) -> tuple[ViewState, list[str]]:
    """Read a JSON view file.

    Parameters
    ----------
    text : str or bytes
        The file's content (UTF-8).

    Returns
    -------
    state : ViewState
        The view; invalid fields keep their defaults.
    warnings : list of str
        One line per field that was ignored, clamped or reset.

    Raises
    ------
    ValueError
        If the file is not a JSON object tagged ``"embspace_view": 1``; the
        message is one line.
    """
    document = _parse_document(text)

    version = document.get(VIEW_FORMAT)
    if version is None:
        raise ValueError(f'view file: no "{VIEW_FORMAT}" tag; not an embspace view')
    if version != VIEW_VERSION or isinstance(version, bool):
        raise ValueError(
            f'view file: "{VIEW_FORMAT}": {json.dumps(version)[:20]} is not '
            f"supported; this version of embspace reads version {VIEW_VERSION}"
        )

    names = {field.name for field in dataclasses.fields(ViewState)}
    unknown = sorted(name for name in document if name not in names | {VIEW_FORMAT})
    warnings: list[str] = []
    for name in unknown[:5]:
        value = show(document[name], 30)
        warnings.append(f"{show(name, 30)}={value} is not a view field; ignored")
    if len(unknown) > 5:
        warnings.append(f"{len(unknown) - 5} more unknown view fields; ignored")

    fields = {name: value for name, value in document.items() if name in names}
    state = read_fields(fields, warnings=warnings)
    return state, warnings


def _parse_document(text: str | bytes) -> dict:
    if isinstance(text, bytes):
        if len(text) > MAX_VIEW_FILE:
            raise ValueError(f"view file: {len(text)} bytes; at most {MAX_VIEW_FILE}")
        try:
            text = text.decode("utf-8-sig")
        except UnicodeDecodeError as error:
            raise ValueError(
                f"view file: byte {error.start} is not valid UTF-8"
            ) from None
    if len(text) > MAX_VIEW_FILE:
        raise ValueError(f"view file: {len(text)} characters; at most {MAX_VIEW_FILE}")

    try:
        document = json.loads(text)
    except json.JSONDecodeError as error:
        raise ValueError(
            f"view file: not JSON at line {error.lineno}, column {error.colno}: "
            f"{error.msg}"
        ) from None
    except RecursionError:
        raise ValueError("view file: JSON nested too deeply") from None
    except ValueError as error:
        reason = str(error).split(":")[0]
        raise ValueError(f"view file: not valid JSON ({reason})") from None

    if not isinstance(document, dict):
        raise ValueError(
            f"view file: expected a JSON object, got {type(document).__name__}"
        )
    return document
