"""The Campaign step: every chosen atom x property model of the molecule as one campaign, watched
live as a grid coloured by state, with each model's numbers and S-curve on a click, the molecule's
total energy S-curve, and the whole set as one zip."""

from __future__ import annotations

import io
import json
from pathlib import Path

import numpy as np
import panel as pn
from panel.viewable import Viewer

from fflux_studio.campaign.events import FINAL
from fflux_studio.campaign.manifest import DONE, MANIFEST_NAME
from fflux_studio.metrics import mae, rmse
from fflux_studio.ui import plots
from fflux_studio.ui.campaign_grid import CampaignGrid
from fflux_studio.ui.campaign_state import CampaignState
from fflux_studio.ui.state import StudioState
from fflux_studio.ui.views.export import zipped

INTRO = ("Trains every chosen atom × property model of the molecule, each written as the `.model` file "
         "FFLUX reads, on the split of the Data step with the settings of the Train step. Starting again "
         "after a cancel trains only the models that are missing.")


def campaign_zip(folder) -> bytes:
    """campaign.json and every finished model it lists, as one zip."""
    folder = Path(folder)
    manifest = (folder / MANIFEST_NAME).read_text()
    files = {MANIFEST_NAME: manifest}
    for record in json.loads(manifest)["models"]:
        if record["status"] in DONE:
            name = Path(record["model_file"]).name
            files[name] = (folder / name).read_text()
    return zipped(files)


def legend_html() -> str:
    swatches = (f"<span style='display:inline-block;width:12px;height:12px;background:{color};"
                f"border:1px solid #999;margin:0 4px 0 12px;vertical-align:middle'></span>{state}"
                for state, color in plots.STATE_COLORS.items())
    return "".join(swatches)


def progress_markdown(campaign: CampaignState, remaining: float | None) -> str:
    counts = campaign.counts()
    total = len(campaign.states)
    if not total:
        return "No campaign yet: choose the models and press **Start campaign**."
    done = ", ".join(f"{counts[s]} {s}" for s in FINAL if counts[s])
    parts = [f"**{campaign.finished()} of {total}** models finished" + (f" ({done})" if done else ""),
             f"{counts['running']} running", f"{counts['queued']} queued"]
    if remaining is not None and (counts["running"] or counts["queued"]):
        parts.append(f"≈ {remaining:.0f} s left (estimate)")
    return " · ".join(parts)


def model_markdown(atom: str, prop: str, state: str, record: dict) -> str:
    """One model's numbers in words."""
    lines = [f"### {atom} {prop}: {state}"]
    if record.get("log_likelihood") is not None:
        lines.append(f"- ln L **{record['log_likelihood']:.8g}** (search: {record.get('convergence')}), "
                     f"{record.get('evaluations')} likelihood evaluations")
    test = record.get("test")
    if test:
        lines.append(f"- test RMSE **{test['rmse']:.4g} {test['unit']}**, MAE {test['mae']:.4g} {test['unit']} "
                     f"on {test['n']} held-out frames")
    if record.get("seconds"):
        lines.append(f"- {record['seconds']['total']:.2f} s on {record.get('n_train')} training frames")
    if record.get("transfer_from"):
        lines.append(f"- seeded from the finished {record['transfer_from']} model")
    if record.get("message"):
        lines.append(f"- {record['message']}")
    if state in ("queued", "running"):
        lines.append("- numbers and the S-curve come when it is trained")
    return "\n".join(lines)


def total_markdown(campaign: CampaignState) -> str:
    plan, total = campaign.plan, campaign.total
    if plan is None:
        return ""
    if total is not None:
        errors = total.errors
        return (f"### Total energy of the molecule\nPer held-out frame, the sum of the {len(plan.molecule)} atoms' "
                f"{total.property} predictions minus the sum of their references: RMSE **{rmse(errors):.4g} "
                f"{total.unit}**, MAE {mae(errors):.4g} {total.unit}, largest |error| "
                f"{np.max(np.abs(errors)):.4g} {total.unit} over {len(errors)} frames.")
    if plan.energy is None:
        return ("The molecule's total energy S-curve needs an energy model (atomic_energy or iqa) of every atom "
                f"({', '.join(plan.molecule)}) in the campaign.")
    done = sum(1 for atom in plan.molecule if campaign.states.get((atom, plan.energy)) in DONE)
    return (f"The molecule's total energy S-curve comes once every atom's {plan.energy} model is trained "
            f"({done} of {len(plan.molecule)} so far).")


