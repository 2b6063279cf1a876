"""The Train step: protocol settings, and the live view of a run (ln L traces, landscape, summary).

The run itself lives in a RunTraces model; this view turns it into streams. Each figure has one
Buffer and the page sends only new rows, batched per drain. Figures are rebuilt only when a run
starts or the x axis changes.
"""

from __future__ import annotations

import time

import holoviews as hv
import numpy as np
import pandas as pd
import panel as pn
from panel.viewable import Viewer

from fflux_studio.ui import plots
from fflux_studio.ui.messages import Iteration, LandscapeGrid, RunDone, Started
from fflux_studio.ui.run_traces import FIGURES, TITLES, RunTraces, figure_of
from fflux_studio.ui.state import SETTINGS, StudioState

AUTO = "most influential"
PATH_PERIOD = 1.0  # s between redraws of the landscape's path: it is resent whole, unlike the traces
BUFFER_ROWS = 200_000


def _buffer(data=None) -> hv.streams.Buffer:
    return hv.streams.Buffer(plots.empty_traces() if data is None else data, length=BUFFER_ROWS, index=False)


def trace_table(records: list[dict]) -> pd.DataFrame:
    """Rows as a live figure's table, numeric columns float even when there are no rows: a figure
    built on an empty object-typed table never draws the float rows streamed into it later (the
    cause of the frozen plots when a run's start reached the page before its first iteration)."""
    empty = plots.empty_traces()
    return pd.DataFrame(records, columns=list(empty.columns)).astype(empty.dtypes.to_dict())


def _pair_of(landscape) -> tuple[int, int]:
    return landscape.pair if landscape is not None else (0, 1)


