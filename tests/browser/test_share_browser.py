"""Shared views in headless Chromium: links, fresh browsers, files from disk.

A link with a query and a UMAP map is opened, its copy-link URL is opened in
a new browser context (no shared cookies or storage) and must show the same
neighbours, the same highlighted keys and the same map coordinates. The HTML
download must draw its plot from disk with the network off. An uploaded
dataset must open from its link in another browser too.
"""

from __future__ import annotations

import shutil
from urllib.parse import parse_qs, quote, urlencode, urlsplit

import numpy as np
import pytest
from browser_tools import CHART, coloured_pixels, nearest_keys, wait_for_app

pytestmark = pytest.mark.browser

LINK = {
    "query": "france",
    "projection": "umap",
    "limit": "1000",
    "search": "^fr",
    "regex": "1",
}
VIEWPORT = {"width": 1600, "height": 1000}
TRACES_JS = """() => {
  const plot = document.querySelector('.js-plotly-plot');
  return plot.data.map(t => ({
    name: t.name || '', text: t.text || [], hovertext: t.hovertext || [],
    x: JSON.stringify(t.x), y: JSON.stringify(t.y)}));
}"""


def _fresh_tab(browser, **options):
    context = browser.new_context(viewport=VIEWPORT, **options)
    tab = context.new_page()
    tab.set_default_timeout(180_000)
    return context, tab


def _goto(tab, url: str) -> None:
    tab.goto(url)
    wait_for_app(tab, timeout=180_000)


def _traces(tab) -> dict[str, dict]:
    return {trace["name"]: trace for trace in tab.evaluate(TRACES_JS)}


def _copy_link(tab) -> str:
    box = tab.locator('[data-testid="stSidebar"] [data-testid="stCode"]')
    return "".join(box.inner_text().split())


def _download(tab, label: str, folder) -> bytes:
    with tab.expect_download() as event:
        tab.get_by_role("button", name=label).click()
    path = folder / event.value.suggested_filename
    event.value.save_as(path)
    return path.read_bytes()


def _snapshot(tab, path) -> None:
    tab.set_viewport_size({"width": 1600, "height": 1500})
    tab.locator('[data-testid="stMain"]').evaluate("main => main.scrollTo(0, 0)")
    tab.wait_for_timeout(800)
    tab.screenshot(path=path)
    tab.set_viewport_size(VIEWPORT)


def _state(tab, folder) -> tuple[list[str], dict[str, dict], bytes]:
    """Neighbours, map traces and the offered coordinates CSV of a tab."""
    keys = nearest_keys(tab, "france")
    traces = _traces(tab)
    csv = _download(tab, "Map coordinates (CSV)", folder)
    return keys, traces, csv


def test_shared_link_reopens_the_same_view_in_a_fresh_browser(
    browser, app_server, glove, glove_kv, screenshots, tmp_path
):
    url = f"{app_server.url}/explore?{urlencode(LINK, quote_via=quote)}"
    first_context, first = _fresh_tab(browser)
    _goto(first, url)

    # The neighbours are gensim's; the map labels all of them, placing those
    # outside its 1,000 keys without refitting, and marks the keys matching ^fr.
    expected = [key for key, _ in glove_kv.most_similar("france", topn=10)]
    keys, traces, csv = _state(first, tmp_path / "first")
    assert keys == expected
    assert sorted(traces["neighbours"]["text"]) == sorted(expected)
    outside = [key for key in expected if key not in set(glove.keys[:1000])]
    assert outside, "the test needs a neighbour outside the map"
    caption = first.locator('[data-testid="stCaptionContainer"]').all_inner_texts()
    assert any(outside[0] in text and "placed" in text for text in caption)
    assert traces["query"]["text"] == ["france"]
    matches = [key for key in glove.keys[:1000] if key.startswith("fr")]
    assert traces["matches"]["hovertext"] == matches
    assert "UMAP 1" in first.locator(CHART).first.inner_text()
    _snapshot(first, screenshots / "share_explore_link.png")

    # The copy-link URL carries the view; a new browser shows the same.
    link = _copy_link(first)
    assert urlsplit(link).path == "/explore"
    assert {k: v[-1] for k, v in parse_qs(urlsplit(link).query).items()} == LINK
    first_context.close()

    second_context, second = _fresh_tab(browser)
    _goto(second, link)
    again, traces_again, csv_again = _state(second, tmp_path / "second")
    assert again == keys
    assert traces_again["matches"]["hovertext"] == matches
    assert traces_again["keys"]["x"] == traces["keys"]["x"]
    assert traces_again["keys"]["y"] == traces["keys"]["y"]
    assert csv_again == csv
    assert csv.count(b"\r\n") == 1001  # header and one row per key
    second_context.close()


