"""Browser harness: the app on a free port, driven by Debian's Chromium.

The server runs in its own process group with a fresh data folder and is
stopped at the end of the session. Screenshots go to ``artifacts/screenshots``
(kept out of git).
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "artifacts" / "screenshots"
START_TIMEOUT = 120.0
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--enable-unsafe-swiftshader",
    "--disable-background-networking",
]


@dataclass(frozen=True)
class Server:
    """A running app: its address, when it started, and its log file."""

    url: str
    started: float
    log: Path


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _wait_healthy(url: str, process: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(
                f"streamlit exited with {process.returncode}:\n{log.read_text()}"
            )
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as reply:
                if reply.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    pytest.fail(f"streamlit did not answer at {url} within {START_TIMEOUT:.0f} s")


def start_server(data_dir: Path, log: Path) -> tuple[Server, subprocess.Popen]:
    """Start ``streamlit run app.py`` headless on a free port."""
    port = free_port()
    env = {**os.environ, "EMBSPACE_DATA_DIR": str(data_dir)}
    command = [
        sys.executable, "-m", "streamlit", "run", "app.py",
        "--server.headless", "true",
        "--server.port", str(port),
        "--server.address", "127.0.0.1",
        "--browser.gatherUsageStats", "false",
        # Source edits during a run must not reload modules under the app.
        "--server.fileWatcherType", "none",
    ]  # fmt: skip
    started = time.monotonic()
    with log.open("w") as output:
        process = subprocess.Popen(
            command,
            cwd=ROOT,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    url = f"http://127.0.0.1:{port}"
    _wait_healthy(url, process, log)
    return Server(url, started, log), process


def stop_server(process: subprocess.Popen) -> None:
    """Stop the server and everything it started (its process group)."""
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=15)


@pytest.fixture(scope="session")
def app_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """The app, running for the whole session."""
    folder = tmp_path_factory.mktemp("browser")
    server, process = start_server(folder / "data", folder / "streamlit.log")
    try:
        yield server
    finally:
        stop_server(process)


@pytest.fixture(scope="session")
def browser() -> Iterator:
    """Debian's Chromium, headless, driven by Playwright."""
    from playwright.sync_api import sync_playwright

    executable = shutil.which("chromium")
    if executable is None:
        pytest.fail("Debian's chromium is not installed (apt-get install chromium)")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=executable, args=CHROMIUM_ARGS
        )
        yield chromium
        chromium.close()


@pytest.fixture()
def page(browser, app_server: Server) -> Iterator:
    """A fresh browser tab at the app, 1600 x 1000 pixels."""
    context = browser.new_context(viewport={"width": 1600, "height": 1000})
    tab = context.new_page()
    tab.set_default_timeout(90_000)
    yield tab
    context.close()


@pytest.fixture(scope="session")
def screenshots() -> Path:
    """The folder for screenshots (git-ignored)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS
