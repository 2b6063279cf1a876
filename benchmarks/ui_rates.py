"""How live the Studio stays while two tabs train, measured in one run and printed as JSON.

Two browser tabs each start a TL run (PSO seeding and relaxation, so it lasts); meanwhile a third
tab is opened several times. Printed:

- ``training_tabs``: for each training tab, batches of new points sent to its page per second
  (goal: at least 4), with its drain cost and the worker messages it applied per tick, and how
  many messages its worker sent per second (an update needs a new iteration: a PSO iteration on
  the full set can take longer than the goal's quarter second).
- ``third_tab``: ``server_ms``, Tornado's own timing of the page request (the server time; goal:
  under 300 ms), ``first_plot_s``, from asking for the page to the browser showing its first plot
  (goal: under 2 s), ``build_ms``, the app factory (Studio and its page), and ``browser_phases_s``,
  where the first plot's time went, in the browser's clock from the navigation's start: the page's
  HTML received, the last script (BokehJS, Panel) received, the first plot seen (the document itself
  comes over the websocket between the last two).

With ``--campaign``, instead: one tab runs a 2-worker campaign (the ethanol demo, every atom x
property, TL) from the Campaign step while a second tab is opened several times; the same loads
are timed first with nothing running, so ``slowdown`` compares the two in one run.

Needs Debian's Chromium at /usr/bin/chromium. Usage: ``python benchmarks/ui_rates.py [--seconds 20]``,
``python benchmarks/ui_rates.py --campaign [--loads 4] [--train-size 1000]``.
"""

from __future__ import annotations

import argparse
import json
import logging
import re
import statistics
import time

import panel as pn
from playwright.sync_api import sync_playwright

from fflux_studio.ui.studio import Studio

CHROMIUM_ARGS = ["--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run"]


PHASES = ("page_received", "scripts_loaded", "first_plot")
PAGE_PHASES = """() => {
    const scripts = performance.getEntriesByType("resource").filter(r => r.initiatorType === "script");
    return {page_received: performance.getEntriesByType("navigation")[0].responseEnd,
            scripts_loaded: Math.max(0, ...scripts.map(r => r.responseEnd)),
            first_plot: performance.now()};
}"""  # milliseconds from the navigation's start, in the browser's clock


