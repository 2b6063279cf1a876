"""The Model step: open one ``.model`` file (uploaded, or a path on the server's machine) and look at
it: what it is, its hyperparameters, its ln L landscape around its own θ (over the two features
that matter most, or two the user chooses), and its errors on the loaded data when it fits them.
Reading, checking, testing and every landscape run in the worker."""

from __future__ import annotations

import functools

import holoviews as hv
import numpy as np
import pandas as pd
import panel as pn
from panel.viewable import Viewer

from fflux_studio.gpr.kernels import CYCLIC, PERIODIC
from fflux_studio.metrics import mae, rmse
from fflux_studio.model_check import WEIGHTS_TOLERANCE
from fflux_studio.ui import model_jobs, plots
from fflux_studio.ui.model_jobs import LoadedFrames, ModelFile
from fflux_studio.ui.model_messages import ModelChecked, ModelLandscape, ModelOpened, ModelTested
from fflux_studio.ui.pair_select import PairSelect
from fflux_studio.ui.state import StudioState
from fflux_studio.ui.views.compare import worst_table
from fflux_studio.ui.views.data import LIMITS, UPLOAD_CHUNK_BYTES
from fflux_studio.units import to_display

MODEL_TASK = "model"
TEST_SPLIT, ALL_FRAMES = "the Data step's test frames", "all frames"
INTRO = ("Open one `.model` file (FEREBUS, ICHOR or this Studio wrote it; read as text) to see what it holds, its "
         "ln L landscape around its own θ (computed from the training data the file carries) and its errors on "
         "the loaded data, when its atom, property and features are theirs.")
KIND_NAMES = {CYCLIC: "rbf, cyclic", PERIODIC: "periodic"}
STAGES = (ModelOpened, ModelChecked, ModelTested, ModelLandscape)


def summary_markdown(model, source: str) -> str:
    """What the file is, in words and numbers."""
    alf = " ".join(str(a) for a in model.alf) if model.alf else "not given"
    lines = [f"### {model.system} {model.atom} · {model.property_name}", f"*from {source}*", "",
             f"- property **{model.property_name}** in {model.target_unit}; atom {model.atom} "
             f"(ALF {alf}) of {model.n_atoms or '?'} atoms",
             f"- kernel **{kernel_text(model.kernel)}**, {model.n_features} features, "
             f"**{model.n_train}** training points",
             f"- mean μ = {model.mean:.10g} {model.target_unit}; nugget {model.nugget:.3g}"]
    if model.log_likelihood is not None:
        lines.append(f"- ln L written in the file: {model.log_likelihood:.10g}")
    else:
        lines.append("- the file gives no ln L")
    lines += [f"- {key}: {value}" for key, value in model.notes.items()]
    return "\n".join(lines)


def kernel_text(kernel) -> str:
    """The FEREBUS name, or what a product kernel applies to how many features."""
    if kernel.name != "composite":
        return kernel.name
    counts = {kind: kernel.kinds.count(kind) for kind in dict.fromkeys(kernel.kinds)}
    return " × ".join(f"{KIND_NAMES.get(kind, kind)} on {n}" for kind, n in counts.items())


def check_markdown(check, unit: str) -> str:
    """The file's numbers recomputed from its θ and training data (fflux-studio check). Weights that
    R⁻¹(y − μ) does not reproduce were solved another way (ICHOR's gpytorch models scale kernel and
    noise): the file's predictions use them as written, so no mean offset is claimed then."""
    lines = [f"- ln L recomputed from the file's θ and data: **{check.log_likelihood:.10g}** ({check.likelihood} "
             "likelihood)" + (f", relative difference to the file's {check.relative_difference:.1e}"
                              if check.relative_difference is not None else "")]
    lines.append(f"- weights recomputed: largest difference {check.weights_max_relative_difference:.1e} of the "
                 "largest weight")
    if check.weights_max_relative_difference > WEIGHTS_TOLERANCE:
        lines.append("- the file's weights are not R⁻¹(y − μ) at its θ and nugget (ICHOR's gpytorch models "
                     "scale their kernel and noise): predictions use the weights as written; ln L here and the landscape "
                     "are FEREBUS's likelihood at the file's θ")
    elif not check.mean_consistent:
        offset, shown = to_display(check.prediction_offset, unit)
        lines.append(f"- ⚠ the file's mean is not the one its weights were computed with: every prediction from the "
                     f"file is off by {offset:.4g} {shown}")
    return "\n".join(lines)


