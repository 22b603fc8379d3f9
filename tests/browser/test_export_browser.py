"""The exported HTML view, opened from disk in headless Chromium."""

from __future__ import annotations

import pytest
from test_export import EVIL, KEYS, export


@pytest.mark.browser
@pytest.mark.slow
def test_html_file_renders_offline_from_disk(tmp_path, browser):
    path = tmp_path / "view.html"
    path.write_text(export(KEYS), encoding="utf-8")
    dialogs, requests = [], []

    context = browser.new_context()
    try:
        page = context.new_page()
        page.on("dialog", lambda dialog: (dialogs.append(dialog), dialog.dismiss()))
        page.route(
            "**/*",
            lambda route: (
                route.continue_()
                if route.request.url.startswith("file://")
                else (requests.append(route.request.url), route.abort())
            ),
        )
        page.goto(path.as_uri())
        page.wait_for_selector(".js-plotly-plot .main-svg", timeout=30_000)
        n_traces = page.evaluate(
            "document.querySelector('.js-plotly-plot').data.length"
        )
        first_cell = page.inner_text("table.neighbors td")
    finally:
        context.close()

    assert n_traces == 1
    assert first_cell == EVIL
    assert dialogs == [] and requests == []
