"""The Campaign step's texts and its zip, from a real (small) campaign folder."""

from __future__ import annotations

import io
import json
import zipfile

import numpy as np
from bokeh.events import PressUp

from fflux_studio.campaign import InProcessExecutor, TaskEvent, plan_tasks, run_campaign
from fflux_studio.campaign.manifest import MANIFEST_NAME
from fflux_studio.demo import demo_path
from fflux_studio.io.load import load_dataset
from fflux_studio.io.model_file import read_model
from fflux_studio.protocols import ProtocolSettings
from fflux_studio.splits import random_split
from fflux_studio.ui.campaign_state import CampaignState
from fflux_studio.ui.messages import CampaignPlan, TotalErrors
from fflux_studio.ui.state import StudioState
from fflux_studio.ui.views.campaign import (CampaignView, campaign_zip, model_markdown, progress_markdown,
                                           total_markdown)


def test_the_zip_holds_the_manifest_and_every_finished_model_it_lists(tmp_path):
    dataset = load_dataset(demo_path("ethanol"))
    train, test = random_split(dataset.n_frames, 30, 60, 0)
    tasks = plan_tasks(dataset, ["C1", "O3"], ["charge"], "dl", ProtocolSettings(), train, test=(dataset, test))
    run_campaign(tasks, tmp_path, InProcessExecutor())
    (tmp_path / "ETHANOL_charge_H4.model").write_text("left by an earlier campaign")
    manifest = json.loads((tmp_path / MANIFEST_NAME).read_text())
    manifest["models"][1]["status"] = "cancelled"
    (tmp_path / MANIFEST_NAME).write_text(json.dumps(manifest))
    with zipfile.ZipFile(io.BytesIO(campaign_zip(tmp_path))) as archive:
        assert sorted(archive.namelist()) == ["ETHANOL_charge_C1.model", MANIFEST_NAME]
        archive.extract("ETHANOL_charge_C1.model", tmp_path / "out")
    assert read_model(tmp_path / "out" / "ETHANOL_charge_C1.model").atom == "C1"


def test_progress_counts_and_estimate_in_words():
    campaign = CampaignState()
    assert "No campaign yet" in progress_markdown(campaign, None)
    campaign.ingest([CampaignPlan(("C1", "H2"), ("charge",), "/x", 2, ("C1", "H2"), None),
                     TaskEvent("k", "C1", "charge", "trained", {"status": "trained"}),
                     TaskEvent("j", "H2", "charge", "running")])
    assert progress_markdown(campaign, 12.4) == ("**1 of 2** models finished (1 trained) · 1 running · 0 queued · "
                                                 "≈ 12 s left (estimate)")


def test_a_models_numbers_in_words():
    record = {"log_likelihood": 812.25, "convergence": "converged", "evaluations": 40, "n_train": 60,
              "test": {"rmse": 0.5, "mae": 0.25, "n": 30, "unit": "kJ/mol"}, "seconds": {"total": 1.5},
              "transfer_from": "C2 atomic_energy"}
    text = model_markdown("C1", "atomic_energy", "trained", record)
    assert "ln L **812.25**" in text and "test RMSE **0.5 kJ/mol**, MAE 0.25 kJ/mol on 30" in text
    assert "1.50 s on 60 training frames" in text and "C2 atomic_energy" in text
    assert "NotPositiveDefinite" in model_markdown("C1", "charge", "failed", {"message": "NotPositiveDefinite: R"})


def test_the_total_in_words_or_what_it_waits_for():
    campaign = CampaignState()
    campaign.ingest([CampaignPlan(("C1",), ("atomic_energy",), "/x", 1, ("C1", "H2"), None)])
    assert "needs an energy model" in total_markdown(campaign)
    campaign.ingest([CampaignPlan(("C1", "H2"), ("atomic_energy",), "/x", 1, ("C1", "H2"), "atomic_energy"),
                     TaskEvent("k", "C1", "atomic_energy", "trained", {"status": "trained"})])
    assert "(1 of 2 so far)" in total_markdown(campaign)
    errors = np.array([3.0, -4.0])
    campaign.ingest([TotalErrors("atomic_energy", errors, "kJ/mol")])
    text = total_markdown(campaign)
    assert f"RMSE **{np.sqrt(12.5):.4g} kJ/mol**" in text and "MAE 3.5 kJ/mol" in text and "|error| 4 kJ/mol" in text


def test_a_tap_on_a_cell_chooses_that_model_and_shows_its_numbers(tmp_path):
    view = CampaignView(StudioState(), CampaignState(), start=lambda: None, cancel=lambda: None, folder=str(tmp_path))
    view.campaign.ingest([CampaignPlan(("C1", "O3"), ("atomic_energy", "charge"), str(tmp_path), 1, ("C1", "O3"), None),
                          TaskEvent("k", "O3", "charge", "trained", {"status": "trained", "log_likelihood": 12.5,
                                                                   "seconds": {"total": 2.0}})])
    cells = view.cell_grid.cells
    clicked = next(k for k, cell in enumerate(zip(cells.data["atom"], cells.data["property"]))
                   if cell == ("O3", "charge"))
    cells.selected.indices = [clicked]  # what Bokeh's TapTool sets when the cell is clicked in the browser
    assert view.model.value == ("O3", "charge")
    assert view.campaign.selected == ("O3", "charge")
    assert "O3 charge: trained" in view.details.object and "ln L **12.5**" in view.details.object
    assert view.cell_grid.outline.data == {"atom": ["O3"], "property": ["charge"]}, "the chosen cell is outlined"
    assert view.cell_grid.figure.x_range.factors == ["C1", "O3"]
    assert view.cell_grid.figure.y_range.factors == ["atomic_energy", "charge"]
    view.model.value = ("C1", "atomic_energy")
    cells.selected.indices = [clicked]
    assert view.model.value == ("O3", "charge"), "clicking the same cell again chooses it again"


def test_a_held_click_chooses_the_cell_under_its_release(tmp_path):
    """BokehJS taps nothing when the button is held over 300 ms; its PressUp (x, y in the axes'
    synthetic coordinates: factor k spans k to k + 1) chooses the cell there instead."""
    view = CampaignView(StudioState(), CampaignState(), start=lambda: None, cancel=lambda: None, folder=str(tmp_path))
    view.campaign.ingest([CampaignPlan(("C1", "O3"), ("atomic_energy", "charge"), str(tmp_path), 1, ("C1", "O3"), None)])
    figure = view.cell_grid.figure
    figure._trigger_event(PressUp(figure, x=1.3, y=1.8))
    assert view.model.value == ("O3", "charge")
    figure._trigger_event(PressUp(figure, x=0.5, y=0.2))
    assert view.model.value == ("C1", "atomic_energy")
    for x, y in ((2.1, 0.5), (-0.2, 0.5), (0.5, 2.0), (float("nan"), 0.5)):  # beside the grid: nothing changes
        figure._trigger_event(PressUp(figure, x=x, y=y))
        assert view.model.value == ("C1", "atomic_energy")