def hyperparameter_table(model) -> pd.DataFrame:
    """θ per feature (numbered from 1, as the landscape's ln θ axes) and the length scale ℓ = 1/√(2θ) it
    means in exp(-Σ d²/(2ℓ²))."""
    theta = np.asarray(model.theta, dtype=float)
    with np.errstate(divide="ignore"):
        length = np.where(theta > 0, 1 / np.sqrt(2 * np.maximum(theta, 1e-300)), np.inf)
    units = model.feature_units or ("",) * model.n_features
    return pd.DataFrame({"feature": [h + 1 for h in range(model.n_features)], "unit": list(units),
                         "kernel": [KIND_NAMES.get(kind, kind) for kind in model.kernel.kinds],
                         "θ": [f"{t:.5g}" for t in theta], "ℓ = 1/√(2θ)": [f"{v:.4g}" for v in length]})


def errors_markdown(tested: ModelTested) -> str:
    """RMSE and MAE on the frames tested, which frames, and what to know about them."""
    p = tested.predictions
    text = (f"**Errors on {tested.frames}**: RMSE **{rmse(p.errors):.4g} {p.unit}**, "
            f"MAE **{mae(p.errors):.4g} {p.unit}**, largest |error| {np.max(np.abs(p.errors)):.4g} {p.unit}.")
    return text + (f"\n\nNote: {tested.note}." if tested.note else "")


def landscape_markdown(message: ModelLandscape, default: tuple[int, int]) -> str:
    """The landscape's features (and why those), its window and cost, and ln L at the star."""
    grid = message.grid
    most = "the two features that matter most to the kernel"
    why = (f"{most}: θ times the feature's variance" if (grid.i, grid.j) == default else
           f"chosen above; {most} are {plots.theta_label(default[0])} and {plots.theta_label(default[1])}")
    return (f"ln L over {plots.theta_label(grid.i)} and {plots.theta_label(grid.j)} ({why}), "
            f"± {model_jobs.HALF_WIDTH:g} around the file's θ, the other θ held at the file's values; computed from "
            f"the model's own training data in {grid.seconds:.1f} s. The star is the model's θ: ln L "
            f"{message.log_likelihood:.10g}. Grey: R not positive definite.")


def landscape_figure(message: ModelLandscape) -> hv.Overlay:
    """The landscape with the file's θ marked by a star (hover: its ln L)."""
    grid = message.grid
    a, b = plots.theta_dims(grid.i, grid.j)
    star = hv.Points([(grid.centre[grid.i], grid.centre[grid.j], message.log_likelihood)], [a, b], ["ln L"],
                     label="the model's θ").opts(
        hv.opts.Points(color="#ff3030", marker="star", size=20, line_color="white", **plots.TOOLS, backend="bokeh"),
        hv.opts.Points(color="#ff3030", marker="*", s=300, edgecolors="white", backend="matplotlib"))
    figure = (plots.landscape_image(grid, grid.i, grid.j) * star).opts(
        hv.opts.Overlay(legend_position="top_left", backend="bokeh"))
    return plots.titled(figure, "ln L around the model's θ (other θ as in the file)")