def test_html_download_draws_from_disk_offline(
    browser, app_server, glove_kv, screenshots, tmp_path
):
    context, tab = _fresh_tab(browser)
    _goto(tab, f"{app_server.url}/explore?query=paris&limit=2000")
    html = _download(tab, "Map and neighbours (HTML)", tmp_path)
    context.close()
    assert len(html) > 1_000_000  # plotly.js is inside

    path = next(tmp_path.glob("*.html"))
    offline, page = _fresh_tab(browser, offline=True)
    page.goto(path.as_uri())
    page.wait_for_selector(".js-plotly-plot .main-svg", timeout=60_000)
    page.wait_for_timeout(1500)

    plot = page.locator(".js-plotly-plot").first
    assert coloured_pixels(plot.screenshot()) > 2_000
    table = page.locator("table.neighbors").inner_text()
    for key, _ in glove_kv.most_similar("paris", topn=10):
        assert key in table
    assert "query: paris" in page.locator("ul.notes").inner_text()
    page.screenshot(path=screenshots / "share_html_offline.png")
    offline.close()


def test_box_selection_lists_the_selected_keys(
    browser, app_server, screenshots, tmp_path
):
    context, tab = _fresh_tab(browser)
    _goto(tab, f"{app_server.url}/explore?query=king&limit=1000")

    chart = tab.locator(CHART).first
    chart.scroll_into_view_if_needed()
    chart.hover()
    chart.locator('[data-title="Box Select"]').click()
    box = chart.locator(".nsewdrag").first.bounding_box()
    cx, cy = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    tab.mouse.move(cx - 120, cy - 120)
    tab.mouse.down()
    tab.mouse.move(cx + 120, cy + 120, steps=10)
    tab.mouse.up()
    wait_for_app(tab, started=True, timeout=180_000)

    listed = tab.get_by_text("Selected ", exact=False).filter(has_text="keys:")
    text = listed.first.inner_text()
    count = int(text.split()[1].replace(",", ""))
    assert 0 < count < 1000
    csv = _download(tab, "Selected keys (CSV)", tmp_path)
    assert csv.count(b"\r\n") == count + 1  # header and one row per key

    link = _copy_link(tab)
    query = parse_qs(urlsplit(link).query)
    assert "selected" in query or "view" in query
    _snapshot(tab, screenshots / "share_box_selection.png")
    context.close()


def test_uploaded_vectors_open_from_their_link_in_another_browser(
    browser, app_server, cases_dir, screenshots, tmp_path
):
    source = cases_dir / "B01_glove_no_header.txt"
    upload = tmp_path / "rivers.txt"
    shutil.copy(source, upload)
    rows = [line.split() for line in source.read_text().splitlines() if line]
    keys = [row[0] for row in rows]
    vectors = np.array([[float(v) for v in row[1:]] for row in rows])

    context, tab = _fresh_tab(browser)
    _goto(tab, f"{app_server.url}/upload")
    main = tab.locator('[data-testid="stMain"]')
    main.locator('input[type="file"]').first.set_input_files(str(upload))
    tab.get_by_text("Read rivers.txt").wait_for(timeout=60_000)
    wait_for_app(tab)
    _snapshot(tab, screenshots / "share_upload.png")

    tab.get_by_role("button", name="Explore it").click()
    wait_for_app(tab, started=True)
    box = tab.get_by_label("Key", exact=True)
    box.fill("river")
    box.press("Enter")
    wait_for_app(tab, started=True)

    # Neighbours of "river" by cosine, computed here with numpy.
    unit = vectors / np.linalg.norm(vectors, axis=1, keepdims=True)
    order = np.argsort(-(unit @ unit[keys.index("river")]), kind="stable")
    expected = [keys[i] for i in order if keys[i] != "river"]
    assert nearest_keys(tab, "river") == expected
    _snapshot(tab, screenshots / "share_explore_upload.png")

    link = _copy_link(tab)
    dataset = parse_qs(urlsplit(link).query)["dataset"][-1]
    assert dataset.startswith("u-")
    context.close()

    other, fresh = _fresh_tab(browser)
    _goto(fresh, link)
    assert nearest_keys(fresh, "river") == expected
    other.close()
