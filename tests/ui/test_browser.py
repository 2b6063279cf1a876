"""The Studio as a person uses it, in Chromium: load, train live, cancel, compare, export (the
Compare step's own figures and learning curves: test_browser_compare.py).

Assertions look at the page and at the session's own state (the server runs in this process).
Budgets are small so the whole file runs in a couple of minutes on a busy 2-core machine.
"""

from __future__ import annotations

import struct
import zipfile

import numpy as np
import pytest

from fflux_studio.io.model_file import read_model

pytestmark = pytest.mark.browser


def open_studio(page, url, studios, wait_until):
    """Open the Studio in ``page``; return the page and its session once the demo dataset is loaded."""
    before = len(studios)
    page.goto(url)
    studio = wait_until(lambda: studios[before] if len(studios) > before else None, 60, what="a new session")
    wait_until(lambda: studio.state.dataset is not None, 120, what="the demo dataset to load")
    page.get_by_text("1500", exact=False).first.wait_for(timeout=30_000)
    return page, studio


def settle(page):
    """Wait until BokehJS has applied every change the server sent (before a screenshot)."""
    page.wait_for_function("() => window.Bokeh && Bokeh.documents.length && Bokeh.documents.every(d => d.is_idle)",
                           timeout=30_000)
    page.evaluate("() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")


def tab(page, name):
    page.locator(".bk-tab", has_text=name).click()


def page_rows(page) -> int:
    """The longest data source in the browser's Bokeh documents: what the page actually draws."""
    return page.evaluate("() => Math.max(0, ...Bokeh.documents.flatMap(d => [...d.all_models]"
                         ".filter(m => m.data !== undefined && m.get_length).map(m => m.get_length())))")


def seeding_x_end(page) -> float:
    """Where the browser's seeding figure ends its x axis: it grows as the figure draws new points
    (a figure that receives rows but cannot draw them keeps the axis of its first rows)."""
    return page.evaluate("() => Math.max(0, ...Bokeh.documents.flatMap(d => [...d.all_models].filter(m => m.title"
                         " && m.title.text && m.title.text.startsWith('Seeding')).map(m => m.x_range.end)))")


TOOL = "() => Bokeh.documents.some(d => [...d.all_models].some(m => m.constructor.__name__ === '{}'))"


def page_landscape(page) -> bool:
    """Whether the browser draws a computed landscape (not the 2 x 2 placeholder)."""
    return page.evaluate("() => Bokeh.documents.some(d => [...d.all_models].some(m => m.data !== undefined"
                         " && m.data.image !== undefined && m.data.image.length > 0 && m.data.image[0].length > 4))")


def landscape_ranges(page) -> list[float] | None:
    """The browser's landscape axes as [x start, x end, y start, y end], or None before it has a figure
    (the newest one: a run's first batch replaces the page's first figure)."""
    return page.evaluate("() => Bokeh.documents.flatMap(d => [...d.all_models]).filter(m => m.title"
                         " && m.title.text && m.title.text.startsWith('ln L landscape'))"
                         ".map(f => [f.x_range.start, f.x_range.end, f.y_range.start, f.y_range.end]).at(-1) ?? null")


def rows(studio) -> int:
    return sum(figure.rows() for figure in studio.train_view.figures.values())


