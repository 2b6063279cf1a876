"""The Deploy step in Chromium: train every atom's energy by TL and DL, deploy both sets on the
ethanol demo with the optimisation drawn live, cancel and deploy again, read the frequency table and
download the JSON (the fields of `fflux-studio optimize --json`) and the optimised xyz."""

from __future__ import annotations

import io
import json

import numpy as np
import pytest
from ase.io import read

from ..forcefield.model_sets import write_model_set
from .test_browser import open_studio, settle, tab

pytestmark = pytest.mark.browser

CLI_FIELDS = {"system", "property", "models", "start", "optimizer", "fmax", "energy", "converged", "steps",
              "max_force", "symbols", "geometry", "energy_std", "atomic_std", "frequencies_cm1", "normal_modes",
              "rmsd_angstrom", "reference_energy", "energy_difference", "frequency_errors_cm1", "frequency_mae_cm1",
              "frequency_max_error_cm1", "warnings"}


def drawn_points(page, title: str) -> int:
    """Points the browser holds in the figure titled ``title`` (its glyphs' data sources together)."""
    return page.evaluate("(title) => Bokeh.documents.flatMap(d => [...d.all_models])"
                         ".filter(m => m.title && m.title.text === title)"
                         ".flatMap(f => f.renderers.filter(r => r.data_source)"
                         ".map(r => r.data_source.get_length() ?? 0))"
                         ".reduce((a, b) => a + b, 0)", title)


def test_deploy_tl_and_dl_sets_on_the_demo(served, browser, shot, tmp_path, wait):
    url, studios = served
    page, studio = open_studio(browser.new_page(viewport={"width": 1500, "height": 1400}), url, studios, wait)
    view = studio.deploy_view
    tab(page, "Deploy")
    page.get_by_role("button", name="Train every atom's atomic_energy (TL and DL)").click()
    wait(lambda: set(view.model.sets) == {"TL", "DL"} and studio.state.status == "done", 240,
         what="the whole-molecule TL and DL sets")
    page.get_by_text("Sets ready: TL, DL", exact=False).wait_for(timeout=30_000)
    assert view.sets.value == ["TL", "DL"]
    first_test_frame = int(studio.state.split()[1][0]) + 1
    assert page.get_by_label("Start geometry: frame K of the loaded data").input_value() == str(first_test_frame)

    page.get_by_role("button", name="Deploy", exact=True).click()
    wait(lambda: view.model.steps.get("TL"), 60, what="the first optimiser steps")
    page.get_by_role("button", name="Cancel").click()
    wait(lambda: studio.state.status == "cancelled", 60, what="the deployment to be cancelled")
    assert not studio.worker.busy and not view.model.results

    page.get_by_role("button", name="Deploy", exact=True).click()
    seen = wait(lambda: studio.state.status == "running" and drawn_points(page, "Optimisation: energy"), 60,
                what="the browser to draw optimiser steps while the deployment runs")
    wait(lambda: drawn_points(page, "Optimisation: energy") > seen and studio.state.status == "running", 120,
         what="more steps drawn while the deployment still runs")
    wait(lambda: studio.state.status == "done" and set(view.model.results) == {"TL", "DL"}, 240,
         what="both sets deployed")
    page.get_by_text("TL − ref").first.wait_for(timeout=30_000)
    page.get_by_text("Domain of the models at each minimum").wait_for(timeout=30_000)
    steps = sum(len(rows) for rows in view.model.steps.values())
    wait(lambda: drawn_points(page, "Optimisation: energy") == steps, 30, what="every step drawn")

    with page.expect_download(timeout=60_000) as download:
        page.get_by_role("button", name="JSON").click()
    document = json.loads(download.value.path().read_text())
    assert CLI_FIELDS <= set(document) and "nve" in document
    assert document == json.loads(json.dumps(view.model.results["TL"].document))
    assert len(document["frequencies_cm1"]) == 21 and document["start"]["frame"] == first_test_frame
    with page.expect_download(timeout=60_000) as download:
        page.get_by_role("button", name="Optimised xyz").click()
    atoms = read(io.StringIO(download.value.path().read_text()), format="xyz")
    np.testing.assert_allclose(atoms.positions, document["geometry"], atol=1e-6)
    settle(page)
    shot(page, "07_deploy")
    assert studio.internal_errors == 0
    page.close()


def test_uploaded_model_files_deploy(served, browser, tmp_path, wait):
    url, studios = served
    page, studio = open_studio(browser.new_page(viewport={"width": 1500, "height": 1400}), url, studios, wait)
    view = studio.deploy_view
    folder = write_model_set(studio.state.dataset, tmp_path, "rbf-cyclic", frames=np.arange(80))
    files = sorted(folder.glob("*.model"))
    tab(page, "Deploy")
    page.get_by_text("Folder on the server", exact=True).wait_for(timeout=30_000)
    wait(lambda: page.locator("input[type=file]").count() == 1, 30, what="the Deploy tab alone on the page")
    page.locator("input[type=file]").set_input_files([str(f) for f in files])
    wait(lambda: view.sets.value == ["uploaded files"], 30,
         what=f"the uploaded set to be offered and ticked (upload: {view.upload.filename}; {studio.state.message})")
    page.get_by_role("button", name="Deploy", exact=True).click()
    wait(lambda: studio.state.status == "done" and "uploaded" in view.model.results, 180,
         what="the uploaded set deployed")
    document = view.model.results["uploaded"].document
    assert sorted(document["models"]) == [f.name for f in files]
    page.get_by_text("uploaded − ref").first.wait_for(timeout=30_000)
    assert studio.internal_errors == 0
    page.close()
