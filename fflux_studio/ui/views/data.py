"""The Data step: pick a bundled demo or upload files, see what they hold, choose atom, property
and the train/test split.
"""

from __future__ import annotations

import panel as pn
from panel.viewable import Viewer

from fflux_studio.chem.connectivity import bonded
from fflux_studio.demo import list_demos
from fflux_studio.io.typed_path import typed_text
from fflux_studio.io.upload import UploadLimits
from fflux_studio.memory import MemoryBudget
from fflux_studio.ui.molecule_figure import MoleculeFigure
from fflux_studio.ui.state import StudioState

DEMO_NOTE = ("Demo labels are **GFN2-xTB atom-partitioned energies** (and charges) along a short "
             "molecular-dynamics trajectory: a teaching stand-in for the IQA energies that FFLUX models "
             "are trained on, cheap enough to bundle. Real work uses IQA energies from AIMAll (upload "
             "FEREBUS/ICHOR CSVs, ICHOR point directories as a .zip, or AIMAll .int files with their geometry).")
LIMITS = UploadLimits()
UPLOAD_CHUNK_BYTES = 4 * 1024 ** 2
"""Bytes per websocket message while uploading: far below Bokeh's 20 MB message limit, which a whole
file sent in one message exceeded (the session was lost), and small enough for smooth progress."""
UPLOAD_NOTE = (f"or upload files (any format the library reads; several files or a .zip are read as one folder; "
               f"{LIMITS.describe()}):")
