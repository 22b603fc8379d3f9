"""Self-contained HTML views and CSV exports."""

from __future__ import annotations

import html
import io
import random
import re
from html.parser import HTMLParser

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import pytest
from plotly.offline import get_plotlyjs

from embspace.export import coordinates_csv, figure_html, guard, table_csv, unguard

EVIL = "<img src=x onerror=alert(1)>"
SCRIPT = "</script><script>alert(2)</script>"
KEYS = [
    EVIL,
    SCRIPT,
    "a,b",
    '"quoted"',
    "line\nbreak",
    "carriage\rreturn",
    "=1+1",
    "+",
    "-lrb-",
    "@home",
    "\tindent",
    "'s",
    "''",
    "nan",
    "null",
    "1",
    "-1",
    " ",
    "日本語",
    "😀",
]


class Parsed(HTMLParser):
    """Tags, scripts and table cells of an HTML document."""

    def __init__(self, text: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[str] = []
        self.scripts: list[str] = []
        self.cells: list[str] = []
        self.sources: list[str] = []
        self._in: str | None = None
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self.sources += [value for name, value in attrs if name in ("src", "href")]
        if tag in ("script", "td"):
            self._in = tag
            (self.scripts if tag == "script" else self.cells).append("")

    def handle_endtag(self, tag):
        self._in = None

    def handle_data(self, data):
        if self._in == "script":
            self.scripts[-1] += data
        elif self._in == "td":
            self.cells[-1] += data


def neighbour_figure(keys: list[str]) -> go.Figure:
    rng = np.random.default_rng(0)
    xy = rng.normal(size=(len(keys), 2))
    return go.Figure(
        go.Scattergl(x=xy[:, 0], y=xy[:, 1], mode="markers", hovertext=keys)
    )


def export(keys: list[str]) -> str:
    table = pd.DataFrame({"key": keys, "similarity": np.linspace(1, 0, len(keys))})
    return figure_html(
        neighbour_figure(keys),
        title=f"Neighbours of {keys[0]}",
        table=table,
        notes=["dataset: glove-6b-50d", f"query: {keys[0]}", "method: 3CosAdd"],
    )


# -- HTML -------------------------------------------------------------------------


def test_html_inlines_the_plotly_bundle():
    document = export(["king", "queen"])

    assert get_plotlyjs() in document
    assert Parsed(document).sources == []
    assert document.startswith("<!DOCTYPE html>")


def test_html_shows_header_and_table():
    keys = ["king", "queen", "prince"]
    parsed = Parsed(export(keys))

    assert parsed.cells[0::2] == keys
    assert parsed.cells[1::2] == ["1.0000", "0.5000", "0.0000"]
    assert parsed.tags.count("li") == 3


def test_keys_from_data_never_become_markup():
    benign = Parsed(export(["king", "queen"]))
    document = export(KEYS)
    parsed = Parsed(document)

    assert "img" not in parsed.tags
    assert parsed.tags.count("script") == benign.tags.count("script")
    assert "&lt;img src=x onerror=alert(1)&gt;" in document
    assert parsed.cells[0::2][:2] == [EVIL, SCRIPT]
    escaped = "\\u003c\\u002fscript\\u003e\\u003cscript\\u003ealert(2)"
    assert sum(escaped in script for script in parsed.scripts) == 1
    assert not any("<script" in script or "<img" in script for script in parsed.scripts)


def test_html_without_table_or_notes():
    parsed = Parsed(
        figure_html(neighbour_figure(["a"]), title="<b>map</b>", table=None, notes=[])
    )

    assert "table" not in parsed.tags and "li" not in parsed.tags
    assert "b" not in parsed.tags


# -- CSV --------------------------------------------------------------------------


def read_back(data: bytes) -> pd.DataFrame:
    """Read an exported CSV as its docstring says."""
    frame = pd.read_csv(io.BytesIO(data), dtype={"key": str}, keep_default_na=False)
    frame["key"] = frame["key"].map(unguard)
    return frame


def test_coordinates_round_trip_through_pandas():
    rng = np.random.default_rng(1)
    coords = rng.normal(size=(len(KEYS), 2)).astype(np.float32)

    frame = read_back(coordinates_csv(KEYS, coords))

    assert list(frame.columns) == ["key", "x", "y"]
    assert frame["key"].tolist() == KEYS
    np.testing.assert_array_equal(frame[["x", "y"]].to_numpy(np.float32), coords)


def test_coordinates_in_3d_with_extra_columns():
    coords = np.arange(len(KEYS) * 3, dtype=np.float64).reshape(-1, 3) - 10
    cluster = np.arange(len(KEYS)) % 4
    labels = ["=HYPERLINK(1)"] * len(KEYS)

    frame = read_back(
        coordinates_csv(KEYS, coords, extra={"cluster": cluster, "label": labels})
    )

    assert list(frame.columns) == ["key", "x", "y", "z", "cluster", "label"]
    np.testing.assert_array_equal(frame[["x", "y", "z"]].to_numpy(), coords)
    np.testing.assert_array_equal(frame["cluster"].to_numpy(), cluster)
    assert set(frame["label"]) == {"'=HYPERLINK(1)"}


def test_no_cell_starts_a_formula():
    data = coordinates_csv(KEYS, np.zeros((len(KEYS), 2)))

    frame = pd.read_csv(io.BytesIO(data), dtype=str, keep_default_na=False)

    risky = frame["key"][frame["key"].str[:1].isin(list("=+-@\t\r"))]
    assert risky.empty
    assert frame["key"].tolist()[6:9] == ["'=1+1", "'+", "'-lrb-"]


def test_guard_is_reversible():
    rng = random.Random(2)
    alphabet = "'=+-@\t\r ab,\"\n"
    texts = ["".join(rng.choice(alphabet) for _ in range(rng.randint(0, 5)))]
    texts += ["".join(rng.choice(alphabet) for _ in range(5)) for _ in range(500)]

    assert [unguard(guard(text)) for text in texts] == texts


@pytest.mark.parametrize(
    ("coords", "extra", "pattern"),
    [
        (
            np.zeros((3, 4)),
            None,
            r"coords must have shape \(n_keys, 2 or 3\); got \(3, 4\)",
        ),
        (np.zeros((2, 2)), None, r"3 keys for 2 rows of coords"),
        (np.zeros((3, 2)), {"x": [1, 2, 3]}, r"extra column 'x' clashes"),
        (
            np.zeros((3, 2)),
            {"rank": [1]},
            r"extra column 'rank' has 1 values; expected 3",
        ),
    ],
)
def test_coordinates_csv_rejects_bad_shapes(coords, extra, pattern):
    with pytest.raises(ValueError, match=pattern):
        coordinates_csv(["a", "b", "c"], coords, extra=extra)


def test_table_csv_round_trips_and_leaves_the_frame_alone():
    table = pd.DataFrame(
        {"key": KEYS, "similarity": np.linspace(1, -1, len(KEYS)), "rank": range(20)}
    )
    before = table.copy()

    frame = read_back(table_csv(table))

    pd.testing.assert_frame_equal(table, before)
    assert frame["key"].tolist() == KEYS
    np.testing.assert_allclose(frame["similarity"], table["similarity"], rtol=1e-12)
    assert frame["rank"].tolist() == list(range(20))


def _css_rules(document: str) -> dict[str, str]:
    """Selector -> declarations of the document's own style sheet."""
    style = document.split("<style>", 1)[1].split("</style>", 1)[0]
    rules = re.findall(r"([^{}]+)\{([^{}]*)\}", style)
    return {selector.strip(): body for selector, body in rules}


def test_a_long_link_note_wraps_and_stays_escaped():
    link = "link: http://host/explore?selected=" + ",".join(["a%2Cb<i>x</i>"] * 200)
    document = figure_html(neighbour_figure(["a"]), title="map", notes=[link])

    declarations = _css_rules(document)["ul.notes li"]
    assert re.search(r"overflow-wrap:\s*anywhere", declarations)
    parsed = Parsed(document)
    assert "i" not in parsed.tags
    assert html.escape(link) in document