def test_train_cancel_compare_export(served, browser, shot, tmp_path, wait):
    wait_until = wait
    url, studios = served
    page, studio = open_studio(browser.new_page(viewport={"width": 1400, "height": 1500}), url, studios,
                                wait_until)
    page.get_by_text("GFN2-xTB", exact=False).first.wait_for(timeout=30_000)
    wait_until(lambda: page.locator(".notyf__toast").count() == 0, 30, what="the load's toast to go")
    settle(page)
    shot(page, "01_data")

    tab(page, "Train")
    page.get_by_label("Seeding optimiser").select_option(label="PSO")
    wait_until(lambda: studio.state.seed_optimizer == "pso", 10, what="the seeding optimiser to become PSO")
    page.get_by_role("button", name="Start training").click()
    wait_until(lambda: studio.state.status == "running", 20, what="the run to start")
    first = wait_until(lambda: rows(studio), 60, what="the first ln L points")
    wait_until(lambda: rows(studio) > first and studio.state.status == "running", 60,
               what="more ln L points while the run is still in progress")
    drawn = wait_until(lambda: page_rows(page), 30, what="ln L points drawn in the browser")
    wait_until(lambda: page_rows(page) > drawn and studio.state.status == "running", 60,
               what="the browser to receive more points while the run is still in progress")
    axis = wait_until(lambda: seeding_x_end(page), 30, what="the seeding figure's axis")
    wait_until(lambda: seeding_x_end(page) > axis + 10 and studio.state.status == "running", 60,
               what="the browser's seeding figure to draw further iterations while the run is in progress")
    wait_until(lambda: studio.traces.landscape is not None, 90, what="the landscape")
    wait_until(lambda: page_landscape(page), 30, what="the browser to draw the landscape")
    assert studio.train_view.landscape_pane.object is not None
    assert studio.state.status == "running"
    settle(page)
    shot(page, "02_train_live")

    assert page.evaluate(TOOL.format("BoxZoomTool")), "plots zoom by box"
    assert not page.evaluate(TOOL.format("WheelZoomTool")), "the mouse wheel must scroll the page, not zoom a plot"

    page.get_by_role("button", name="Cancel").click()
    wait_until(lambda: studio.state.status == "cancelled", 60, what="the run to be cancelled")
    assert "cancelled" in studio.state.message
    assert not studio.worker.busy
    page.get_by_text("TL cancelled after", exact=False).wait_for(timeout=30_000)
    assert page.get_by_text("running on", exact=False).count() == 0
    page.locator(".notyf__toast", has_text="cancelled").wait_for(timeout=30_000)
    assert page.locator(".notyf__toast").count() == 1, page.locator(".notyf__toast").all_inner_texts()
    wait_until(lambda: page.locator(".notyf__toast").count() == 0, 30, what="the toast to go away")

    page.get_by_label("Seeding optimiser").select_option(label="L-BFGS-B")
    wait_until(lambda: studio.state.seed_optimizer == "lbfgs", 10, what="the seeding optimiser to become L-BFGS-B")
    page.get_by_role("button", name="Start training").click()
    wait_until(lambda: "tl" in studio.state.runs and studio.state.status == "done", 120, what="a second, finished run")
    page.get_by_text("TL finished").wait_for(timeout=30_000)
    page.get_by_text("done · ", exact=False).first.wait_for(timeout=30_000)  # the result comes before the end
    settle(page)
    shot(page, "03_train_done")

    tab(page, "Compare")
    page.get_by_role("button", name="Run TL and DL").click()
    wait_until(lambda: set(studio.state.runs) == {"tl", "dl"} and studio.state.status == "done", 180,
               what="the TL and DL comparison")
    labels = {curve.label for curve in studio.compare_view.s_curves.object}
    assert labels == {"TL", "DL"}  # the Compare step's own test: test_browser_compare.py

    tab(page, "Export")
    with page.expect_download(timeout=60_000) as download:
        page.get_by_role("button", name="Model file(s)").click()
    path = tmp_path / download.value.suggested_filename
    download.value.save_as(path)
    with zipfile.ZipFile(path) as archive:
        names = archive.namelist()
        assert sorted(n.split("/")[0] for n in names) == ["dl", "tl"]
        for name in names:
            model_path = tmp_path / name
            model_path.parent.mkdir(exist_ok=True)
            model_path.write_bytes(archive.read(name))
            model = read_model(model_path)
            assert model.n_train == studio.state.train_size
            assert model.atom == studio.state.atom
    with page.expect_download(timeout=120_000) as download:
        page.get_by_role("button", name="Figures (PNG)").click()
    with zipfile.ZipFile(download.value.path()) as archive:
        widths = {n: struct.unpack(">II", archive.read(n)[16:24])[0] for n in archive.namelist()}
    assert {"tl_landscape.png", "dl_landscape.png", "s_curves.png", "phase_times.png"} <= set(widths)
    assert min(widths.values()) >= 1600, widths
    settle(page)
    shot(page, "05_export")
    assert studio.internal_errors == 0
    page.close()


def test_landscape_window_follows_the_optimiser_of_a_pso_seeded_run(served, browser, wait):
    url, studios = served
    page, studio = open_studio(browser.new_page(viewport={"width": 1400, "height": 1500}), url, studios, wait)
    tab(page, "Train")
    page.get_by_label("Seeding optimiser").select_option(label="PSO")
    wait(lambda: studio.state.seed_optimizer == "pso", 10, what="the seeding optimiser to become PSO")
    page.get_by_role("button", name="Start training").click()
    wait(lambda: "tl" in studio.state.runs and studio.state.status == "done", 300, what="a finished PSO-seeded run")
    wait(lambda: studio.traces.landscape is not None and studio.traces.landscape.centre is not None, 60,
         what="the final landscape")
    settle(page)
    path = studio.traces.book.full_set_path(*studio.traces.pair)
    assert len(path["a"]), "the relaxation path is drawn on the landscape"
    window = studio.traces.window()  # the path and best point's window: the seeds do not stretch it

    def final_ranges():
        ranges = landscape_ranges(page)
        return ranges if ranges and ranges == pytest.approx([*window[0], *window[1]]) else None

    x0, x1, y0, y1 = wait(final_ranges, 30, what="the landscape's axes to reach the path's window")
    assert x0 <= path["a"].min() and path["a"].max() <= x1, (x0, x1, path["a"])
    assert y0 <= path["b"].min() and path["b"].max() <= y1, (y0, y1, path["b"])
    seeds = studio.traces.book.seed_rows(*studio.traces.pair)
    far = [row for row in seeds if not (x0 <= row["a"] <= x1 and y0 <= row["b"] <= y1)]
    print(f"window x {x0:.3g}..{x1:.3g}, y {y0:.3g}..{y1:.3g}; path x {path['a'].min():.3g}..{path['a'].max():.3g},"
          f" y {path['b'].min():.3g}..{path['b'].max():.3g}; {len(far)} of {len(seeds)} seeds off the window")
    assert studio.internal_errors == 0
    page.close()


