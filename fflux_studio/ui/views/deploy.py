"""The Deploy step: whole-molecule model sets as a force field. Optimise a start geometry live, compare
the minimum and its harmonic frequencies with the bundled reference, run a short NVE trajectory, read
the domain warnings, download the results. The work runs in the session's worker process."""

from __future__ import annotations

import functools
import io
import json
from pathlib import Path

import numpy as np
import panel as pn
from panel.viewable import Viewer

from fflux_studio.chem.connectivity import bonded
from fflux_studio.demo import reference_path
from fflux_studio.forcefield.comparison import read_reference
from fflux_studio.io.upload import UploadLimits
from fflux_studio.ui import deploy_jobs, deploy_plots
from fflux_studio.ui.deploy_jobs import ModelSource, Start
from fflux_studio.ui.deploy_live import OptimisationFigures
from fflux_studio.ui.deploy_state import DeployState
from fflux_studio.ui.state import StudioState
from fflux_studio.units import HARTREE_TO_KJMOL

UPLOADED, FOLDER, CAMPAIGN = "uploaded files", "folder on the server", "campaign (Campaign step)"
TRAIN_TASK, DEPLOY_TASK = "model sets", "deploy"
INTRO = ("A force field needs one energy model per atom. The Train and Compare steps fit one atom's model. "
         "Deploy the Campaign step's models (of every atom's energy), train every atom here (a quick budget: at most {points} of the split's training frames, rbf-cyclic "
         "kernel, TL's sources 3 points per feature; TL also seeds an atom from a chemically equivalent one), "
         "upload `.model` files (or a .zip of them; {limits}; read as text), or name a folder on the server's "
         "machine.")

OVERLAY_NOTE = ("Bonds of the GFN2-xTB reference minimum (open circles) shipped with the demo. The RMSD pairs atoms "
                "by their numbers: another rotamer, or hydrogens that swapped places, counts in full; start from "
                "the reference's own start geometry to compare the same conformer.")
NO_REFERENCE = "No reference minimum for these data (the bundled demos have one): the sets are aligned on the first."


