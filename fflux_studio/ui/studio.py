"""The Studio page of one browser session: its state, its worker, its views, and the periodic drain
that moves the worker's messages onto the page (one batch per tick, inside ``pn.io.hold()``,
each message handed to its handler by one dispatcher).

Everything here is per session; sessions share only the featurised demo datasets, of which each
session gets its own copy. The server's process does no numerical work and keeps its BLAS settings:
the engine runs in worker processes (worker.py), each on one BLAS thread.
"""

from __future__ import annotations

import copy
import functools
import tempfile
import time
import traceback

import panel as pn
from panel.viewable import Viewer

from fflux_studio.dataset import DatasetError
from fflux_studio.demo import demo_path, list_demos
from fflux_studio.io.load import load_dataset
from fflux_studio.io.typed_path import load_typed_path, typed_text
from fflux_studio.io.upload import load_upload
from fflux_studio.sizes import parse_sizes
from fflux_studio.ui import campaign_job, jobs
from fflux_studio.ui.campaign_state import CampaignState
from fflux_studio.ui.deploy_state import DeployState
from fflux_studio.ui.lazy_views import LazyViews
from fflux_studio.ui.learning_estimate import LearningEstimate
from fflux_studio.ui.learning_sizes import check_size
from fflux_studio.ui.messages import ChoosePair, Finished, Iteration, LearningPoint, Loaded, RunDone, Started
from fflux_studio.ui.progress import ProgressEstimate
from fflux_studio.ui.run_traces import RunTraces
from fflux_studio.ui.state import PROTOCOLS, StudioState
from fflux_studio.ui.views.campaign import CampaignView
from fflux_studio.ui.views.compare import MAX_REPEATS, CompareView
from fflux_studio.ui.views.data import DataView
from fflux_studio.ui.views.deploy import DEPLOY_TASK, TRAIN_TASK, DeployView
from fflux_studio.ui.views.export import ExportView
from fflux_studio.ui.views.model import MODEL_TASK, ModelView
from fflux_studio.ui.views.train import TrainView
from fflux_studio.ui.worker import Worker

PERIOD_MS = 150
STATUS_SECONDS = 1.0  # between redraws of the running status: re-rendering its text every tick was half a tick's cost
TOAST_MS = {"success": 2500, "info": 2500, "warning": 4000, "error": 6000}
DEFAULT_DEMO = "ethanol"
TABS = {"data": 0, "train": 1, "compare": 2, "campaign": 3, "export": 4, "deploy": 5, "model": 6}  # name -> place; titled Name
TITLE = ("<h2 style='margin:6px 0'>FFLUX Studio</h2><span>transfer learning (TL) of the hyperparameters of "
         "FFLUX's anisotropic GPR models, against direct learning (DL)</span>")


DEMO_CACHE: dict = {}  # demo path -> its Loaded message (dataset featurised by a worker); each session gets a copy


