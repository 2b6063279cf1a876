"""The Model step in Chromium: upload a .model file of the demo's O3 (optimised by DL on part of the
split's training frames), open it, and read its summary, its errors on the split's test frames and
its landscape around its own θ; then choose another pair of features and see the landscape's axes follow."""

from __future__ import annotations

import numpy as np
import pytest

from fflux_studio.io.model_file import write_model
from fflux_studio.metrics import rmse
from fflux_studio.protocols import ProtocolSettings, run_protocol
from fflux_studio.ui.model_jobs import default_pair
from fflux_studio.units import HARTREE_TO_KJMOL

from .test_browser import open_studio, page_landscape, settle, tab

pytestmark = pytest.mark.browser


def oxygen_model(studio, folder):
    """O3's energy model by DL (one L-BFGS-B start, a short budget) on 150 of the split's training frames."""
    dataset = studio.state.dataset
    train, test = studio.state.split()
    x, y = dataset.xy("O3", "atomic_energy")
    result = run_protocol("dl", x[train[:150]], y[train[:150]],
                          ProtocolSettings(kernel="rbf-cyclic", n_starts=1, max_iterations=60))
    model = result.model(**dataset.model_metadata("O3", "atomic_energy"))
    return write_model(model, folder), (model.predict(x[test]) - y[test]) * HARTREE_TO_KJMOL


def test_an_uploaded_model_shows_its_summary_errors_and_landscape(served, browser, shot, tmp_path, wait):
    url, studios = served
    page, studio = open_studio(browser.new_page(viewport={"width": 1500, "height": 1400}), url, studios, wait)
    path, errors = oxygen_model(studio, tmp_path)
    view = studio.model_view
    tab(page, "Model")
    page.get_by_text("Open a model", exact=True).wait_for(timeout=30_000)
    wait(lambda: page.locator(".filepond--browser").count() == 1, 30, what="the Model tab's uploader alone")
    page.locator(".filepond--browser").set_input_files(str(path))
    page.locator(".filepond--file-status-main", has_text="Upload complete").wait_for(timeout=60_000)
    wait(lambda: path.name in view.upload.value, 30, what="the server to hold the uploaded model")
    page.get_by_role("button", name="Open uploaded model").click()
    wait(lambda: studio.state.status == "done" and view.landscape.object is not None, 120,
         what=f"the model opened and its landscape drawn ({studio.state.message})")
    page.get_by_text("ETHANOL O3 · atomic_energy").wait_for(timeout=30_000)
    page.get_by_text(f"from {path.name}", exact=True).wait_for(timeout=30_000)
    n_test = len(studio.state.split()[1])
    page.get_by_text(f"RMSE {rmse(errors):.4g} kJ/mol", exact=False).wait_for(timeout=30_000)
    page.get_by_text(f"Errors on the {n_test} test frames of the Data step's split", exact=False).wait_for(
        timeout=30_000)
    page.get_by_text("Worst-predicted frames").wait_for(timeout=30_000)
    wait(lambda: page_landscape(page), 30, what="the browser to draw the computed landscape")
    assert len(view.worst.object) == 10 and int(view.worst.object["frame"][0]) == (
        studio.state.split()[1][np.argmax(np.abs(errors))] + 1)
    old, y = (f"ln θ{h + 1}" for h in default_pair(view.model))
    new = f"ln θ{min(set(range(21)) - set(default_pair(view.model))) + 1}"
    assert page_landscape_axes(page) == [old, y]
    page.get_by_label("Landscape x").select_option(label=new)
    wait(lambda: studio.state.status == "done" and [d.label for d in view.landscape.object.get(0).kdims] == [new, y],
         120, what=f"the landscape over {new} and {y} ({studio.state.message})")
    wait(lambda: page_landscape_axes(page) == [new, y], 30,
         what=f"the browser to draw the landscape's axes {new} and {y}")
    page.get_by_text(f"ln L over {new} and {y} (chosen above;", exact=False).wait_for(timeout=30_000)
    wait(lambda: page.locator(".notyf__toast").count() == 0, 30, what="the toast to go")
    settle(page)
    shot(page, "09_model")
    assert studio.internal_errors == 0
    page.close()


def page_landscape_axes(page) -> list[str] | None:
    """The axis labels (x, y) of the newest landscape figure in the browser, None before there is one."""
    return page.evaluate("() => Bokeh.documents.flatMap(d => [...d.all_models]).filter(m => m.title && m.title.text"
                         " && m.title.text.startsWith('ln L around the model')).map(f => [f.below[0].axis_label,"
                         " f.left[0].axis_label]).at(-1) ?? null")