class TrainView(Viewer):
    """Settings on the left, the live run on the right; ``ingest`` takes the worker's messages."""

    def __init__(self, state: StudioState, traces: RunTraces, choose_pair, **params):
        super().__init__(**params)
        self.state = state
        self.traces = traces
        self._choose_pair = choose_pair
        self.buffers = {figure: _buffer() for figure in FIGURES}
        self.last_trace = dict.fromkeys(FIGURES)
        self.selection_pipe = hv.streams.Pipe(data=[])
        self.landscape_pipe = hv.streams.Pipe(data=None)
        self.seeds_pipe = hv.streams.Pipe(data=[])
        self.path_pipe = hv.streams.Pipe(data={})
        self.path_sent_at = 0.0
        self.x_axis = pn.widgets.RadioButtonGroup.from_param(traces.param.x_axis, button_type="light")
        traces.param.watch(lambda _: self._build_traces(), "x_axis")
        self.feature_a = pn.widgets.Select(name="Landscape x", options=[AUTO], value=AUTO, width=150)
        self.feature_b = pn.widgets.Select(name="Landscape y", options=[AUTO], value=AUTO, width=150)
        for widget in (self.feature_a, self.feature_b):
            widget.param.watch(self._pair_chosen, "value")
        self.seeding_pane = pn.pane.HoloViews(linked_axes=False, sizing_mode="stretch_width", min_height=300,
                                              visible=False)
        self.full_pane = pn.pane.HoloViews(linked_axes=False, sizing_mode="stretch_width", min_height=300)
        self.landscape_pane = pn.pane.HoloViews(linked_axes=False, sizing_mode="stretch_width", min_height=380)
        self.summary = pn.pane.Markdown("No run yet: press **Start training**.", sizing_mode="stretch_width")
        self.settings = pn.Param(state, parameters=list(SETTINGS), show_name=False, width=300,
                                 widgets={"subset": pn.widgets.FloatInput})
        self._build_traces()
        self._build_landscape()

    def _rows(self, name: str, row: dict) -> list[dict]:
        """The row for trace ``name``, after a NaN row when it starts a new trace in its figure."""
        figure = figure_of(name)
        rows = [{**row, "trace": name}]
        if self.last_trace[figure] not in (None, name):
            rows.insert(0, {**dict.fromkeys(plots.TRACE_COLUMNS, np.nan), "trace": name})
        self.last_trace[figure] = name
        return rows

    def _build_traces(self, rows: dict | None = None) -> None:
        """New figures over new buffers holding the old data plus ``rows``. Rows must not also be
        streamed in the same held batch: the new figure already carries them, and the browser
        would draw them twice (a line back to the first point)."""
        x = self.traces.x_axis
        rows = rows or {}
        self.buffers = {figure: _buffer(trace_table(buffer.data.to_dict("records") + rows.get(figure, [])))
                        for figure, buffer in self.buffers.items()}
        book = self.traces.book
        color = plots.PROTOCOL_COLORS[book.protocol]
        self.seeding_pane.object = plots.streaming_traces(self.buffers["seeding"], x, color, TITLES["seeding"])
        self.seeding_pane.visible = book.protocol == "tl"
        title = TITLES["full"].format(protocol=plots.PROTOCOL_NAMES[book.protocol])
        full = plots.streaming_traces(self.buffers["full"], x, color, title)
        if book.protocol == "tl":
            self.selection_pipe = hv.streams.Pipe(data=list(book.selection))
            full = (full * hv.DynamicMap(lambda data: plots.seed_markers(data, x), streams=[self.selection_pipe])).opts(
                hv.opts.Overlay(title=title, legend_position="bottom_right"))
        self.full_pane.object = full

    def _path(self) -> dict:
        pair = self.traces.pair
        return {"path": pd.DataFrame(self.traces.book.full_set_path(*pair)), "pair": pair,
                "window": self.traces.window()}

    def _seeds(self) -> dict:
        pair = self.traces.pair
        return {"rows": self.traces.book.seed_rows(*pair), "pair": pair, "window": self.traces.window()}

    def _build_landscape(self) -> None:
        """The landscape figure of a run; later pairs and points arrive through its pipes."""
        self.landscape_pipe = hv.streams.Pipe(data=self.traces.landscape)
        self.path_pipe = hv.streams.Pipe(data=self._path())
        self.seeds_pipe = hv.streams.Pipe(data=self._seeds())
        image = hv.DynamicMap(lambda data: plots.landscape_image(data, *_pair_of(data)), streams=[self.landscape_pipe])
        seeds, edges = (hv.DynamicMap(lambda data, k=k: plots.seed_points(data["rows"], *data["pair"], data["window"])[k],
                                      streams=[self.seeds_pipe]) for k in (0, 1))
        # framewise: each new grid, pair or path sets the axes anew, to the window the path carries.
        self.landscape_pane.object = (image * plots.streaming_path(self.path_pipe) * seeds * edges).opts(
            hv.opts.Overlay(legend_position="bottom_right"), hv.opts.Image(framewise=True),
            hv.opts.Curve(framewise=True), hv.opts.Points(framewise=True))

    def features(self, n_features: int) -> None:
        """Offer ln theta of every feature for the landscape axes."""
        options = [AUTO] + [f"ln θ{h + 1}" for h in range(n_features)]
        for widget in (self.feature_a, self.feature_b):
            widget.options = options
            if widget.value not in options:
                widget.value = AUTO

    def _pair_chosen(self, _event) -> None:
        a, b = self.feature_a.value, self.feature_b.value
        if AUTO in (a, b) or a == b:
            self._choose_pair(None)
            return
        self._choose_pair((int(a[4:]) - 1, int(b[4:]) - 1))

    def ingest(self, messages: list) -> bool:
        """Apply a batch of worker messages to the run's model and stream what changed; True when
        anything on the page changed."""
        rows: dict[str, list[dict]] = {}
        rebuild = moved = redraw = seeds = changed = False
        traces = self.traces
        for message in messages:
            if isinstance(message, Started):
                rows, rebuild = {}, True
                traces.started(message)
                self.buffers = {figure: _buffer() for figure in FIGURES}
                self.last_trace = dict.fromkeys(FIGURES)
                self.features(message.n_features)
                self.summary.object = (f"**{plots.PROTOCOL_NAMES[message.protocol]}** running on "
                                       f"{message.n_train} training points …")
            elif isinstance(message, Iteration):
                name, row = traces.iteration(message)
                if name == "selection":
                    seeds = True
                    if not rebuild:
                        self.selection_pipe.send(list(traces.book.selection))
                else:
                    rows.setdefault(figure_of(name), []).extend(self._rows(name, row))
                    moved = moved or figure_of(name) == "full"
            elif isinstance(message, LandscapeGrid):
                seeds = traces.grid(message) or seeds
                redraw = True
                if not rebuild:
                    self.landscape_pipe.send(message)
            elif isinstance(message, RunDone):
                traces.done(message)
                self.summary.object = summary_markdown(message.run)
                redraw = seeds = True
            else:
                continue
            changed = True
        if rebuild:
            self._build_traces(rows)
            self._build_landscape()
        else:
            for figure, batch in rows.items():
                self.buffers[figure].send(trace_table(batch))
            if redraw or (moved and time.monotonic() - self.path_sent_at > PATH_PERIOD):
                self.path_pipe.send(self._path())
                self.path_sent_at = time.monotonic()
                seeds = True  # the window may have moved: so do the edge markers
            if seeds:
                self.seeds_pipe.send(self._seeds())
        if changed:
            traces.revision += 1
        return changed

    def ended(self, status: str, why: str) -> None:
        """A run stopped without a result: the summary says so instead of "running" for ever."""
        book = self.traces.book
        text = f"**{plots.PROTOCOL_NAMES[book.protocol]}** {status} after {book.steps} iterations"
        self.summary.object = text + (f": {why}" if status == "failed" and why else "; earlier results are kept")

    def __panel__(self):
        return pn.Row(
            pn.Column("### Protocol settings", self.settings, width=320),
            pn.Column(pn.Row("**x axis**", self.x_axis), self.seeding_pane, self.full_pane,
                      pn.Row(self.feature_a, self.feature_b), self.landscape_pane, self.summary,
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
