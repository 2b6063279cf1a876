"""The Export step: the .model file(s) FFLUX reads, the run's metrics and settings as JSON, and
the figures as PNG (matplotlib, no browser needed) and HTML."""

from __future__ import annotations

import io
import json
import tempfile
import zipfile
from pathlib import Path

import holoviews as hv
import panel as pn
from panel.viewable import Viewer

from fflux_studio import __version__
from fflux_studio.io.model_file import format_model, model_file_name
from fflux_studio.ui import plots
from fflux_studio.ui.run_traces import RunTraces
from fflux_studio.ui.state import StudioState

PRINT_INCHES, PRINT_DPI = (12, 7.5), 200
# No fixed aspect (matplotlib's default is square): each figure fills the page; a numeric aspect
# comes out 2.3 times too narrow on a log x axis (HoloViews measures log spans in e, matplotlib in 10).
PRINTED = ("Overlay", "Curve", "Area", "Scatter", "Points", "Bars")


def model_files(runs: dict) -> dict[str, str]:
    """File name -> .model text; with both protocols trained each sits in a folder named after its
    protocol, keeping the exact name FFLUX looks for."""
    files = {}
    for protocol, run in runs.items():
        name = model_file_name(run.model)
        files[f"{protocol}/{name}" if len(runs) > 1 else name] = format_model(run.model)
    return files


def split_document(state: StudioState) -> dict:
    """The split trained on: the sizes as fitted to the data, and what was lowered to fit."""
    if state.dataset is None:
        return {"train_size": state.train_size, "test_size": state.test_size, "random_state": state.split_seed}
    fitted = state.fitted_split()
    return {"train_size": fitted.train, "test_size": fitted.test, "random_state": state.split_seed,
            "adjusted": list(fitted.adjustments)}


def metrics_document(state: StudioState) -> dict:
    """Everything needed to reproduce and judge the session's runs."""
    return {"program": "fflux-studio", "version": __version__, "dataset": state.source,
            "system": state.dataset.system if state.dataset is not None else None, "atom": state.atom,
            "property": state.prop, "split": split_document(state),
            "runs": {p: r.metrics for p, r in state.runs.items()}, "learning_curve": state.learning}


def figures(state: StudioState, live: dict | None = None) -> dict[str, hv.Element]:
    """The report's figures for what has been computed so far (``live``: the Train step's)."""
    out = dict(live or {})
    if state.runs:
        unit = next(iter(state.runs.values())).unit
        out["s_curves"] = plots.s_curves({p: r.errors for p, r in state.runs.items()}, unit)
        out["phase_times"] = plots.phase_times({p: r.metrics["seconds"] for p, r in state.runs.items()})
        out["parity"] = plots.parity({p: r.predictions for p, r in state.runs.items()})
    if state.learning:
        out["learning_error"] = plots.learning_error(state.learning, state.learning[0]["unit"])
        out["learning_time"] = plots.learning_time(state.learning)
    return out


def printable(element: hv.Element) -> hv.Element:
    """The figure as a report's PNG draws it: 12 x 7.5 inches, filling the page."""
    shape = [getattr(hv.opts, kind)(aspect=None, backend="matplotlib") for kind in PRINTED]
    shape.append(hv.opts.Image(aspect=PRINT_INCHES[0] / PRINT_INCHES[1], backend="matplotlib"))  # else square pixels
    return element.opts(*shape, clone=True).opts(fig_inches=PRINT_INCHES, backend="matplotlib")


def save_figure(element: hv.Element, path: Path, backend: str) -> None:
    """A PNG at print size (about 2000 x 1200 px), or an HTML file that carries BokehJS inline, so
    it also opens offline."""
    if backend == "matplotlib":
        hv.save(printable(element), path, backend=backend, dpi=PRINT_DPI)
    else:
        hv.save(element, path, backend=backend, resources="inline")


def figures_zip(state: StudioState, backend: str, live: dict | None = None) -> bytes:
    """PNGs (matplotlib backend) or standalone HTML files of every figure, zipped."""
    suffix = "png" if backend == "matplotlib" else "html"
    buffer = io.BytesIO()
    with tempfile.TemporaryDirectory() as folder, zipfile.ZipFile(buffer, "w") as archive:
        for name, element in figures(state, live).items():
            path = Path(folder) / f"{name}.{suffix}"
            save_figure(element, path, backend)
            archive.write(path, path.name)
    return buffer.getvalue()


def zipped(files: dict[str, str]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in files.items():
            archive.writestr(name, text)
    return buffer.getvalue()


class ExportView(Viewer):
    """Download buttons; each builds its file when clicked, from the session's state (and the Train
    step's traces), which also says which are enabled, however late the view is built."""

    def __init__(self, state: StudioState, traces: RunTraces, **params):
        super().__init__(**params)
        self.state = state
        self.traces = traces
        self.model = pn.widgets.FileDownload(callback=self._model, filename="model.model", label="Model file(s)",
                                             button_type="primary", width=260, disabled=True)
        self.metrics = pn.widgets.FileDownload(callback=self._metrics, filename="fflux_studio_run.json",
                                               label="Metrics and settings (JSON)", width=260, disabled=True)
        self.png = pn.widgets.FileDownload(callback=lambda: self._zip("matplotlib"), label="Figures (PNG)",
                                           filename="fflux_studio_figures_png.zip", width=260, disabled=True)
        self.html = pn.widgets.FileDownload(callback=lambda: self._zip("bokeh"), label="Figures (HTML)",
                                            filename="fflux_studio_figures_html.zip", width=260, disabled=True)
        self.note = pn.pane.Markdown("Train a model first.")
        state.param.watch(self._runs, "runs")
        traces.param.watch(self._figures, "revision")
        self._runs()  # a view built after a run offers it at once

    def _figures(self, *_events) -> None:
        """Figures as soon as a run has drawn anything (a cancelled run's traces too)."""
        for widget in (self.png, self.html):
            widget.disabled = not (self.state.runs or self.traces.book.rows)

    def _runs(self, *_events) -> None:
        runs = self.state.runs
        self._figures()
        for widget in (self.model, self.metrics):
            widget.disabled = not runs
        if not runs:
            self.note.object = "Train a model first."
            return
        files = model_files(runs)
        self.model.filename = next(iter(files)) if len(files) == 1 else "fflux_models.zip"
        self.note.object = "Model files: " + ", ".join(f"`{name}`" for name in files)

    def _zip(self, backend: str):
        return io.BytesIO(figures_zip(self.state, backend, self.traces.figures()))

    def _model(self):
        files = model_files(self.state.runs)
        if len(files) == 1:
            return io.StringIO(next(iter(files.values())))
        return io.BytesIO(zipped(files))

    def _metrics(self):
        return io.StringIO(json.dumps(metrics_document(self.state), indent=2))

    def __panel__(self):
        return pn.Column("### Export", self.note, self.model, self.metrics, self.png, self.html,
                         "PNG figures are drawn with matplotlib on the server, about 2000 px wide; HTML figures are "
                         "interactive and carry their JavaScript, so they open offline. The last TL and DL "
                         "runs are both exported.")
