"""The Train step: protocol settings, and the live view of a run (ln L traces, landscape, summary).

The run itself lives in a RunTraces model; this view draws it in live Bokeh figures
(live_figures.py): each drain tick streams only its new rows, one update per figure.
"""

from __future__ import annotations

import numpy as np
import panel as pn
from panel.viewable import Viewer

from fflux_studio.ui import plots
from fflux_studio.ui.live_figures import LandscapeFigure, TraceFigure
from fflux_studio.ui.messages import Iteration, LandscapeGrid, RunDone, Started
from fflux_studio.ui.pair_select import PairSelect
from fflux_studio.ui.run_traces import FIGURES, TITLES, RunTraces, figure_of
from fflux_studio.ui.state import StudioState, shown_settings


class TrainView(Viewer):
    """Settings on the left, the live run on the right; ``ingest`` takes the worker's messages."""

    def __init__(self, state: StudioState, traces: RunTraces, choose_pair, **params):
        super().__init__(**params)
        self.state = state
        self.traces = traces
        self._choose_pair = choose_pair
        self.last_trace = dict.fromkeys(FIGURES)
        self.figures: dict[str, TraceFigure] = {}  # built when the first run starts: a new tab stays light
        self.landscape: LandscapeFigure | None = None
        self.x_axis = pn.widgets.RadioButtonGroup.from_param(traces.param.x_axis, button_type="light")
        traces.param.watch(self._x_axis, "x_axis")
        self.axes = PairSelect(self._pair_chosen)
        self.seeding_pane, self.full_pane, self.landscape_pane = (
            pn.pane.Bokeh(None, sizing_mode="stretch_width") for _ in range(3))
        self.summary = pn.pane.Markdown("No run yet: press **Start training**.", sizing_mode="stretch_width")
        self.settings = pn.Param(state, parameters=shown_settings(state.protocol), show_name=False, width=300,
                                 widgets={"subset": pn.widgets.FloatInput})
        state.param.watch(lambda event: setattr(self.settings, "parameters", shown_settings(event.new)), "protocol")

    def _rows(self, name: str, row: dict) -> list[dict]:
        """The row for trace ``name``, after a NaN row when it starts a new trace in its figure."""
        figure = figure_of(name)
        rows = [{**row, "trace": name}]
        if self.last_trace[figure] not in (None, name):
            rows.insert(0, {**dict.fromkeys(plots.TRACE_COLUMNS, np.nan), "trace": name})
        self.last_trace[figure] = name
        return rows

    def _x_axis(self, _event) -> None:
        for figure in self.figures.values():
            figure.x_axis(self.traces.x_axis)

    def _restart(self, rows: dict) -> None:
        """The figures of a new run, holding its first ``rows``."""
        book = self.traces.book
        color = plots.PROTOCOL_COLORS[book.protocol]
        titles = {"seeding": TITLES["seeding"], "full": TITLES["full"].format(protocol=plots.PROTOCOL_NAMES[book.protocol])}
        for name, figure in self.figures.items():
            figure.restart(titles[name], color, rows.get(name, []))
        self.landscape.grid(self.traces.landscape)

    def _build(self) -> None:
        self.figures = {"seeding": TraceFigure(TITLES["seeding"]), "full": TraceFigure("", selection=True)}
        self.landscape = LandscapeFigure()
        self._x_axis(None)
        for pane, figure in ((self.seeding_pane, self.figures["seeding"]), (self.full_pane, self.figures["full"]),
                             (self.landscape_pane, self.landscape)):
            pane.object = figure.figure

    def _show_path(self) -> None:
        traces = self.traces
        pair = traces.pair
        self.landscape.show(pair, traces.book.full_set_path(*pair), traces.book.seed_rows(*pair), traces.window())

    def _pair_chosen(self) -> None:
        """A pair of one feature twice is no pair: the run's landscape goes back to the default one."""
        try:
            pair = self.axes.chosen()
        except ValueError:
            pair = None
        self._choose_pair(pair)

    def ingest(self, messages: list) -> bool:
        """Apply a batch of worker messages to the run's model, then update each figure once;
        True when anything on the page changed."""
        rows: dict[str, list[dict]] = {figure: [] for figure in FIGURES}
        restart = selection = grid = landscape = changed = False
        traces = self.traces
        for message in messages:
            if isinstance(message, Started):
                rows, restart = {figure: [] for figure in FIGURES}, True
                traces.started(message)
                self.last_trace = dict.fromkeys(FIGURES)
                self.axes.features(message.n_features)
                self.summary.object = (f"**{plots.PROTOCOL_NAMES[message.protocol]}** running on "
                                       f"{message.n_train} training points …")
            elif isinstance(message, Iteration):
                name, row = traces.iteration(message)
                if name == "selection":
                    selection = landscape = True
                else:
                    rows[figure_of(name)].extend(self._rows(name, row))
                    landscape = landscape or figure_of(name) == "full"
            elif isinstance(message, LandscapeGrid):
                traces.grid(message)
                grid = landscape = True
            elif isinstance(message, RunDone):
                traces.done(message)
                self.summary.object = summary_markdown(message.run)
                landscape = True
            else:
                continue
            changed = True
        if not changed:
            return False
        if not self.figures:
            self._build()
        if restart:
            self._restart(rows)
        else:
            for name, figure in self.figures.items():
                figure.stream(rows[name])
        if selection or restart:
            self.figures["full"].select(list(traces.book.selection))
        if grid and not restart:
            self.landscape.grid(traces.landscape)
        if landscape or restart:
            self._show_path()
        seeding = self.figures["seeding"]
        seeding.figure.visible = seeding.rows() > 0  # DL, and TL on too few points to seed, have none; the pane follows
        traces.revision += 1
        return True

    def ended(self, status: str, why: str) -> None:
        """A run stopped without a result: the summary says so instead of "running" for ever."""
        book = self.traces.book
        text = f"**{plots.PROTOCOL_NAMES[book.protocol]}** {status} after {book.steps} iterations"
        self.summary.object = text + (f": {why}" if status == "failed" and why else "; earlier results are kept")

    def __panel__(self):
        return pn.Row(
            pn.Column("### Protocol settings", self.settings, width=320),
            pn.Column(pn.Row("**x axis**", self.x_axis), self.seeding_pane, self.full_pane,
                      self.axes, self.landscape_pane, self.summary,
                      sizing_mode="stretch_width"),
            sizing_mode="stretch_width")


def summary_markdown(run) -> str:
    """The final summary of one run, in words and numbers."""
    m = run.metrics
    seconds = m["seconds"]
    lines = [f"### {plots.PROTOCOL_NAMES[run.protocol]} finished",
             f"- ln L **{m['log_likelihood']:.6g}** after {m['evaluations']} likelihood evaluations "
             f"(full-set search: **{m['status']}**)",
             f"- wall time {seconds['total']:.2f} s" + (f" (seeding {seconds['seeding']:.2f} s, relaxation "
                                                        f"{seconds['relaxation']:.2f} s)" if seconds["seeding"] else ""),
             f"- test RMSE **{m['test_rmse']:.4g} {m['unit']}**, MAE {m['test_mae']:.4g} {m['unit']} "
             f"on {m['n_test']} held-out points ({m['n_train']} training points)"]
    if m.get("plan"):
        kind, _, why = m["plan"].partition(": ")
        lines.append(f"- **{kind} learning, no seeding**: {why}")
    if run.protocol == "tl" and m["seed_index"] is not None:
        lines.append(f"- seed: source model {m['seed_index']} of {len(run.result.sources)}")
    return "\n".join(lines)