class CampaignView(Viewer):
    """Choices on the left; the live grid, progress, a model's details and the total on the right.
    ``start()`` and ``cancel()`` go through the Studio, which runs the campaign in its worker and
    folds its reports into ``campaign``; this view draws them, also those from before it was built."""

    def __init__(self, state: StudioState, campaign: CampaignState, start, cancel, folder: str, **params):
        super().__init__(**params)
        self.state, self.campaign, self.folder = state, campaign, folder
        self.choices = pn.Param(campaign, parameters=["atoms", "properties", "protocol", "workers", "transfer"],
                                show_name=False, width=300,
                                widgets={"atoms": pn.widgets.MultiChoice, "properties": pn.widgets.MultiChoice,
                                         "protocol": {"type": pn.widgets.RadioButtonGroup, "button_type": "light"},
                                         "workers": pn.widgets.IntInput,
                                         "transfer": {"type": pn.widgets.RadioButtonGroup, "button_type": "light"}})
        self.start_button = pn.widgets.Button(name="Start campaign", button_type="success", width=140)
        self.start_button.on_click(lambda _: start())
        self.cancel_button = pn.widgets.Button(name="Cancel campaign", button_type="danger", width=140, disabled=True)
        self.cancel_button.on_click(lambda _: cancel())
        self.bar = pn.indicators.Progress(value=0, max=1, sizing_mode="stretch_width", bar_color="success")
        self.progress = pn.pane.Markdown(progress_markdown(campaign, None), sizing_mode="stretch_width")
        self.cell_grid = CampaignGrid(self.choose)
        self.grid = pn.pane.Bokeh(self.cell_grid.figure, sizing_mode="stretch_width", visible=False)
        self.model = pn.widgets.Select(name="Model", options={}, width=260)
        self.model.param.watch(self._model_chosen, "value")
        self.details = pn.pane.Markdown("", sizing_mode="stretch_width")
        self.model_curve = pn.pane.HoloViews(None, linked_axes=False, sizing_mode="stretch_width", min_height=320)
        self.total = pn.pane.Markdown("", sizing_mode="stretch_width")
        self.total_curve = pn.pane.HoloViews(None, linked_axes=False, sizing_mode="stretch_width", min_height=320)
        self.download = pn.widgets.FileDownload(callback=self._zip, filename="campaign_models.zip",
                                                label="All models (zip)", button_type="primary", width=260,
                                                disabled=True)
        self._drawn_plan = None
        state.param.watch(self._dataset, "dataset")
        state.param.watch(self._status, "status")
        campaign.param.watch(self._reports, "revision")
        self._dataset()
        self._status()
        self._reports()

    def _dataset(self, *_events) -> None:
        if self.state.dataset is not None:
            self.download.filename = f"{self.state.dataset.system}_models.zip"

    def _status(self, *_events) -> None:
        running = self.state.status == "running"
        self.start_button.disabled = running
        self.cancel_button.disabled = not (running and self.state.task == "campaign")

    def _build_grid(self) -> None:
        """The grid's axes and the Model list for a new campaign."""
        plan = self.campaign.plan
        self.cell_grid.set_axes(plan.atoms, plan.properties)
        self.cell_grid.show(self.campaign.grid())
        self.grid.visible = True
        self.model.options = {f"{atom} {prop}": (atom, prop) for prop in plan.properties for atom in plan.atoms}

    def choose(self, atom: str, prop: str) -> None:
        """A click on a grid cell: that model, as if chosen in the Model list."""
        self.model.value = (atom, prop)

    def _model_chosen(self, _event) -> None:
        self.campaign.selected = self.model.value
        if self.campaign.plan is not None:
            self.cell_grid.show(self.campaign.grid())
        self._show_model()

    def _reports(self, *_events) -> None:
        """Draw what the campaign has reported (the Studio folds the worker's messages into the
        CampaignState, one revision per batch); the grid is sent once per batch."""
        campaign = self.campaign
        if campaign.plan is None:
            return
        if campaign.plan is not self._drawn_plan:
            self._drawn_plan = campaign.plan
            self._build_grid()
        else:
            self.cell_grid.show(campaign.grid())
        finished, total = campaign.finished(), len(campaign.states)
        self.bar.max, self.bar.value = max(total, 1), finished
        self.progress.object = progress_markdown(campaign, campaign.remaining())
        self._show_model()
        self._show_total()
        self.download.disabled = not any(s in DONE for s in campaign.states.values())

    def _show_model(self) -> None:
        cell = self.campaign.selected
        if cell is None or cell not in self.campaign.states:
            self.details.object = "Click a model in the grid (or choose it here) for its numbers and S-curve."
            self.model_curve.object = None
            return
        errors = self.campaign.errors.get(cell)
        self.details.object = model_markdown(*cell, self.campaign.states[cell], self.campaign.records.get(cell, {}))
        self.model_curve.object = None
        if errors is not None:
            self.model_curve.object = plots.s_curves({f"{cell[0]} {cell[1]}": errors.errors}, errors.unit).opts(
                title=f"S-curve of {cell[0]} {cell[1]} (held-out frames)")

    def _show_total(self) -> None:
        self.total.object = total_markdown(self.campaign)
        total = self.campaign.total
        self.total_curve.object = None if total is None else plots.s_curves({"total": total.errors}, total.unit).opts(
            title="S-curve of the molecule's total energy (held-out frames)")

    def _zip(self):
        return io.BytesIO(campaign_zip(self.folder))

    def __panel__(self):
        return pn.Row(
            pn.Column("### Campaign", INTRO, self.choices, pn.Row(self.start_button, self.cancel_button),
                      "### Export", self.download, "campaign.json (every model's key, status and numbers) and "
                      "the finished `.model` files.", width=320),
            pn.Column(self.bar, self.progress, self.grid, pn.pane.HTML(legend_html()),
                      pn.Row(pn.Column(self.model, self.details, self.model_curve, sizing_mode="stretch_width"),
                             pn.Column(self.total, self.total_curve, sizing_mode="stretch_width"),
                             sizing_mode="stretch_width"),
                      sizing_mode="stretch_width"),
            sizing_mode="stretch_width")