class DeployView(Viewer):
    """Widgets that start deployments through ``launch(task, job)``; panes follow ``model``, the
    session's DeployState (into which the Studio folds the worker's messages), from its start."""

    def __init__(self, state: StudioState, model: DeployState, launch, notify, workdir, campaign_folder=None,
                 **params):
        super().__init__(**params)
        self.state, self._launch, self._notify, self.workdir = state, launch, notify, workdir
        self.campaign_folder = campaign_folder
        self.model = model
        self.reference, self.reference_file = None, None
        self._total = 0  # sets to deploy or models to train in the running job: its progress
        self.intro = pn.pane.Markdown(INTRO.format(points=deploy_jobs.TRAINING_POINTS,
                                                   limits=UploadLimits().describe()), sizing_mode="stretch_width")
        self.train_button = pn.widgets.Button(name="Train every atom's atomic_energy (TL and DL)", width=300)
        self.train_button.on_click(lambda _: self.train())
        self.training = pn.pane.Markdown("", sizing_mode="stretch_width")
        self.upload = pn.widgets.FileInput(multiple=True, accept=".model,.zip", width=300)
        self.folder = pn.widgets.TextInput(name="Folder on the server", placeholder="/path/to/models", width=300)
        self.property_name = pn.widgets.TextInput(name="Energy property", placeholder="blank: the one energy",
                                                  width=300)
        self.sets = pn.widgets.CheckBoxGroup(name="Model sets", options=[], width=300)
        self.frame = pn.widgets.IntInput(name="Start geometry: frame K of the loaded data", start=1, value=1,
                                         width=300)
        self.from_reference = pn.widgets.Checkbox(name="or the reference's own start geometry", value=False,
                                                  visible=False, width=300)
        self.from_reference.param.watch(lambda event: setattr(self.frame, "disabled", event.new), "value")
        self.deploy_button = pn.widgets.Button(name="Deploy", button_type="primary", width=150)
        self.deploy_button.on_click(lambda _: self.deploy())
        self.live = OptimisationFigures()
        self._streamed: dict[str, int] = {}  # set label -> its steps in the live figures
        self.energy_pane = pn.pane.Bokeh(self.live.energy, sizing_mode="stretch_width")
        self.force_pane = pn.pane.Bokeh(self.live.force, sizing_mode="stretch_width")
        self.summary = pn.pane.DataFrame(None, index=False, sizing_mode="stretch_width")
        self.warnings = pn.pane.Markdown("", sizing_mode="stretch_width")
        self.overlay = pn.pane.HoloViews(None, linked_axes=False)
        self.overlay_note = pn.pane.Markdown("", width=440)
        self.frequencies = pn.pane.HoloViews(None, linked_axes=False, sizing_mode="stretch_width")
        self.frequency_table = pn.pane.DataFrame(None, index=False, sizing_mode="stretch_width")
        self.nve = pn.pane.HoloViews(None, linked_axes=False, sizing_mode="stretch_width")
        self.export_set = pn.widgets.Select(name="Export the results of", options=[], width=200)
        self.json_download = pn.widgets.FileDownload(callback=self._json, filename="deploy.json", label="JSON",
                                                     button_type="primary", width=140, disabled=True, align="end")
        self.xyz_download = pn.widgets.FileDownload(callback=self._xyz, filename="minimum.xyz",
                                                    label="Optimised xyz", width=140, disabled=True, align="end")
        self.export_set.param.watch(self._export_names, "value")
        self.upload.param.watch(self._offer_sets, "filename")
        self.folder.param.watch(self._offer_sets, "value")
        self.model.param.watch(self._offer_sets, "sets")
        self.model.param.watch(self._steps, "steps")
        self.model.param.watch(self._show_results, "results")
        self.model.param.watch(self._show_training, ["tasks", "sets"])
        self.model.param.watch(self._progress, "revision")
        state.param.watch(self._offer_sets, "status")  # a campaign that ended may have written models
        state.param.watch(self._dataset, "dataset")
        state.param.watch(self._default_frame, ["dataset", "train_size", "test_size", "split_seed"])
        self._dataset()
        self._default_frame()
        self._steps()
        self._show_training()

    # --- choices -------------------------------------------------------------------------------

    def _dataset(self, *_events) -> None:
        dataset = self.state.dataset
        path = reference_path(dataset.provenance) if dataset is not None and dataset.provenance else None
        self.reference = read_reference(path) if path is not None else None
        self.reference_file = path
        self.from_reference.visible = self.reference is not None and self.reference.start is not None
        self.from_reference.value = self.from_reference.value and self.from_reference.visible
        self._offer_sets()
        self._show_results()
        if dataset is None:
            return
        try:
            prop = deploy_jobs.force_field_energy(dataset, self.state.prop)
        except ValueError as err:
            self.train_button.disabled = True
            self.training.object = f"**Cannot train a whole-molecule set here:** {err}."
            return
        self.train_button.disabled = False
        self.train_button.name = f"Train every atom's {prop} (TL and DL)"
        self.training.object = ""

    def _default_frame(self, *_events) -> None:
        """The first test frame of the split (1-based), a geometry the models have not seen."""
        dataset = self.state.dataset
        if dataset is None or dataset.geometries is None:
            return
        self.frame.end = dataset.n_frames
        try:
            self.frame.value = int(self.state.split()[1][0]) + 1
        except ValueError:
            self.frame.value = 1

    def _offer_sets(self, *_events) -> None:
        """The sets a user can deploy now; a newly available one is ticked."""
        options = list(self.model.sets)
        if self.campaign_folder is not None and any(Path(self.campaign_folder).glob("*.model")):
            options.append(CAMPAIGN)
        if self.upload.filename:
            options.append(UPLOADED)
        if self.folder.value.strip():
            options.append(FOLDER)
        new = [o for o in options if o not in self.sets.options]
        self.sets.options = options
        self.sets.value = [v for v in self.sets.value if v in options] + new

    def _sources(self) -> list[ModelSource]:
        sources = []
        for label in self.sets.value:
            if label == UPLOADED:
                names = self.upload.filename if isinstance(self.upload.filename, list) else [self.upload.filename]
                values = self.upload.value if isinstance(self.upload.value, list) else [self.upload.value]
                sources.append(ModelSource("uploaded", names=tuple(str(n) for n in names),
                                           contents=tuple(bytes(v) for v in values)))
            elif label == FOLDER:
                sources.append(ModelSource("folder", paths=(str(Path(self.folder.value.strip()).expanduser()),)))
            elif label == CAMPAIGN:
                sources.append(ModelSource("campaign", paths=(str(self.campaign_folder),)))
            else:
                sources.append(ModelSource(label, paths=(self.model.sets[label],)))
        return sources

    def _start(self) -> Start:
        dataset = self.state.dataset
        if self.from_reference.value and self.reference is not None and self.reference.start is not None:
            return Start(tuple(self.reference.symbols), self.reference.start,
                         {"file": str(self.reference_file), "geometry": "start"})
        if dataset is None:
            raise ValueError("no dataset loaded yet")
        if dataset.geometries is None or dataset.elements is None:
            raise ValueError(f"{self.state.source} holds no geometries to start from; load a demo or an "
                             "xyz/extxyz trajectory")
        k = int(self.frame.value)
        if not 1 <= k <= dataset.n_frames:
            raise ValueError(f"frame {k}: the data have frames 1..{dataset.n_frames}")
        return Start(tuple(dataset.elements), np.array(dataset.geometries[k - 1]),
                     {"file": dataset.provenance or self.state.source, "frame": k})

    # --- starting work -------------------------------------------------------------------------

    def deploy(self) -> bool:
        """Deploy every ticked set from frame K, in the worker."""
        try:
            start = self._start()
            if not self.sets.value:
                raise ValueError("tick a model set: train every atom here, upload .model files or name a folder")
        except ValueError as err:
            self._notify("error", f"Cannot deploy: {err}")
            return False
        job = functools.partial(deploy_jobs.deploy_sets, self._sources(), start,
                                str(self.reference_file) if self.reference_file else None,
                                self.property_name.value.strip() or None, self.workdir)
        if not self._launch(DEPLOY_TASK, job):  # another job runs: its results stay
            return False
        self.model.param.update(steps={}, results={})
        self._total = len(self.sets.value)
        return True

    def train(self) -> bool:
        """One energy model per atom by TL and by DL on the session's split, in the worker."""
        state = self.state
        try:
            if state.dataset is None:
                raise ValueError("no dataset loaded yet")
            prop = deploy_jobs.force_field_energy(state.dataset, state.prop)
            train, test = state.split()
        except ValueError as err:
            self._notify("error", f"Cannot train the model sets: {err}")
            return False
        folder = Path(self.workdir) / "model_sets" / state.dataset.system
        job = functools.partial(deploy_jobs.train_sets, state.dataset, prop, train, test, str(folder))
        if not self._launch(TRAIN_TASK, job):
            return False
        self.model.param.update(tasks={}, seeded=0)
        self._total = 2 * len(state.dataset.atom_names)
        return True

    # --- messages ------------------------------------------------------------------------------

    def _steps(self, *_events) -> None:
        """Stream each set's new optimiser steps (every step so far into a view built late); a
        deployment that starts again starts the figures again."""
        steps = self.model.steps
        if any(len(steps.get(label, ())) < count for label, count in self._streamed.items()):
            self.live.clear()
            self._streamed = {}
        for label, rows in steps.items():
            self.live.stream(label, rows[self._streamed.get(label, 0):])
            self._streamed[label] = len(rows)

    def _progress(self, *_events) -> None:
        if self.state.status == "running" and self._total:
            done = len(self.model.results) if self.state.task == DEPLOY_TASK else self.model.tasks_finished
            self.state.progress = min(1.0, done / self._total)

    def _show_training(self, *_events) -> None:
        tasks = self.model.tasks
        if not (tasks or self.model.sets):  # nothing trained for these data (yet)
            return
        counts = {}
        for (protocol, _atom), state in tasks.items():
            counts.setdefault(protocol.upper(), {}).setdefault(state, 0)
            counts[protocol.upper()][state] += 1
        parts = [f"**{protocol}**: " + ", ".join(f"{n} {state}" for state, n in states.items())
                 for protocol, states in counts.items()]
        self.training.object = "Whole-molecule training: " + "; ".join(parts)
        if self.model.seeded:
            self.training.object += f" (TL: {self.model.seeded} seeded from an equivalent atom)"
        if self.model.sets:
            self.training.object += (f". Sets ready: {', '.join(self.model.sets)} ({self.model.property_name}); "
                                     "press **Deploy**.")

    def _show_results(self, *_events) -> None:
        results = self.model.results
        self.summary.object = deploy_plots.summary_table(results) if results else None
        self.warnings.object = warnings_markdown(results)
        aligned = deploy_plots.aligned_geometries(results, self.reference)
        if aligned:
            symbols = next(iter(results.values())).document["symbols"]
            bonds = bonded(symbols, next(iter(aligned.values()))[None])[0]
            self.overlay.object = deploy_plots.geometry_overlay(aligned, symbols, bonds)
            self.overlay_note.object = OVERLAY_NOTE if self.reference is not None else NO_REFERENCE
        else:
            self.overlay.object, self.overlay_note.object = None, ""
        table = deploy_plots.frequency_table(results, self.reference) if results else None
        self.frequency_table.object = table
        self.frequencies.object = deploy_plots.frequency_chart(table) if table is not None else None
        self.nve.object = deploy_plots.nve_curves(results) if results else None
        self.export_set.options = list(results)
        if self.export_set.value not in results:
            self.export_set.value = next(iter(results), None)
        for widget in (self.json_download, self.xyz_download):
            widget.disabled = not results
        self._export_names()

    # --- downloads -----------------------------------------------------------------------------

    def _chosen(self):
        return self.model.results.get(self.export_set.value)

    def _export_names(self, *_events) -> None:
        done = self._chosen()
        if done is not None:
            stem = f"{done.document['system']}_{done.label}".replace(" ", "_")
            self.json_download.filename, self.xyz_download.filename = f"{stem}_deploy.json", f"{stem}_minimum.xyz"

    def _json(self):
        return io.StringIO(json.dumps(self._chosen().document, indent=2))

    def _xyz(self):
        return io.StringIO(self._chosen().xyz)

    def __panel__(self):
        controls = pn.Column("### Model sets", self.intro, self.train_button, self.training, self.upload, self.folder,
                             self.property_name, self.sets, self.frame, self.from_reference, self.deploy_button,
                             pn.pane.Markdown("Cancel stops the optimisation, the frequencies or the NVE run; sets "
                                              "already deployed are kept."), width=330)
        results = pn.Column(pn.Row(self.energy_pane, self.force_pane, sizing_mode="stretch_width"),
                            self.summary, self.warnings,
                            pn.Row(pn.Column(self.overlay, self.overlay_note), self.frequencies,
                                   sizing_mode="stretch_width"),
                            self.frequency_table, self.nve,
                            pn.Row(self.export_set, self.json_download, self.xyz_download),
                            sizing_mode="stretch_width")
        return pn.Row(controls, results, sizing_mode="stretch_width")


def warnings_markdown(results: dict) -> str:
    """The forcefield's domain warnings of each set's minimum, in words."""
    if not results:
        return ""
    lines = ["**Domain of the models at each minimum**"]
    for label, done in results.items():
        d = done.document
        std = d["energy_std"] * HARTREE_TO_KJMOL
        if d["warnings"]:
            lines += [f"- **{label}**: {warning}" for warning in d["warnings"]]
        else:
            lines.append(f"- **{label}**: within the models' domain (predictive std of E {std:.3g} kJ/mol)")
    return "\n".join(lines)
