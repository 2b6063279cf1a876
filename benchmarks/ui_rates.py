"""How live the Studio stays while it trains, measured in one run and printed as JSON.

- ``plot_updates_per_second``: batches of new points sent to the page per second while a TL run
  (PSO seeding and relaxation, so it lasts) trains in one browser tab (goal: at least 4).
- ``second_session``: time to build and serve a new tab's page while the first tab trains:
  ``build_ms`` is the app factory (Studio and its page), ``server_ms`` Tornado's own timing of the
  request (the server time; goal: under 300 ms), ``http_ms`` the whole GET as the client sees it
  (including waits for the server's event loop, busy with the first tab's updates).

Needs Debian's Chromium at /usr/bin/chromium. Usage: ``python benchmarks/ui_rates.py [--seconds 15]``.
"""

from __future__ import annotations

import argparse
import json
import logging
import re
import statistics
import time
import urllib.request

import panel as pn
from playwright.sync_api import sync_playwright

from fflux_studio.ui.studio import Studio

CHROMIUM_ARGS = ["--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run"]


def wait_until(predicate, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while not (value := predicate()):
        if time.monotonic() > deadline:
            raise TimeoutError(what)
        time.sleep(0.05)
    return value


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=15.0, help="how long to watch the run (default 15)")
    parser.add_argument("--loads", type=int, default=5, help="second-session page loads to time (default 5)")
    args = parser.parse_args()

    pn.extension(notifications=True)
    studios, build_seconds, served_ms = [], [], []

    class AccessLog(logging.Handler):
        """Tornado's own timing of each page request: the server time of a page load."""

        def emit(self, record):
            match = re.match(r"200 GET /studio \([^)]*\) ([0-9.]+)ms", record.getMessage())
            if match:
                served_ms.append(float(match.group(1)))

    access = logging.getLogger("tornado.access")
    access.setLevel(logging.INFO)
    access.addHandler(AccessLog())

    def create():
        began = time.perf_counter()
        studio = Studio()
        studios.append(studio)
        page = studio.page()
        build_seconds.append(time.perf_counter() - began)
        return page

    thread = pn.serve({"studio": create}, threaded=True, port=0, show=False, start=True)
    server = wait_until(lambda: pn.state._servers.get(thread.server_id), 30, "server")[0]
    url = f"http://localhost:{server.port}/studio"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": 1200})
        page.goto(url)
        studio = wait_until(lambda: studios and studios[0], 60, "first session")
        wait_until(lambda: studio.state.dataset is not None, 120, "demo dataset")
        drains = []
        original = studio.drain

        def timed_drain():
            began = time.perf_counter()
            count = original()
            drains.append((began, time.perf_counter() - began, count))
            return count

        studio.drain = timed_drain
        page.locator(".bk-tab", has_text="Train").click()
        page.get_by_label("Seeding optimiser").select_option(label="PSO")
        page.get_by_label("Relaxation / DL optimiser").select_option(label="PSO")
        wait_until(lambda: studio.state.seed_optimizer == studio.state.optimizer == "pso", 10, "PSO throughout")
        page.get_by_role("button", name="Start training").click()
        wait_until(lambda: studio.state.status == "running" and len(studio.update_times) >= 2, 60, "first updates")
        watch_from = time.perf_counter()
        http_seconds = []
        served_before = len(served_ms)
        while time.perf_counter() - watch_from < args.seconds and studio.worker.busy:
            if len(http_seconds) < args.loads and time.perf_counter() - watch_from > 2.0:
                began = time.perf_counter()
                with urllib.request.urlopen(url) as response:
                    response.read()
                http_seconds.append(time.perf_counter() - began)
            time.sleep(0.5)
        watched = [t for t in studio.update_times if t >= watch_from]
        served = served_ms[served_before:]
        ticks = [(cost, count) for began, cost, count in drains if began >= watch_from]
        still_running = studio.worker.busy
        page.get_by_role("button", name="Cancel").click()
        wait_until(lambda: not studio.worker.busy, 60, "cancel")
        browser.close()
    span = watched[-1] - watched[0] if len(watched) > 1 else float("nan")
    result = {
        "plot_updates_per_second": round((len(watched) - 1) / span, 2) if len(watched) > 1 else 0.0,
        "updates_watched": len(watched), "seconds_watched": round(span, 2), "run_still_going": still_running,
        "poll_period_ms": studio.period,
        "drain_ticks": len(ticks), "empty_ticks": sum(1 for _, count in ticks if not count),
        "drain_ms_median": round(1000 * statistics.median(c for c, n in ticks if n), 1) if ticks else None,
        "drain_ms_max": round(1000 * max(c for c, _ in ticks), 1) if ticks else None,
        "second_session": {"loads": len(http_seconds),
                           "http_ms_median": round(1000 * statistics.median(http_seconds), 1) if http_seconds else None,
                           "http_ms_max": round(1000 * max(http_seconds), 1) if http_seconds else None,
                           "server_ms_median": round(statistics.median(served), 1) if served else None,
                           "server_ms_max": round(max(served), 1) if served else None,
                           "build_ms_median": round(1000 * statistics.median(build_seconds[1:]), 1)
                           if len(build_seconds) > 1 else None},
        "first_session_build_ms": round(1000 * build_seconds[0], 1),
    }
    for other in studios:
        other.worker.stop(timeout=5)
    thread.stop()
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