def wait_until(predicate, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while not (value := predicate()):
        if time.monotonic() > deadline:
            raise TimeoutError(what)
        time.sleep(0.05)
    return value


def median_max(values, scale: float = 1.0) -> dict:
    if not values:
        return {"median": None, "max": None}
    return {"median": round(scale * statistics.median(values), 2), "max": round(scale * max(values), 2)}


class AccessLog(logging.Handler):
    """Tornado's own timing of each page request: the server time of a page load."""

    def __init__(self):
        super().__init__()
        self.ms: list[float] = []

    def emit(self, record):
        match = re.match(r"200 GET /studio \([^)]*\) ([0-9.]+)ms", record.getMessage())
        if match:
            self.ms.append(float(match.group(1)))


def timed_drains(studio) -> list:
    """Wrap the session's drain to record (start, cost, message count) of every tick."""
    drains, original = [], studio.drain

    def drain():
        began = time.perf_counter()
        count = original()
        drains.append((began, time.perf_counter() - began, count))
        return count

    studio.drain = drain
    return drains


def start_long_run(page, studio) -> None:
    page.locator(".bk-tab", has_text="Train").click()
    page.get_by_label("Seeding optimiser").select_option(label="PSO")
    page.get_by_label("Relaxation / DL optimiser").select_option(label="PSO")
    wait_until(lambda: studio.state.seed_optimizer == studio.state.optimizer == "pso", 10, "PSO throughout")
    page.get_by_role("button", name="Start training").click()


def time_loads(browser, url: str, access: AccessLog, loads: int, going=lambda: True) -> dict:
    """Open the page ``loads`` times in fresh contexts (while ``going()``): Tornado's server time and
    the time until the browser shows the first plot."""
    served_before, first_plot = len(access.ms), []
    while len(first_plot) < loads and going():
        context = browser.new_context(viewport={"width": 1400, "height": 1200})
        began = time.perf_counter()
        context.new_page().goto(url)
        context.pages[0].locator("canvas").first.wait_for(timeout=60_000)
        first_plot.append(time.perf_counter() - began)
        context.close()
    return {"loads": len(first_plot), "server_ms": median_max(access.ms[served_before:]),
            "first_plot_s": median_max(first_plot)}


def campaign_page_time(args) -> dict:
    """A second tab's page time while a 2-worker campaign runs in the first, and without it."""
    studios, access = [], AccessLog()
    logging.getLogger("tornado.access").setLevel(logging.INFO)
    logging.getLogger("tornado.access").addHandler(access)

    def create():
        studio = Studio()
        studios.append(studio)
        return studio.page()

    thread = pn.serve({"studio": create}, threaded=True, port=0, show=False, start=True)
    try:
        server = wait_until(lambda: pn.state._servers.get(thread.server_id), 30, "server")[0]
        url = f"http://localhost:{server.port}/studio"
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
            page = browser.new_context(viewport={"width": 1400, "height": 1200}).new_page()
            page.goto(url)
            studio = wait_until(lambda: studios and studios[0], 60, "the campaign tab's session")
            wait_until(lambda: studio.state.dataset is not None, 120, "demo dataset")
            page.get_by_text("1500", exact=False).first.wait_for(timeout=30_000)
            page.get_by_label("Train size").fill(str(args.train_size))
            page.get_by_label("Train size").press("Enter")
            wait_until(lambda: studio.state.train_size == args.train_size, 10, "the training set's size")
            idle = time_loads(browser, url, access, args.loads)
            campaign = studio.campaign_view.campaign
            assert (campaign.workers, campaign.protocol) == (2, "tl"), "the defaults on a machine with 2 cores or more"
            page.locator(".bk-tab", has_text="Campaign").click()
            page.get_by_role("button", name="Start campaign").click()
            wait_until(lambda: campaign.counts()["running"] == 2, 120, "two models training")
            started = time.perf_counter()
            during = time_loads(browser, url, access, args.loads, lambda: studio.worker.busy)
            during["campaign_still_running"] = studio.worker.busy
            during["models_finished_meanwhile"] = campaign.finished()
            during["seconds"] = round(time.perf_counter() - started, 1)
            studio.cancel()
            wait_until(lambda: not studio.worker.busy, 60, "the campaign to stop")
            browser.close()
    finally:
        for studio in studios:
            studio.worker.stop(timeout=5)
        thread.stop()
    ratio = (during["server_ms"]["median"] / idle["server_ms"]["median"]
             if during["server_ms"]["median"] and idle["server_ms"]["median"] else None)
    plot_ratio = (during["first_plot_s"]["median"] / idle["first_plot_s"]["median"]
                  if during["first_plot_s"]["median"] and idle["first_plot_s"]["median"] else None)
    return {"campaign": {"system": "ethanol", "models": len(campaign.states), "workers": 2,
                         "n_train": args.train_size, "protocol": "tl"},
            "second_tab_idle": idle, "second_tab_during_campaign": during,
            "slowdown": {"server_ms": ratio and round(ratio, 2), "first_plot_s": plot_ratio and round(plot_ratio, 2)}}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=20.0, help="how long to watch the runs (default 20)")
    parser.add_argument("--loads", type=int, default=4, help="third-tab page loads to time (default 4)")
    parser.add_argument("--campaign", action="store_true",
                        help="time a second tab while a 2-worker campaign runs in the first (see above)")
    parser.add_argument("--train-size", type=int, default=1000, help="training frames of the campaign (default 1000)")
    args = parser.parse_args()

    pn.extension(notifications=True)
    if args.campaign:
        print(json.dumps(campaign_page_time(args), indent=2))
        return
    studios, build_seconds = [], []
    access = AccessLog()
    logging.getLogger("tornado.access").setLevel(logging.INFO)
    logging.getLogger("tornado.access").addHandler(access)

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
        tabs = []
        for k in range(2):
            page = browser.new_context(viewport={"width": 1400, "height": 1200}).new_page()
            page.goto(url)
            studio = wait_until(lambda: len(studios) > k and studios[k], 60, "a training tab's session")
            wait_until(lambda: studio.state.dataset is not None, 120, "demo dataset")
            tabs.append((page, studio, timed_drains(studio)))
        for page, studio, _ in tabs:
            start_long_run(page, studio)
        for _, studio, _ in tabs:
            wait_until(lambda: studio.state.status == "running" and len(studio.update_times) >= 2, 90, "first updates")
        watch_from = time.perf_counter()
        first_plot, phases, served_before, builds_before = [], [], len(access.ms), len(build_seconds)
        while time.perf_counter() - watch_from < args.seconds and all(s.worker.busy for _, s, _ in tabs):
            if len(first_plot) < args.loads and time.perf_counter() - watch_from > 2.0:
                context = browser.new_context(viewport={"width": 1400, "height": 1200})
                third = context.new_page()
                began = time.perf_counter()
                third.goto(url)
                third.locator("canvas").first.wait_for(timeout=60_000)
                first_plot.append(time.perf_counter() - began)
                phases.append(third.evaluate(PAGE_PHASES))
                context.close()
            time.sleep(0.5)
        watched_until = time.perf_counter()
        still_running = [s.worker.busy for _, s, _ in tabs]
        training = []
        for page, studio, drains in tabs:
            watched = [t for t in studio.update_times if watch_from <= t <= watched_until]
            span = watched[-1] - watched[0] if len(watched) > 1 else float("nan")
            ticks = [(cost, count) for began, cost, count in drains if watch_from <= began <= watched_until]
            training.append({
                "plot_updates_per_second": round((len(watched) - 1) / span, 2) if len(watched) > 1 else 0.0,
                "updates_watched": len(watched), "seconds_watched": round(span, 2),
                "drain_ticks": len(ticks), "empty_ticks": sum(1 for _, count in ticks if not count),
                "drain_ms": median_max([c for c, n in ticks if n], 1000),
                "messages_per_tick": median_max([n for _, n in ticks if n]),
                "worker_messages_per_second": round(sum(n for _, n in ticks) / span, 2) if len(watched) > 1 else None})
            page.get_by_role("button", name="Cancel").click()
        for _, studio, _ in tabs:
            wait_until(lambda: not studio.worker.busy, 60, "cancel")
        browser.close()
    result = {
        "poll_period_ms": studios[0].period, "runs_still_going": still_running, "training_tabs": training,
        "third_tab": {"loads": len(first_plot), "server_ms": median_max(access.ms[served_before:]),
                      "first_plot_s": median_max(first_plot),
                      "build_ms": median_max(build_seconds[builds_before:], 1000),
                      "browser_phases_s": {name: median_max([p[name] for p in phases], 0.001) for name in PHASES}},
        "first_session_build_ms": round(1000 * build_seconds[0], 1),
    }
    for other in studios:
        other.worker.stop(timeout=5)
    thread.stop()
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
