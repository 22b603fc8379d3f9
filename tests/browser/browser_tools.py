"""Waiting for Streamlit and reading what the browser drew."""

from __future__ import annotations

import contextlib
import io

import numpy as np
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

RUNNING = '[data-testid="stApp"][data-test-script-state="running"]'
IDLE = '[data-testid="stApp"][data-test-script-state="notRunning"]'
STATUS = '[data-testid="stStatusWidget"]'
CHART = '[data-testid="stPlotlyChart"]'
JOB = ".st-key-projection_job"
PLACEHOLDER = "Computing the map"
SETTLED_JS = """([job, placeholder]) => {
  const app = document.querySelector('[data-testid="stApp"]');
  if (!app || app.getAttribute('data-test-script-state') !== 'notRunning') return false;
  if (!document.querySelector('[data-testid="stMain"]')) return false;
  if (document.querySelector(job)) return false;
  const charts = document.querySelectorAll('[data-testid="stPlotlyChart"]');
  return ![...charts].some(chart => chart.textContent.includes(placeholder));
}"""
SETTLED_CHECKS = 3


def wait_for_app(page, *, started: bool = False, timeout: float = 90_000) -> None:
    """Wait until the script has finished running and the page is drawn.

    Parameters
    ----------
    page : playwright.sync_api.Page
        The tab.
    started : bool
        Set after an action that reruns the script: wait for the run to
        start first (briefly), so an old idle state is not mistaken for done.
    timeout : float
        Milliseconds.
    """
    if started:
        # The run may be over before we look; then there is nothing to wait for.
        with contextlib.suppress(PlaywrightTimeoutError):
            page.wait_for_selector(RUNNING, timeout=3_000)
    page.wait_for_selector(IDLE, timeout=timeout)
    page.wait_for_selector(STATUS, state="hidden", timeout=timeout)
    _wait_settled(page, timeout)
    page.wait_for_timeout(500)  # let Plotly finish its first frame


def _wait_settled(page, timeout: float) -> None:
    """Idle, with no placeholder map and no map job, on several looks in a row.

    Streamlit reports idle between two runs (a rerun, a page switch) while
    the placeholders of the first run still show, and a background map job
    reruns the page when it ends: one look is not enough.
    """
    settled = 0
    while settled < SETTLED_CHECKS:
        page.wait_for_function(SETTLED_JS, arg=[JOB, PLACEHOLDER], timeout=timeout)
        page.wait_for_timeout(250)
        settled = settled + 1 if page.evaluate(SETTLED_JS, [JOB, PLACEHOLDER]) else 0


def coloured_pixels(png: bytes, *, min_chroma: int = 60) -> int:
    """Pixels that are clearly coloured (not white, grey or black).

    Axes, grid lines and text are grey or black; the map's points are drawn
    in Viridis colours by WebGL, so a blank canvas gives (almost) zero.
    """
    from PIL import Image

    rgb = np.asarray(Image.open(io.BytesIO(png)).convert("RGB")).astype(int)
    chroma = rgb.max(axis=2) - rgb.min(axis=2)
    return int(np.count_nonzero(chroma >= min_chroma))


def nearest_keys(page, query: str) -> list[str]:
    """The keys of the plain-text line "Nearest to <query>: a, b, c"."""
    line = page.get_by_text(f"Nearest to {query}:").first
    text = line.locator("xpath=..").inner_text()
    return [key.strip() for key in text.split(":", 1)[1].split(",")]