PATH_NOTE = "or read a file or folder already on this computer (the one running the Studio):"
def summary_markdown(dataset, source: str) -> str:
    atoms = dataset.atom_names
    properties = sorted({p for a in atoms for p in dataset.properties(a)})
    units = ", ".join(f"{p} ({dataset.unit(p)})" for p in properties)
    d = dataset.atom(atoms[0]).features.shape[1]
    lines = [f"### {dataset.system}", f"*from {source}*", "",
             f"- **{dataset.n_frames}** frames (geometries)",
             f"- **{len(atoms)}** atom{'s' * (len(atoms) != 1)}: {', '.join(atoms)}",
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
    """Widgets that fill the session state's dataset, atom, property and split; the data controls are
    disabled while a job runs, so the frame drawn and the data trained on cannot change under it."""

    def __init__(self, state: StudioState, load, **params):
        super().__init__(**params)
        self.state = state
        self._load = load
        demos = list_demos()
        self.demo = pn.widgets.Select(name="Bundled demo", options=demos, value="ethanol" if "ethanol" in demos
                                      else (demos[0] if demos else None), width=170)
        self.load_demo = pn.widgets.Button(name="Load demo", button_type="primary", width=110, align="end")
        self.load_demo.on_click(lambda _: self._load(demo=self.demo.value))
        self.upload = pn.widgets.FileDropper(multiple=True, chunk_size=UPLOAD_CHUNK_BYTES, previews=[],
                                             max_file_size=LIMITS.browser_size(),
                                             max_total_file_size=LIMITS.browser_size(), width=310)
        self.upload.param.watch(self._uploaded, "value")
        self.upload_button = pn.widgets.Button(name="Load uploaded files", button_type="primary", width=160,
                                               disabled=True)
        self.upload_button.on_click(lambda _: self.load_upload())
        self.upload_note = pn.pane.Markdown("", width=310, margin=(0, 10))
        self.path = pn.widgets.TextInput(placeholder="~/data/water.xyz or a folder", width=200)
        self.path.param.watch(lambda _: self.load_path(), "enter_pressed")
        self.load_path_button = pn.widgets.Button(name="Load path", button_type="primary", width=100)
        self.load_path_button.on_click(lambda _: self.load_path())
        self.problem = pn.pane.Alert("", alert_type="danger", visible=False, width=310)
        self.summary = pn.pane.Markdown("Loading …", sizing_mode="stretch_width")
        self.duplicates = pn.pane.Alert("", alert_type="warning", visible=False, sizing_mode="stretch_width")
        self.alf = pn.pane.Markdown("", sizing_mode="stretch_width")
        self.budget = pn.pane.Markdown("", width=320)
        self.split_note = pn.pane.Markdown("", width=310, margin=(0, 10))
        self.molecule = MoleculeFigure()
        self.turn = pn.widgets.IntSlider(name="Turn (°)", start=-180, end=180, step=5, value=0, width=260)
        self.tilt = pn.widgets.IntSlider(name="Tilt (°)", start=-90, end=90, step=5, value=0, width=260)
        self.geometry = pn.Column(pn.pane.Bokeh(self.molecule.figure), pn.Row(self.turn, self.tilt), visible=False)
        for slider in (self.turn, self.tilt):
            slider.param.watch(self.draw_molecule, "value")
        self.choices = [pn.widgets.Select.from_param(state.param.atom, width=300),
                        pn.widgets.Select.from_param(state.param.prop, width=300),
                        *(pn.widgets.IntInput.from_param(state.param[name], width=300)
                          for name in ("train_size", "test_size", "split_seed"))]
        self.loaders = [self.load_demo, self.upload_button, self.load_path_button, self.path]
        state.param.watch(self.refresh, ["dataset", "atom"])
        state.param.watch(self._show_split, ["dataset", "train_size", "test_size"])
        state.param.watch(self._lock, "status")

    def _uploaded(self, _event) -> None:
        files = self.upload.value
        self.upload_button.disabled = not files or self.state.status == "running"
        if files:
            self.upload_note.object = f"Uploaded: {', '.join(files)}. **Load uploaded files** reads them."
        else:
            self.upload_note.object = ""

    def load_upload(self) -> None:
        """Read what has been uploaded, as one folder when there are several files."""
        files = self.upload.value
        if files:
            # a text file arrives decoded as UTF-8; encoding it again gives back the bytes sent
            self._load(upload=(list(files), [c.encode() if isinstance(c, str) else c for c in files.values()]))

    def load_path(self) -> None:
        """Read the file or folder typed in the path field, where it is."""
        if not typed_text(self.path.value_input or self.path.value):
            self.show_problem("Type the path of a file or folder first, e.g. ~/data/water.xyz.")
            return
        self._load(path=self.path.value_input or self.path.value)

    def show_problem(self, text: str) -> None:
        """The last load's failure, in words, kept on the page (a toast goes away)."""
        self.problem.object = text
        self.problem.visible = bool(text)

    def show_duplicates(self, text: str) -> None:
        self.duplicates.object = (f"**Near-duplicate frames.** {text}. The Studio trains on every frame: remove "
                                  "the repeats from the file (`fflux-studio inspect` lists them) to leave them out."
                                  if text else "")
        self.duplicates.visible = bool(text)

    def _lock(self, _event) -> None:
        running = self.state.status == "running"
        for widget in [*self.choices, *self.loaders]:
            widget.disabled = running
        self.upload_button.disabled = running or not self.upload.value

    def _show_split(self, *_events) -> None:
        if self.state.dataset is None:
            return
        fitted = self.state.fitted_split()
        lines = [f"Split: **{fitted.train}** training + **{fitted.test}** test frames of "
                 f"{self.state.dataset.n_frames}."]
        lines += [f"<span style='color:#a15c00'>⚠ {adjustment[0].upper()}{adjustment[1:]}.</span>"
                  for adjustment in fitted.adjustments]
        self.split_note.object = "\n\n".join(lines)

    def refresh(self, *_events) -> None:
        dataset = self.state.dataset
        if dataset is None or self.state.atom is None:
            return
        self.summary.object = summary_markdown(dataset, self.state.source)
        self.budget.object = f"Train size: {MemoryBudget.now().describe()}."
        self.alf.object = alf_markdown(dataset, dataset.atom(self.state.atom))
        self.draw_molecule()

    def draw_molecule(self, *_events) -> None:
        """The first frame, turned and tilted as the sliders say, with the modelled atom ringed."""
        dataset = self.state.dataset
        if dataset is None or dataset.geometries is None or dataset.elements is None or self.state.atom is None:
            self.geometry.visible = False
            return
        features = dataset.atom(self.state.atom)
        geometry = dataset.geometries[0]
        self.molecule.show(dataset.elements, geometry, bonded(dataset.elements, geometry),
                           dataset.atom_names.index(features.name), features.alf, self.turn.value, self.tilt.value)
        self.geometry.visible = True

    def __panel__(self):
        return pn.Row(
            pn.Column("### Dataset", pn.Row(self.demo, self.load_demo), UPLOAD_NOTE, self.upload, self.upload_note,
                      self.upload_button, PATH_NOTE, pn.Row(self.path, self.load_path_button), self.problem,
                      "### Atom, property and split", *self.choices, self.split_note, self.budget, width=340),
            pn.Column(pn.pane.Alert(DEMO_NOTE, alert_type="info"), self.summary, self.duplicates, self.alf,
                      self.geometry, sizing_mode="stretch_width"),
            sizing_mode="stretch_width")
