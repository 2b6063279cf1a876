"""Where a new tab's page build spends its server time, by profile (less noisy than wall clock on a
shared machine): cProfile of ``Studio()`` and ``page()`` put into a Bokeh document and serialised as
the server sends it, with the demo dataset already cached (every tab after the first). Printed as
JSON: each component's cumulative seconds and its share of the whole build, median over the builds, and
as many builds without the profiler (``unprofiled_ms``: wall and CPU time of the building thread, median
and max), the closest to the server time of a page request that needs no browser; on a loaded machine
the CPU time is the figure that compares runs (wall time there is mostly waiting for a core).

Usage: ``python benchmarks/page_build.py [--builds 5] [--top 40]``; run it with ``PYTHONPATH=<other
checkout>`` to time another commit's Studio with this script.
"""

from __future__ import annotations

import argparse
import cProfile
import json
import pstats
import statistics
import sys
import time

import panel as pn
from bokeh.core.json_encoder import serialize_json
from bokeh.document import Document
from bokeh.embed.util import standalone_docs_json_and_render_items
from panel.io.state import set_curdoc

from fflux_studio.ui.studio import Studio

COMPONENTS = {  # (file suffix, function name) -> what it is
    ("views/data.py", "refresh"): "data_view_refresh",
    ("views/deploy.py", "__init__"): "deploy_view_init",
    ("views/campaign.py", "__init__"): "campaign_view_init",
    ("views/compare.py", "__init__"): "compare_view_init",
    ("views/train.py", "__init__"): "train_view_init",
    ("views/export.py", "__init__"): "export_view_init",
    ("ui/state.py", "use"): "state_use",
    ("ui/studio.py", "__init__"): "studio_init",
    ("page_build.py", "build_page"): "page_into_document",
    ("page_build.py", "serialise"): "serialise",
}


def wait_loaded(studio: Studio, timeout: float = 120.0) -> None:
    deadline = time.monotonic() + timeout
    while studio.state.dataset is None:
        if time.monotonic() > deadline:
            raise TimeoutError("the demo dataset did not load")
        studio.drain()
        time.sleep(0.05)


def build_page(studio: Studio, doc: Document) -> None:
    studio.page().server_doc(doc)


def serialise(doc: Document) -> int:
    """As the server puts the document into the page's HTML (bokeh.embed.server_html_page_for_session)."""
    docs_json, _ = standalone_docs_json_and_render_items(doc)
    return len(serialize_json(docs_json))


def unprofiled_build() -> tuple[float, float]:
    """(wall, CPU) seconds of one build."""
    doc = Document()
    with set_curdoc(doc):
        began, cpu = time.perf_counter(), time.thread_time()
        studio = Studio()
        build_page(studio, doc)
        serialise(doc)
        seconds = time.perf_counter() - began, time.thread_time() - cpu
    studio.worker.stop(timeout=5)
    return seconds


def one_build(top: int = 0) -> dict:
    doc = Document()
    profile = cProfile.Profile()
    with set_curdoc(doc):
        began = time.perf_counter()
        profile.enable()
        studio = Studio()
        build_page(studio, doc)
        size = serialise(doc)
        profile.disable()
        total = time.perf_counter() - began
    studio.worker.stop(timeout=5)
    if top:
        pstats.Stats(profile, stream=sys.stderr).sort_stats("cumulative").print_stats(top)
    times = {name: 0.0 for name in COMPONENTS.values()}
    for (path, _, function), row in pstats.Stats(profile).stats.items():
        for (suffix, wanted), name in COMPONENTS.items():
            if function == wanted and path.endswith(suffix):
                times[name] += row[3]
    return {"total": total, "profiled_total": sum(row[2] for row in pstats.Stats(profile).stats.values()),
            "bytes": size, **times}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--builds", type=int, default=5, help="page builds to profile (default 5)")
    parser.add_argument("--top", type=int, default=0, help="print the last build's N costliest calls (to stderr)")
    args = parser.parse_args()
    pn.extension(notifications=True)
    first = Studio()
    try:
        wait_loaded(first)
    finally:
        first.worker.stop(timeout=5)
    builds, walls = [], []
    for k in range(args.builds):  # alternated, so that both see the same load
        builds.append(one_build(args.top if k == args.builds - 1 else 0))
        walls.append(unprofiled_build())
    total = statistics.median(b["total"] for b in builds)
    out = {"builds": args.builds, "studio": sys.modules[Studio.__module__].__file__,
           "unprofiled_ms": {kind: {"median": round(1000 * statistics.median(w[k] for w in walls), 1),
                                    "max": round(1000 * max(w[k] for w in walls), 1)}
                             for k, kind in enumerate(("wall", "cpu"))},
           "wall_total_ms": round(1000 * total, 1),
           "page_bytes": builds[-1]["bytes"], "components_ms": {}, "share_of_total": {}}
    for name in ("studio_init", *COMPONENTS.values()):
        ms = statistics.median(b[name] for b in builds)
        out["components_ms"][name] = round(1000 * ms, 1)
        out["share_of_total"][name] = round(ms / total, 3)
    print(json.dumps(out, indent=2))


if __name__ == "__main__":
    main()
