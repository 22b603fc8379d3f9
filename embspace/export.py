"""Files that travel: a self-contained HTML view and CSV tables.

The HTML file inlines plotly.js, so it opens offline from disk with no server.
Every piece of text that comes from data (title, notes, keys in the table) is
HTML-escaped; keys inside the figure are JSON-escaped by Plotly, which writes
``<`` and ``>`` as ``\\u003c`` and ``\\u003e``. A note as long as a shared
link wraps at any character instead of widening the page.

CSV files guard against formula injection for spreadsheet users: a text cell
starting with ``=``, ``+``, ``-``, ``@``, a tab, a carriage return or ``'``
gets one extra leading ``'`` (OWASP's advice). Prefixing ``'`` itself too makes
the rule exactly reversible with :func:`unguard`. Numbers are never changed.
"""

from __future__ import annotations

import html
import logging
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd
import plotly.graph_objects as go

logger = logging.getLogger(__name__)

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r", "'")

_STYLE = """
body { font-family: system-ui, sans-serif; margin: 1.5rem; color: #222; }
h1 { font-size: 1.3rem; margin: 0 0 .4rem; }
ul.notes { margin: 0 0 1rem; padding-left: 1.2rem; color: #555; }
ul.notes li { overflow-wrap: anywhere; }
table.neighbors { border-collapse: collapse; margin-top: 1rem; }
table.neighbors th, table.neighbors td { border: 1px solid #ccc;
  padding: .2rem .6rem; text-align: left; }
footer { margin-top: 1rem; font-size: .8rem; color: #777; }
"""


def figure_html(
    fig: go.Figure,
    *,
    title: str,
    table: pd.DataFrame | None = None,
    notes: Sequence[str] = (),
) -> str:
    """A self-contained interactive HTML page of a figure and its table.

    Parameters
    ----------
    fig : plotly.graph_objects.Figure
        The map or chart; keeps its interactivity (zoom, hover).
    title : str
        Page heading and ``<title>``.
    table : pandas.DataFrame, optional
        The neighbour table, shown below the figure without its index.
    notes : sequence of str
        Short lines under the heading, e.g. dataset, query and method
        (see :func:`embspace.share.describe_view`).

    Returns
    -------
    str
        A complete HTML document (about 4.5 MB: plotly.js is inlined).
    """
    plot = fig.to_html(
        full_html=False,
        include_plotlyjs=True,
        include_mathjax=False,
        config={"responsive": True, "displaylogo": False},
    )

    items = "".join(f"<li>{html.escape(note)}</li>" for note in notes)
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{html.escape(title)}</title><style>{_STYLE}</style></head><body>",
        f"<h1>{html.escape(title)}</h1>",
        f'<ul class="notes">{items}</ul>' if items else "",
        plot,
        _table_html(table),
        "<footer>Exported from embspace.</footer></body></html>",
    ]
    document = "\n".join(part for part in parts if part)
    logger.info("exported HTML view: %d characters", len(document))
    return document


def _table_html(table: pd.DataFrame | None) -> str:
    if table is None or table.empty:
        return ""
    return table.to_html(
        index=False,
        escape=True,
        classes="neighbors",
        border=0,
        float_format=lambda value: f"{value:.4f}",
        na_rep="",
    )


# -- CSV --------------------------------------------------------------------------


def guard(text: str) -> str:
    """Prefix ``'`` to text a spreadsheet could run as a formula.

    Parameters
    ----------
    text : str
        A cell value.

    Returns
    -------
    str
        ``text`` with one leading ``'`` if it starts with one of
        ``FORMULA_PREFIXES``, else unchanged.
    """
    return "'" + text if text.startswith(FORMULA_PREFIXES) else text


def unguard(text: str) -> str:
    """Undo :func:`guard`: remove one leading ``'``."""
    return text[1:] if text.startswith("'") else text


def coordinates_csv(
    keys: Sequence[str],
    coords: np.ndarray,
    *,
    extra: Mapping[str, Sequence | np.ndarray] | None = None,
) -> bytes:
    """The map's coordinates as UTF-8 CSV: ``key,x,y[,z]`` and extra columns.

    Keys are quoted as needed (commas, quotes, newlines) and guarded against
    formula injection with :func:`guard`, so ``-lrb-`` is written ``'-lrb-``
    and ``'s`` is written ``''s``. Read the file back with::

        df = pd.read_csv(path, dtype={"key": str}, keep_default_na=False)
        df["key"] = df["key"].map(unguard)

    ``keep_default_na=False`` keeps keys such as ``nan`` and ``null`` as text.

    Parameters
    ----------
    keys : sequence of str
        One key per row of ``coords``.
    coords : numpy.ndarray
        Shape ``(n_keys, 2)`` or ``(n_keys, 3)``.
    extra : mapping of str to array, optional
        More columns of length ``n_keys`` (e.g. cluster, frequency rank);
        text values are guarded too.

    Returns
    -------
    bytes
    """
    coords = np.asarray(coords)
    if coords.ndim != 2 or coords.shape[1] not in (2, 3):
        raise ValueError(f"coords must have shape (n_keys, 2 or 3); got {coords.shape}")
    if len(keys) != coords.shape[0]:
        raise ValueError(f"{len(keys)} keys for {coords.shape[0]} rows of coords")

    columns: dict[str, object] = {"key": list(keys)}
    for axis, name in enumerate("xyz"[: coords.shape[1]]):
        columns[name] = coords[:, axis]
    for name, values in (extra or {}).items():
        if name in columns:
            raise ValueError(f"extra column {name!r} clashes with key, x, y or z")
        if len(values) != len(keys):
            raise ValueError(
                f"extra column {name!r} has {len(values)} values; expected {len(keys)}"
            )
        columns[name] = values
    return table_csv(pd.DataFrame(columns))


def table_csv(df: pd.DataFrame) -> bytes:
    """A result table as UTF-8 CSV, without the index, text cells guarded.

    Parameters
    ----------
    df : pandas.DataFrame
        E.g. a neighbour table. Not modified.

    Returns
    -------
    bytes
        Quoted as needed; see :func:`coordinates_csv` for reading it back.
    """
    guarded = df.copy()
    for name in guarded.columns:
        column = guarded[name]
        if not pd.api.types.is_numeric_dtype(column) and not pd.api.types.is_bool_dtype(
            column
        ):
            guarded[name] = column.map(lambda v: guard(v) if isinstance(v, str) else v)

    guarded.columns = [
        guard(name) if isinstance(name, str) else name for name in guarded.columns
    ]
    # CRLF rows (RFC 4180): keys holding a lone "\r" are quoted too.
    return guarded.to_csv(index=False, lineterminator="\r\n").encode("utf-8")
