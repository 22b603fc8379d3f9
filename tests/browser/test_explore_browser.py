"""The app in headless Chromium: queries, analogies, 3-D, every page."""

from __future__ import annotations

import pytest
from browser_tools import CHART, coloured_pixels, nearest_keys, wait_for_app
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

MIN_DRAWN = 2_000
ROW_HEIGHT = 35


def _open(page, server, path: str = "") -> None:
    page.goto(f"{server.url}/{path}")
    wait_for_app(page)


def _type(page, label: str, text: str) -> None:
    box = page.get_by_label(label, exact=True)
    box.fill(text)
    box.press("Enter")
    wait_for_app(page, started=True)


def _snapshot(page, path) -> None:
    """Screenshot the whole page from the top (Streamlit scrolls inside)."""
    page.set_viewport_size({"width": 1600, "height": 1500})
    page.locator('[data-testid="stMain"]').evaluate("main => main.scrollTo(0, 0)")
    page.wait_for_timeout(800)
    page.screenshot(path=path)


def _map_pixels(page, index: int = 0) -> int:
    chart = page.locator(CHART).nth(index)
    chart.scroll_into_view_if_needed()
    return coloured_pixels(chart.screenshot())


def test_explore_king_shows_queen_and_a_drawn_map(page, app_server, screenshots):
    _open(page, app_server)
    _type(page, "Key", "paris")
    _type(page, "Key", "king")

    assert "queen" in nearest_keys(page, "king")[:10]
    assert page.locator(f"{CHART} canvas").count() > 0
    assert _map_pixels(page) > MIN_DRAWN
    _snapshot(page, screenshots / "explore.png")


def test_clicking_a_neighbour_makes_it_the_query(page, app_server):
    _open(page, app_server)
    keys = nearest_keys(page, "king")
    row = keys.index("queen")

    # The table is drawn on a canvas: click the row's selection cell.
    table = page.locator('[data-testid="stDataFrame"]').first
    table.scroll_into_view_if_needed()
    table.click(position={"x": 14, "y": ROW_HEIGHT * (row + 1) + ROW_HEIGHT // 2})
    wait_for_app(page, started=True)

    assert page.get_by_label("Key", exact=True).input_value() == "queen"
    assert "king" in nearest_keys(page, "queen")


def test_explore_unknown_key_offers_suggestions(page, app_server, screenshots):
    _open(page, app_server)
    _type(page, "Key", "kingg")

    assert page.get_by_text("unknown key 'kingg'").count() == 1
    _snapshot(page, screenshots / "explore_unknown.png")

    page.get_by_role("button", name="king", exact=True).click()
    wait_for_app(page, started=True)
    assert "queen" in nearest_keys(page, "king")


def test_explore_3d_view_draws(page, app_server, screenshots):
    _open(page, app_server)
    page.get_by_text("3-D", exact=True).click()
    wait_for_app(page, started=True)

    assert page.locator(f"{CHART} .gl-container canvas").count() > 0
    assert _map_pixels(page) > MIN_DRAWN
    assert "queen" in nearest_keys(page, "king")
    _snapshot(page, screenshots / "explore_3d.png")


def test_analogy_king_man_woman_gives_queen(page, app_server, screenshots):
    _open(page, app_server, "analogies?a=man&b=king&c=woman")

    answers = page.get_by_text("man : king :: woman : ?").last
    line = answers.locator("xpath=..").inner_text()
    assert line.split("→")[1].split(",")[0].strip() == "queen"
    assert _map_pixels(page) > 200  # the four words and their arrows
    _snapshot(page, screenshots / "analogies.png")


def test_word_sets_and_about_render(page, app_server, screenshots):
    _open(page, app_server, "word_sets")
    assert page.get_by_text("is least like the others").count() == 1
    assert _map_pixels(page) > MIN_DRAWN  # the heatmap
    _snapshot(page, screenshots / "word_sets.png")

    _open(page, app_server, "about")
    assert page.get_by_text("Pennington").count() >= 1
    _snapshot(page, screenshots / "about.png")


def test_umap_job_shows_pca_and_progress_then_the_umap_map(
    page, app_server, screenshots
):
    page.goto(f"{app_server.url}/explore?query=king&projection=umap&limit=2500")
    progress = page.locator(".st-key-projection_job").get_by_text("UMAP of the map")
    progress.first.wait_for(timeout=120_000)

    # While UMAP fits in the background the page answers: PCA and the table.
    assert page.get_by_role("button", name="Cancel").count() == 1
    page.get_by_text("Nearest to king:").wait_for()
    # The progress panel is drawn above the map, so the map may follow it.
    expect(page.locator(CHART).first).to_contain_text("PC1", timeout=60_000)
    page.screenshot(path=screenshots / "explore_umap_progress.png")

    wait_for_app(page, timeout=300_000)
    assert "UMAP 1" in page.locator(CHART).first.inner_text()
    assert _map_pixels(page) > MIN_DRAWN
    assert "queen" in nearest_keys(page, "king")
    _snapshot(page, screenshots / "explore_umap.png")
