"""Time from ``streamlit run app.py`` to the Explore map drawn in Chromium.

Run as a script (not collected by pytest)::

    python tests/browser/startup_time.py

It starts the app on a free port with an empty data folder, opens it in
headless Chromium, and prints how long the server took to answer and how
long until the map's canvas showed its points.
"""

from __future__ import annotations

import shutil
import sys
import tempfile
import time
from pathlib import Path

from playwright.sync_api import sync_playwright

sys.path.insert(0, str(Path(__file__).resolve().parent))
from browser_tools import CHART, coloured_pixels  # noqa: E402
from conftest import CHROMIUM_ARGS, start_server, stop_server  # noqa: E402

DRAWN = 2_000
MILESTONES = (
    ("page shell", '[data-testid="stApp"]'),
    ("title", "h1"),
    ("neighbour list", "text=Nearest to king:"),
    ("chart element", CHART),
    ("Plotly drawn", CHART + " .main-svg"),
    ("map canvas", CHART + " canvas"),
)


def main() -> None:
    """Start, open, wait for the map, print the times."""
    with tempfile.TemporaryDirectory() as folder:
        server, process = start_server(Path(folder) / "data", Path(folder) / "log")
        healthy = time.monotonic() - server.started
        try:
            drawn = _time_to_map(server.url, server.started) - server.started
        finally:
            stop_server(process)
    print(f"server answering after {healthy:.1f} s")
    print(f"Explore map drawn after {drawn:.1f} s (from server start)")


def _time_to_map(url: str, started: float) -> float:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=shutil.which("chromium"), args=CHROMIUM_ARGS
        )
        page = browser.new_page(viewport={"width": 1600, "height": 1000})
        page.goto(url)
        for label, selector in MILESTONES:
            page.wait_for_selector(selector, timeout=300_000)
            print(f"  {label} after {time.monotonic() - started:.1f} s")
        while True:
            charts = page.locator(CHART)
            if charts.count() and coloured_pixels(charts.first.screenshot()) > DRAWN:
                done = time.monotonic()
                break
            page.wait_for_timeout(100)
        browser.close()
    return done


if __name__ == "__main__":
    main()