def test_two_sessions_train_at_once_without_crosstalk(served, browser, wait):
    wait_until = wait
    url, studios = served
    contexts = [browser.new_context(viewport={"width": 1200, "height": 900}) for _ in range(2)]
    (page_a, a), (page_b, b) = (open_studio(context.new_page(), url, studios, wait_until) for context in contexts)
    page_b.get_by_role("button", name="Direct learning (DL)").click()
    wait_until(lambda: b.state.protocol == "dl", 10, what="session B to choose DL")
    assert a.state.protocol == "tl"
    page_a.get_by_role("button", name="Start training").click()
    page_b.get_by_role("button", name="Start training").click()
    wait_until(lambda: a.state.status == "running" or "tl" in a.state.runs, 20, what="session A to start")
    wait_until(lambda: b.state.status == "running" or "dl" in b.state.runs, 20, what="session B to start")
    wait_until(lambda: "tl" in a.state.runs and "dl" in b.state.runs and a.state.status == b.state.status == "done",
               180, what="both sessions to finish")
    assert set(a.state.runs) == {"tl"} and set(b.state.runs) == {"dl"}
    assert a.traces.book.protocol == "tl" and b.traces.book.protocol == "dl"
    tl_rows = set(a.traces.book.rows)  # seeded, or trained directly when too few points to seed
    assert any(name.startswith("source ") for name in tl_rows) or tl_rows == {"relaxation"}
    assert set(b.traces.book.rows) == {"direct"}
    assert a.worker is not b.worker and a.worker.queue is not b.worker.queue
    assert a.internal_errors == b.internal_errors == 0
    for context in contexts:
        context.close()
    wait_until(lambda: not a.worker.busy and not b.worker.busy, 30, what="workers to stop with their tabs")


def test_uploads_load_and_bad_ones_become_notifications(served, browser, tmp_path, wait, shot):
    url, studios = served
    page, studio = open_studio(browser.new_page(viewport={"width": 1400, "height": 1200}), url, studios, wait)
    bad = tmp_path / "broken.xyz"
    bad.write_text("not an xyz file\n")
    page.locator(".filepond--browser").set_input_files(str(bad))
    wait(lambda: "broken.xyz" in studio.data_view.upload.value, 30, what="the bad file to be uploaded")
    page.get_by_role("button", name="Load uploaded files").click()
    wait(lambda: studio.state.status == "failed", 60, what="the bad upload to fail")
    page.locator(".alert-danger", has_text="Could not load the data. broken.xyz").wait_for(timeout=30_000)
    assert studio.state.source == "bundled demo 'ethanol'" and studio.state.dataset.n_frames == 1500

    rng = np.random.default_rng(0)
    x = rng.uniform(0, 2, size=(60, 3))
    rows = "\n".join(",".join(str(v) for v in (*features, np.sin(features[0]))) for features in x)
    good = tmp_path / "TOY_C1_TRAINING_SET.csv"
    good.write_text("f1,f2,f3,iqa\n" + rows + "\n")
    page.locator(".filepond--file-action-button.filepond--action-revert-item-processing").click()  # remove broken.xyz
    wait(lambda: not studio.data_view.upload.value, 30, what="the bad file to be removed")
    page.locator(".filepond--browser").set_input_files(str(good))
    wait(lambda: "TOY_C1_TRAINING_SET.csv" in studio.data_view.upload.value, 30, what="the CSV to be uploaded")
    page.get_by_role("button", name="Load uploaded files").click()
    wait(lambda: studio.state.source == "upload: TOY_C1_TRAINING_SET.csv", 60, what="the uploaded CSV to load")
    assert studio.state.dataset.n_frames == 60 and studio.state.atom == "C1"
    page.get_by_text("60", exact=False).first.wait_for(timeout=30_000)
    wait(lambda: page.locator(".notyf__toast").count() == 0, 30, what="the toasts to go")
    settle(page)
    shot(page, "06_upload")
    page.close()


def test_closing_a_tab_stops_its_training(served, browser, wait):
    url, studios = served
    context = browser.new_context()
    page, studio = open_studio(context.new_page(), url, studios, wait)
    tab(page, "Train")
    page.get_by_label("Seeding optimiser").select_option(label="PSO")
    for budget in ("PSO budget (iterations)", "Seeding budget (iterations)"):
        page.get_by_label(budget).fill("100000")
        page.get_by_label(budget).press("Enter")
    wait(lambda: studio.state.seed_optimizer == "pso" and studio.state.pso_max_iterations == 100_000
         and studio.state.seed_max_iterations == 100_000, 10, what="a long PSO run to be set up")
    page.get_by_role("button", name="Start training").click()
    wait(lambda: studio.worker.busy and rows(studio), 60, what="the run to produce points")
    context.close()
    wait(lambda: not studio.worker.busy, 120, what="the closed tab's worker to stop")
    assert studio.state.runs == {}
