"""Fixtures for driving the served Studio in Debian's Chromium: an in-process server whose
sessions the test can inspect, a browser, and a polling helper (never a fixed sleep)."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run"]
SCREENSHOTS_ENV = "FFLUX_STUDIO_SCREENSHOTS"  # e.g. docs/screenshots, to refresh the committed ones


def wait_until(predicate, timeout: float = 60.0, interval: float = 0.1, what: str = "condition"):
    """Poll ``predicate`` until it returns something truthy; fail with ``what`` after ``timeout`` s."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}")
        time.sleep(interval)


@pytest.fixture(scope="session")
def wait():
    """The polling helper, for test modules (conftest cannot be imported under importlib mode)."""
    return wait_until


@pytest.fixture(scope="module")
def served():
    """The app served in-process on a free port; yields (url, list of each session's Studio)."""
    import panel as pn

    from fflux_studio.ui.studio import Studio

    pn.extension(notifications=True)
    studios = []

    def create():
        studio = Studio()
        studios.append(studio)
        return studio.page()

    # a closed tab's session is discarded within seconds (Bokeh's defaults: 15 s, checked every 17 s);
    # not much sooner: a new page's session must live until its browser connects
    thread = pn.serve({"studio": create}, threaded=True, port=0, show=False, start=True,
                      check_unused_sessions_milliseconds=1000, unused_session_lifetime_milliseconds=5000)
    server = wait_until(lambda: pn.state._servers.get(thread.server_id), 30, what="the Panel server")[0]
    yield f"http://localhost:{server.port}/studio", studios
    for studio in studios:
        studio.worker.stop(timeout=5)
    thread.stop()


@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} not found: install Debian's chromium (apt-get install chromium) to run browser tests")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture
def shot(tmp_path_factory):
    """Save a screenshot of ``page`` as <name>.png in $FFLUX_STUDIO_SCREENSHOTS (docs/screenshots
    to refresh the committed ones), else in a temporary folder: a test run leaves the tree clean."""
    folder = Path(os.environ[SCREENSHOTS_ENV]) if os.environ.get(SCREENSHOTS_ENV) else tmp_path_factory.mktemp("shots")
    folder.mkdir(parents=True, exist_ok=True)

    def save(page, name: str) -> Path:
        path = folder / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return save