class Studio(Viewer):
    """The whole app for one session; ``Studio()`` in a notebook, ``Studio().page()`` when served."""

    def __init__(self, demo: str | None = DEFAULT_DEMO, path=None, period: int = PERIOD_MS, **params):
        super().__init__(**params)
        self.period = period
        self.state = StudioState()
        self.uploads = tempfile.TemporaryDirectory(prefix="fflux-upload-")  # removed when the session ends
        self.worker = Worker()
        self.pair = None
        self.estimate: ProgressEstimate | None = None
        self._earlier: ProgressEstimate | None = None  # the last training or comparison that ended done
        self._status_due = 0.0
        self.update_times: list[float] = []
        self._callback = None
        self._pending_settings = {}
        self._loading_demo = None
        self._last_toast, self._last_toast_at = None, 0.0
        self.learning_estimate: LearningEstimate | None = None
        self.internal_errors = 0
        self.data_view = DataView(self.state, self.load)
        self.traces = RunTraces()
        self.train_view = TrainView(self.state, self.traces, self.choose_pair)
        self.campaigns = tempfile.TemporaryDirectory(prefix="fflux-campaign-")  # removed when the session ends
        self.campaign = CampaignState()
        self.deployments = DeployState()
        self.views = LazyViews({  # the tabs a new page does not show, built when first shown
            "compare": lambda: CompareView(self.state, self.compare, self.learning_curves),
            "campaign": lambda: CampaignView(self.state, self.campaign, self.start_campaign, self.cancel,
                                             self.campaigns.name),
            "export": lambda: ExportView(self.state, self.traces),
            "deploy": lambda: DeployView(self.state, self.deployments, self._launch, self.notify, self.uploads.name,
                                         self.campaigns.name),
            "model": lambda: ModelView(self.state, self._launch, self.notify, self.uploads.name),
        })
        self.state.param.watch(self._dataset, "dataset")
        self.handlers = {Loaded: self._loaded, Started: self._started, Iteration: self._iteration,
                         RunDone: self._run_done, LearningPoint: self._learning_point, Finished: self._finished}
        self._controls()
        shown = {"data": self.data_view, "train": self.train_view}
        self.tabs = pn.Tabs(*((name.capitalize(), shown.get(name) or self.views.slots[name]) for name in TABS),
                            dynamic=True, sizing_mode="stretch_width")
        self.tabs.param.watch(self._tab_shown, "active")
        if pn.state.curdoc is not None and pn.state.curdoc.session_context is not None:
            pn.state.on_session_destroyed(self._destroyed)
        # the opening data is shown by the page itself; a toast for it (queued before the page is
        # connected when a cached demo loads at once) would pop up later, beside an unrelated one
        self._announce_load = path is None and (demo is None or demo not in list_demos())
        if path is not None:
            self.load(path=path)
        elif demo is not None and demo in list_demos():
            self.load(demo=demo)

    def _dataset(self, _event) -> None:
        """The models of the later steps follow the data, built or not: the campaign offers its atoms
        and properties, the deployed sets (of the old data) are forgotten."""
        self.deployments.clear()
        if self.state.dataset is not None:
            self.campaign.use(self.state.dataset)

    def _tab_shown(self, event) -> None:
        name = list(TABS)[event.new]
        if name in self.views:
            self.views.view(name)

    # the views of hidden tabs as attributes, each built when first asked for
    compare_view = property(lambda self: self.views.view("compare"))
    campaign_view = property(lambda self: self.views.view("campaign"))
    export_view = property(lambda self: self.views.view("export"))
    deploy_view = property(lambda self: self.views.view("deploy"))
    model_view = property(lambda self: self.views.view("model"))

    def _controls(self) -> None:
        self.protocol = pn.widgets.RadioButtonGroup.from_param(self.state.param.protocol, options=PROTOCOLS,
                                                               button_type="light")
        self.start_button = pn.widgets.Button(name="Start training", button_type="success", width=150)
        self.start_button.on_click(lambda _: self.start())
        self.cancel_button = pn.widgets.Button(name="Cancel", button_type="danger", width=100, disabled=True)
        self.cancel_button.on_click(lambda _: self.cancel())
        self.progress = pn.indicators.Progress(value=0, max=1000, width=220, bar_color="info")
        self.status = pn.pane.Markdown("", width=420)
        self.state.param.watch(self._show_status,
                               ["status", "progress", "elapsed", "remaining", "time_left", "task", "source", "message"])

    # --- starting work -------------------------------------------------------------------------

    def _launch(self, task: str, job, children: bool = False) -> bool:
        if self.worker.busy:
            self.notify("warning", f"{self.worker.task} is still running: cancel it or wait")
            return False
        self.worker.start(task, job, children=children)
        self.estimate, self._status_due = None, 0.0
        self.state.param.update(status="running", task=task, progress=0.0, elapsed=0.0, remaining=None,
                                time_left="")
        self.start_button.disabled, self.cancel_button.disabled = True, False
        if self._callback is None:
            # In a served session this runs on its document; in a notebook on the kernel's event
            # loop; in a plain script (tests) nothing runs it and the caller drains by hand.
            self._callback = pn.state.add_periodic_callback(self.drain, period=self.period)
        return True

    def load(self, demo: str | None = None, path=None, upload=None) -> bool:
        """Read a demo, a path or uploaded (names, contents) in the worker; the page stays live."""
        if demo is not None:
            source, path = f"bundled demo '{demo}'", demo_path(demo)
            if path in DEMO_CACHE:
                self._loaded(copy.deepcopy(DEMO_CACHE[path]))
                return True
            self._loading_demo = path
            return self._read(functools.partial(load_dataset, path), source)
        if path is not None:  # typed on the page (or given to Studio): named as typed
            return self._read(functools.partial(load_typed_path, str(path)), typed_text(str(path)))
        # plain lists: the widget's own lists hold weak references, which do not pickle
        names, contents = [str(name) for name in upload[0]], [bytes(content) for content in upload[1]]
        return self._read(functools.partial(load_upload, names, contents, self.uploads.name),
                          "upload: " + ", ".join(names))

    def _read(self, loader, source: str) -> bool:
        return self._launch("loading", functools.partial(jobs.load, loader, source))

    def problem(self) -> jobs.Problem:
        """The chosen atom and property on the chosen split; raises ValueError/DatasetError."""
        state = self.state
        if state.dataset is None:
            raise ValueError("no dataset loaded yet")
        train, test = state.split()
        x, y = state.dataset.xy(state.atom, state.prop)
        metadata = state.dataset.model_metadata(state.atom, state.prop)
        return jobs.Problem(x[train], y[train], x[test], y[test], metadata["target_unit"], metadata, test)

    def _prepare(self, **overrides):
        """(problem, settings) or None after telling the user what is wrong."""
        try:
            problem = self.problem()
            settings = self.state.settings(**overrides)
            settings.subset_size(len(problem.y_train), problem.x_train.shape[1])
        except (ValueError, DatasetError) as err:
            self.notify("error", f"Cannot start: {err}")
            return None
        adjustments = self.state.fitted_split().adjustments
        if adjustments:
            self.notify("warning", f"Split adjusted to the {self.state.dataset.n_frames} frames: "
                                   + "; ".join(adjustments) + ".")
        return problem, settings

    def start(self, protocol: str | None = None) -> bool:
        """Train with the session's settings (TL or DL), live."""
        protocol = protocol or self.state.protocol
        prepared = self._prepare()
        if prepared is None:
            return False
        problem, settings = prepared
        self._pending_settings = {protocol: settings}
        started = self._launch("train", functools.partial(jobs.train, protocol, problem, settings, pair=self.pair))
        if started:
            self.tabs.active = TABS["train"]
        return started

    def compare(self, dl_optimizer: str = "lbfgs") -> bool:
        """TL with the session's settings, then DL (PSO or L-BFGS-B multi-start), on the same split."""
        prepared = self._prepare()
        if prepared is None:
            return False
        problem, tl = prepared
        dl = self.state.settings(optimizer=dl_optimizer)
        self._pending_settings = {"tl": tl, "dl": dl}
        return self._launch("compare", functools.partial(jobs.compare, problem, tl, dl, pair=self.pair))

    def learning_curves(self, sizes_text: str, repeats: int = 3, dl_optimizer: str = "lbfgs") -> bool:
        """Test error and wall time against training-set size for TL and DL (DL with
        ``dl_optimizer``), each size over ``repeats`` random states, one point at a time."""
        try:
            sizes = parse_sizes(sizes_text, "training-set size")
        except ValueError as err:
            self.notify("error", f"Training-set sizes: {err}")
            return False
        if not 1 <= repeats <= MAX_REPEATS:
            self.notify("error", f"Learning curves: repeats must be between 1 and {MAX_REPEATS}, not {repeats}")
            return False
        prepared = self._prepare()
        if prepared is None:
            return False
        problem, tl = prepared
        dl = self.state.settings(optimizer=dl_optimizer)
        try:
            sizes = sorted({check_size(size, tl, *problem.x_train.shape) for size in sizes})
        except ValueError as err:
            self.notify("error", f"Learning curves: {err}")
            return False
        self.state.learning = []
        self.learning_estimate = LearningEstimate(sizes, repeats)
        launched = self._launch("learning curve", functools.partial(jobs.learning, problem, tl, dl, sizes, repeats))
        if launched:
            self.state.time_left = self.learning_estimate.words()
        return launched

    def start_campaign(self) -> bool:
        """The Campaign step's models as one campaign, in a worker process with a pool of its own
        (campaign_job.py says why), into this session's campaign folder."""
        try:
            request = self.campaign.request(self.state, self.campaigns.name)
        except (ValueError, DatasetError) as err:
            self.notify("error", f"Cannot start the campaign: {err}")
            return False
        return self._launch("campaign", functools.partial(campaign_job.run, request), children=True)

    def choose_pair(self, pair) -> None:
        """Landscape axes chosen on the page (None: the two most influential features)."""
        self.pair = pair
        if self.worker.busy:
            self.worker.send(ChoosePair(pair))
            return
        run = self.state.runs.get(self.traces.book.protocol)
        if run is not None:
            self._launch("landscape", functools.partial(jobs.landscape_at, run.result.x, run.result.y,
                                                        run.result.settings, run.result.log_theta, pair))

    def cancel(self) -> None:
        self.worker.cancel.set()

    # --- messages back from the worker ---------------------------------------------------------

    def drain(self) -> int:
        """Move queued messages onto the page in one batch; returns how many there were.

        A bug in showing one message must not leave the page stuck (Start disabled for ever), so
        failures are reported and the remaining messages, ``finished`` above all, still apply.
        """
        messages = self.worker.drain()
        if not messages:
            return 0
        with pn.io.hold():
            self._guarded(self._ingest, messages)
            for message in messages:
                handler = self.handlers.get(type(message))
                if handler is not None:
                    self._guarded(handler, message)
            now = time.monotonic()
            if self.estimate is not None and self.state.status == "running" and now >= self._status_due:
                self._status_due = now + STATUS_SECONDS
                self.state.param.update(progress=self.estimate.fraction(), elapsed=self.estimate.elapsed,
                                        time_left=self.estimate.words())
        return len(messages)

    def _guarded(self, function, argument) -> None:
        try:
            function(argument)
        except Exception as err:  # shown as a notification, never as a traceback on the page
            traceback.print_exc()
            self.internal_errors += 1
            self.notify("error", f"Internal error while updating the page ({err}); details in the server log")

    def _ingest(self, messages: list[dict]) -> None:
        model_view = self.views.built.get("model")  # only its own buttons start its jobs: it exists when they report
        changed = [self.train_view.ingest(messages), bool(self.deployments.apply(messages)),
                   self.campaign.ingest(messages), model_view is not None and model_view.ingest(messages)]
        if changed[2] and self.state.task == "campaign" and self.state.status == "running":
            self.state.param.update(progress=self.campaign.finished() / max(len(self.campaign.states), 1),
                                    remaining=self.campaign.remaining())
        if any(changed):
            self.update_times.append(time.perf_counter())

    def _loaded(self, message: Loaded) -> None:
        if self._loading_demo is not None:
            DEMO_CACHE.setdefault(self._loading_demo, copy.deepcopy(message))
            self._loading_demo = None
        self.state.use(message.dataset, message.source)
        self.data_view.show_problem("")
        self.data_view.show_duplicates(message.duplicates)
        if self._announce_load:
            self.notify("success", f"Loaded {message.source}: {message.dataset.n_frames} frames")
        self._announce_load = True

    def _started(self, message: Started) -> None:
        if message.protocol == next(iter(self._pending_settings)):  # a comparison's DL continues TL's estimate
            self.estimate = ProgressEstimate.for_job(self._pending_settings.items(), message.n_train,
                                                     message.n_features, self._earlier)
        if self.pair is not None:
            self.worker.send(ChoosePair(self.pair))  # chosen on the page since the job was launched

    def _iteration(self, message: Iteration) -> None:
        if self.estimate is not None:
            self.estimate.update(message.event, message.protocol)

    def _run_done(self, message: RunDone) -> None:
        self.state.runs = {**self.state.runs, message.protocol: message.run}

    def _learning_point(self, message: LearningPoint) -> None:
        self.state.learning = self.state.learning + [message.row]
        if self.learning_estimate is not None:
            estimate = self.learning_estimate
            estimate.add(message.row)
            self.state.param.update(progress=estimate.fraction(), elapsed=estimate.elapsed, time_left=estimate.words())

    def _finished(self, message: Finished) -> None:
        status = message.status
        progress = 1.0 if status == "done" and message.task != "loading" else self.state.progress
        elapsed = self.estimate.elapsed if self.estimate is not None else self.state.elapsed  # the last, unthrottled
        self.state.param.update(status=status, progress=progress, remaining=None, time_left="",
                                elapsed=elapsed, message=message.message)
        if message.task in ("train", "compare") and status != "done":
            self.train_view.ended(status, message.message)
        elif message.task in ("train", "compare") and self.estimate is not None:
            self._earlier = self.estimate.ended()
        self.start_button.disabled, self.cancel_button.disabled = False, True
        if self._callback is not None and not self.worker.busy:
            self._callback.stop()
            self._callback = None
        if status == "cancelled":
            self.notify("warning", f"{message.task.capitalize()} cancelled; earlier results are kept")
        elif status == "failed" and message.task == "loading":
            self._announce_load = True
            self.data_view.show_problem(f"Could not load the data. {message.message}")
            self.notify("error", f"Could not load the data. {message.message}")
        elif status == "failed":
            self.notify("error", f"{message.task.capitalize()} failed: {message.message}")
        elif message.task in ("train", "compare", "learning curve", DEPLOY_TASK, TRAIN_TASK, "campaign", MODEL_TASK):
            self.notify("success", f"{message.task.capitalize()} finished")

    def notify(self, level: str, text: str) -> None:
        """One short-lived toast per event (never a traceback, never the same text twice within
        its lifetime, so toasts do not stack over the plots); also kept in ``state.message``."""
        self.state.message = text
        notifications = pn.state.notifications
        duration = TOAST_MS[level]
        now = time.monotonic()
        if notifications is None or self._last_toast == (text, level) and now - self._last_toast_at < duration / 1000:
            return
        self._last_toast, self._last_toast_at = (text, level), now
        getattr(notifications, level)(text, duration=duration)

    def _show_status(self, *_events) -> None:
        s = self.state
        self.progress.value = int(round(1000 * s.progress))
        parts = [f"**{s.status}**"]
        if s.task and s.status == "running":
            parts.append(s.task)
        if s.elapsed:
            parts.append(f"{s.elapsed:.1f} s elapsed")
        if s.status == "running":
            parts.append(s.time_left or ("time left not known yet" if s.remaining is None
                                         else f"≈ {s.remaining:.0f} s left (estimate)"))
        if s.source:
            parts.append(f"data: {s.source}")
        if s.message and pn.state.notifications is None:  # no toasts (offline notebook): say it here
            parts.append(s.message)
        self.status.object = " · ".join(parts)

    def _destroyed(self, _session_context) -> None:
        """The tab closed: stop this session's work at once."""
        self.cancel()
        if self._callback is not None:
            self._callback.stop()
        self.worker.stop(timeout=0)
        self.uploads.cleanup()
        self.campaigns.cleanup()

    def __panel__(self):
        header = pn.Row(self.protocol, self.start_button, self.cancel_button, self.progress, self.status,
                        sizing_mode="stretch_width", align="center")
        return pn.Column(header, self.tabs, sizing_mode="stretch_width")

    def page(self) -> pn.Column:
        """The served page: a title bar over the Studio. A plain layout, not a template: a template
        doubles the server time of every new tab (measured in benchmarks/ui_rates.py)."""
        title = pn.pane.HTML(TITLE, sizing_mode="stretch_width",
                             styles={"background": "#1f3b57", "color": "white", "padding": "4px 18px"})
        return pn.Column(title, self, sizing_mode="stretch_width")
