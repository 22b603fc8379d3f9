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
    page.wait_for_selector('[data-testid="stMain"]', timeout=timeout)
    page.wait_for_timeout(500)  # let Plotly finish its first frame


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