class ModelView(Viewer):
    """Opens a model through ``launch(task, job)``; panes follow the job's messages."""

    def __init__(self, state: StudioState, launch, notify, workdir, **params):
        super().__init__(**params)
        self.state, self._launch, self._notify, self.workdir = state, launch, notify, workdir
        self.model = None
        self.intro = pn.pane.Markdown(INTRO, sizing_mode="stretch_width")
        self.upload = pn.widgets.FileDropper(multiple=False, chunk_size=UPLOAD_CHUNK_BYTES, previews=[],
                                             max_file_size=LIMITS.browser_size(), width=310)
        self.upload.param.watch(self._uploaded, "value")
        self.upload_button = pn.widgets.Button(name="Open uploaded model", button_type="primary", width=170,
                                               disabled=True)
        self.upload_button.on_click(lambda _: self.open_upload())
        self.path = pn.widgets.TextInput(placeholder="~/models/ETHANOL_iqa_O3.model", width=200)
        self.path.param.watch(lambda _: self.open_path(), "enter_pressed")
        self.path_button = pn.widgets.Button(name="Open path", button_type="primary", width=100)
        self.path_button.on_click(lambda _: self.open_path())
        self.frames = pn.widgets.RadioButtonGroup(name="Errors on", options=[TEST_SPLIT, ALL_FRAMES],
                                                  value=TEST_SPLIT, button_type="light", width=310)
        self.frames.param.watch(lambda _: self.model is not None and self.test(), "value")
        self.test_button = pn.widgets.Button(name="Test on the loaded data", width=170, disabled=True)
        self.test_button.on_click(lambda _: self.test())
        self._doing = "open the model"  # what the model's running job does, for a failure's words
        self.axes = PairSelect(self.choose_pair, auto=False)
        self.axes.disabled = True
        self._likelihood = None  # the kind the file's ln L is (its check), for a landscape on another pair
        self._pair = self._drawn = None  # the pair the selectors show; the ModelLandscape drawn
        self.pair_problem = pn.pane.Alert("", alert_type="warning", visible=False, sizing_mode="stretch_width")
        self.problem = pn.pane.Alert("", alert_type="danger", visible=False, width=310)
        self.summary = pn.pane.Markdown("No model opened yet.", sizing_mode="stretch_width")
        self.check = pn.pane.Markdown("", sizing_mode="stretch_width")
        self.hyperparameters = pn.pane.DataFrame(None, index=False, sizing_mode="stretch_width")
        self.landscape_note = pn.pane.Markdown("", sizing_mode="stretch_width")
        self.landscape = pn.pane.HoloViews(None, linked_axes=False, sizing_mode="stretch_width", min_height=380)
        self.errors = pn.pane.Markdown("", sizing_mode="stretch_width")
        self.mismatch = pn.pane.Alert("", alert_type="warning", visible=False, sizing_mode="stretch_width")
        self.s_curve = pn.pane.HoloViews(None, linked_axes=False, sizing_mode="stretch_width", min_height=320)
        self.parity = pn.pane.HoloViews(None, linked_axes=False, sizing_mode="stretch_width", min_height=380)
        self.worst_title = pn.pane.Markdown("")
        self.worst = pn.pane.DataFrame(None, index=False, sizing_mode="stretch_width")
        state.param.watch(self._job_ended, "status")
        state.param.watch(self._data_changed, "dataset")

    # --- starting work -------------------------------------------------------------------------

    def _uploaded(self, _event) -> None:
        self.upload_button.disabled = not self.upload.value

    def open_upload(self) -> bool:
        """Open the uploaded file (a text file arrives decoded: encoding it gives back its bytes)."""
        if not self.upload.value:
            return False
        name, content = next(iter(self.upload.value.items()))
        return self.open(ModelFile(name=str(name), content=content.encode() if isinstance(content, str) else
                                   bytes(content)))

    def open_path(self) -> bool:
        return self.open(ModelFile(path=self.path.value_input or self.path.value))

    def open(self, file: ModelFile) -> bool:
        """Read, check and test the model, then its landscape, in the worker."""
        job = functools.partial(model_jobs.open_model, file, self._frames(), self.workdir)
        if not self._launch(MODEL_TASK, job):
            return False
        self.model, self._doing, self.test_button.disabled = None, "open the model", True
        self.axes.disabled, self._pair, self._drawn = True, None, None
        self._say_pair("")
        for pane in (self.hyperparameters, self.landscape):
            pane.object = None
        for pane in (self.check, self.landscape_note):
            pane.object = ""
        self.summary.object = "Reading the model …"
        self._clear_errors()
        return True

    def test(self) -> bool:
        """The opened model's errors on the frames chosen now (another choice, other data), in the worker."""
        if self.model is None:
            return False
        if not self._launch(MODEL_TASK, functools.partial(model_jobs.errors_again, self.model, self._frames())):
            return False
        self._doing = "test the model"
        self._clear_errors()
        return True

    def choose_pair(self) -> bool:
        """The landscape over the two features the selectors now show, in the worker; a pair that
        cannot be drawn now is refused in words, the selectors go back and the landscape shown stays."""
        try:
            pair = self.axes.chosen()
        except ValueError as err:
            return self._refuse_pair(f"Not computed: {err}.")
        job = functools.partial(model_jobs.landscape_of, self.model, self._likelihood, pair)
        if not self._launch(MODEL_TASK, job):
            return self._refuse_pair(f"Not computed: the {self.state.task} job is still running; cancel it or wait, "
                                     "then choose again. The landscape shown is kept.")
        self._doing, self._pair = "compute the landscape", pair
        self._say_pair("")
        self.landscape_note.object = (f"Computing ln L over {plots.theta_label(pair[0])} and "
                                      f"{plots.theta_label(pair[1])} …" + (" (the landscape below stays until then)"
                                                                            if self._drawn else ""))
        return True

    def _refuse_pair(self, text: str) -> bool:
        self._say_pair(text)
        self.axes.show(self._pair)
        return False

    def _say_pair(self, text: str) -> None:
        self.pair_problem.object = text
        self.pair_problem.visible = bool(text)

    def _clear_errors(self) -> None:
        self.show_problem("")
        for pane in (self.s_curve, self.parity, self.worst):
            pane.object = None
        self.errors.object = self.worst_title.object = ""
        self.mismatch.visible = False

    def _frames(self) -> LoadedFrames | None:
        """The frames to test on, chosen on the page; None without data."""
        dataset = self.state.dataset
        if dataset is None:
            return None
        source = self.state.source or dataset.system
        if self.frames.value == ALL_FRAMES:
            return LoadedFrames(dataset, np.arange(dataset.n_frames), f"all {dataset.n_frames} frames of {source}",
                                source)
        try:
            test = self.state.split()[1]
        except ValueError:
            test = np.arange(dataset.n_frames)  # a split the memory budget refuses: test on everything, said so
            return LoadedFrames(dataset, test, f"all {dataset.n_frames} frames of {source} (the split does not fit)",
                                source)
        return LoadedFrames(dataset, test, f"the {len(test)} test frames of the Data step's split of {source}", source)

    # --- messages ------------------------------------------------------------------------------

    def ingest(self, messages: list) -> bool:
        """Show each stage as it arrives; True when anything changed."""
        changed = False
        for message in messages:
            if isinstance(message, ModelOpened):
                self._opened(message)
            elif isinstance(message, ModelChecked):
                self.check.object = check_markdown(message.check, self.model.target_unit)
                self._likelihood = message.check.likelihood
                self.axes.disabled = self.model.n_features < 2  # a landscape needs the check's likelihood kind
            elif isinstance(message, ModelTested):
                self._tested(message)
            elif isinstance(message, ModelLandscape):
                self._landscape(message)
            else:
                continue
            changed = True
            if self.state.status == "running" and self.state.task == MODEL_TASK:
                self.state.progress = (STAGES.index(type(message)) + 1) / len(STAGES)
        return changed

    def _opened(self, message: ModelOpened) -> None:
        self.model, self.test_button.disabled = message.model, False
        self.summary.object = summary_markdown(message.model, message.source)
        self.hyperparameters.object = hyperparameter_table(message.model)
        if message.model.n_features >= 2:
            self._pair = model_jobs.default_pair(message.model)  # the job's own default; cheap: d variances
            self.axes.show(self._pair, message.model.n_features)
        self.landscape_note.object = ("Computing ln L on a grid around the model's θ from its "
                                      f"{message.model.n_train} training points …")

    def _tested(self, message: ModelTested) -> None:
        if message.predictions is None:
            self.mismatch.object = f"**Not tested on the loaded data:** {message.problem}."
            self.mismatch.visible = True
            return
        p = message.predictions
        self.errors.object = errors_markdown(message)
        self.s_curve.object = plots.s_curves({"model": p.errors}, p.unit)
        self.parity.object = plots.titled(plots.parity({"model": p}), f"Parity: predicted against reference "
                                                                      f"({len(p.errors)} frames)")
        self.worst_title.object = "**Worst-predicted frames** (counted from 1 in the loaded data)"
        self.worst.object = worst_table(p)

    def _landscape(self, message: ModelLandscape) -> None:
        if message.grid is None:
            self.landscape_note.object = (f"One feature: no plane to draw. ln L at the model's θ: "
                                          f"{message.log_likelihood:.10g}.")
            return
        self._drawn = message
        self.landscape_note.object = landscape_markdown(message, model_jobs.default_pair(self.model))
        self.landscape.object = landscape_figure(message)

    def _job_ended(self, _event) -> None:
        """A failed or cancelled open says so on the page (a toast goes away)."""
        if self.state.task != MODEL_TASK or self.state.status in ("running", "done", "idle"):
            return
        if self.model is None:
            self.summary.object = "No model opened."
        if self.state.status == "failed":
            self.show_problem(f"Could not {self._doing}. {self.state.message}")
        if self._drawn is not None:  # another pair's landscape cancelled or failed: the one drawn stays
            self._pair = (self._drawn.grid.i, self._drawn.grid.j)
            self.axes.show(self._pair)
            self.landscape_note.object = landscape_markdown(self._drawn, model_jobs.default_pair(self.model))
        elif self.state.status == "cancelled" and self.model is not None:
            self.landscape_note.object = "Landscape cancelled."

    def _data_changed(self, _event) -> None:
        if self.model is not None:
            self.mismatch.object = ("**Other data loaded since the model was tested:** press **Test on the loaded "
                                    "data**.")
            self.mismatch.visible = True

    def show_problem(self, text: str) -> None:
        self.problem.object = text
        self.problem.visible = bool(text)

    def __panel__(self):
        controls = pn.Column("### Open a model", self.intro, "Upload a `.model` file:", self.upload,
                             self.upload_button, "or open one on this computer (the one running the Studio):",
                             pn.Row(self.path, self.path_button), "Errors on:", self.frames, self.test_button, self.problem, width=340)
        results = pn.Column(pn.Row(pn.Column(self.summary, self.check, sizing_mode="stretch_width"),
                                   pn.Column(pn.pane.Markdown("**Hyperparameters**"),
                                             pn.Column(self.hyperparameters, height=360, scroll=True,
                                                       sizing_mode="stretch_width"),
                                             sizing_mode="stretch_width"),
                                   sizing_mode="stretch_width"),
                            self.axes, self.pair_problem, self.landscape_note, self.landscape, self.mismatch,
                            self.errors,
                            pn.Row(self.s_curve, self.parity, sizing_mode="stretch_width"),
                            self.worst_title, self.worst, sizing_mode="stretch_width")
        return pn.Row(controls, results, sizing_mode="stretch_width")
