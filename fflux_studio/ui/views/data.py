"""The Data step: pick a bundled demo or upload files, see what they hold, choose atom, property
and the train/test split.
"""

from __future__ import annotations

import panel as pn
from panel.viewable import Viewer

from fflux_studio.chem.connectivity import bonded
from fflux_studio.demo import list_demos
from fflux_studio.io.upload import UploadLimits
from fflux_studio.memory import MemoryBudget
from fflux_studio.ui import plots
from fflux_studio.ui.state import StudioState

DEMO_NOTE = ("Demo labels are **GFN2-xTB atom-partitioned energies** (and charges) along a short "
             "molecular-dynamics trajectory: a teaching stand-in for the IQA energies that FFLUX models "
             "are trained on, cheap enough to bundle. Real work uses IQA energies from AIMAll (upload "
             "FEREBUS/ICHOR CSVs, ICHOR point directories as a .zip, or AIMAll .int files with their geometry).")
ACCEPT = ".csv,.txt,.xyz,.extxyz,.gz,.int,.gjf,.zip"
UPLOAD_NOTE = ("or upload files (any format the library reads; several files or a .zip are read as one folder; "
               f"{UploadLimits().describe()}):")


def summary_markdown(dataset, source: str) -> str:
    atoms = dataset.atom_names
    properties = sorted({p for a in atoms for p in dataset.properties(a)})
    units = ", ".join(f"{p} ({dataset.unit(p)})" for p in properties)
    d = dataset.atom(atoms[0]).features.shape[1]
    lines = [f"### {dataset.system}", f"*from {source}*", "",
             f"- **{dataset.n_frames}** frames (geometries)",
             f"- **{len(atoms)}** atoms: {', '.join(atoms)}",
             f"- properties: {units}", f"- {d} features per atom (ALF: distances in bohr, angles in radians)"]
    lines += [f"- note: {n}" for n in dataset.notes]
    return "\n".join(lines)


def alf_markdown(dataset, features) -> str:
    """The atom's local frame in words: which atoms are its origin, x-axis and xy-plane."""
    if not features.alf:
        return f"**{features.name}**: this format carries no ALF"
    elements = dataset.elements

    def name(index):
        return f"{elements[index - 1]}{index}" if elements and index <= len(elements) else f"atom {index}"

    origin, x_axis, xy_plane = (name(i) for i in features.alf)
    return f"**ALF of {features.name}**: origin {origin}, x-axis {x_axis}, xy-plane {xy_plane}"


class DataView(Viewer):
    """Widgets that fill the session state's dataset, atom, property and split."""

    def __init__(self, state: StudioState, load, **params):
        super().__init__(**params)
        self.state = state
        self._load = load
        demos = list_demos()
        self.demo = pn.widgets.Select(name="Bundled demo", options=demos, value="ethanol" if "ethanol" in demos
                                      else (demos[0] if demos else None), width=170)
        self.load_demo = pn.widgets.Button(name="Load demo", button_type="primary", width=110, align="end")
        self.load_demo.on_click(lambda _: self._load(demo=self.demo.value))
        self.upload = pn.widgets.FileInput(multiple=True, accept=ACCEPT, width=300)
        self.upload.param.watch(self._uploaded, "filename")
        self.summary = pn.pane.Markdown("Loading …", sizing_mode="stretch_width")
        self.alf = pn.pane.Markdown("", sizing_mode="stretch_width")
        self.budget = pn.pane.Markdown("", width=320)
        self.geometry = pn.pane.HoloViews(None, linked_axes=False)
        self.choices = pn.Param(state, parameters=["atom", "prop", "train_size", "test_size", "split_seed"],
                                show_name=False, width=300,
                                widgets={"train_size": pn.widgets.IntInput, "test_size": pn.widgets.IntInput,
                                         "split_seed": pn.widgets.IntInput})
        state.param.watch(self.refresh, ["dataset", "atom"])

    def _uploaded(self, _event) -> None:
        names = self.upload.filename
        contents = self.upload.value
        if not names:
            return
        names = names if isinstance(names, list) else [names]
        contents = contents if isinstance(contents, list) else [contents]
        self._load(upload=(names, contents))

    def refresh(self, *_events) -> None:
        dataset = self.state.dataset
        if dataset is None or self.state.atom is None:
            return
        self.summary.object = summary_markdown(dataset, self.state.source)
        self.budget.object = f"Train size: {MemoryBudget.now().describe()}."
        features = dataset.atom(self.state.atom)
        names = dataset.atom_names
        self.alf.object = alf_markdown(dataset, features)
        if dataset.geometries is not None and dataset.elements is not None:
            geometry = dataset.geometries[0]
            self.geometry.object = plots.molecule(dataset.elements, geometry, bonded(dataset.elements, geometry),
                                                  names.index(features.name), features.alf)
            self.geometry.visible = True
        else:
            self.geometry.visible = False

    def __panel__(self):
        return pn.Row(
            pn.Column("### Dataset", pn.Row(self.demo, self.load_demo), UPLOAD_NOTE, self.upload,
                      "### Atom, property and split", self.choices, self.budget, width=340),
            pn.Column(pn.pane.Alert(DEMO_NOTE, alert_type="info"), self.summary, self.alf, self.geometry,
                      sizing_mode="stretch_width"),
            sizing_mode="stretch_width")
