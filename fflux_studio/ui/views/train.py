"""The Train step: protocol settings, and the live view of a run (ln L traces, landscape, summary).

Plots stream: each trace has its own Buffer and the page sends only new rows, batched per drain.
Figures are rebuilt only when a run starts, the x axis changes or the landscape's pair changes.
"""

from __future__ import annotations

import functools
import operator

import holoviews as hv
import numpy as np
import pandas as pd
import panel as pn
from panel.viewable import Viewer

from fflux_studio.ui import plots
from fflux_studio.ui.state import StudioState
from fflux_studio.ui.traces import TraceBook

SETTINGS = ("kernel", "likelihood", "subset", "n_seeds", "seed_optimizer", "optimizer", "selection", "n_starts",
            "seed_max_iterations", "max_iterations", "pso_swarm", "pso_max_iterations", "random_state")
AUTO = "most influential"
BUFFER_ROWS = 200_000


def _buffer(data=None, columns=plots.TRACE_COLUMNS) -> hv.streams.Buffer:
    data = pd.DataFrame({c: np.zeros(0) for c in columns}) if data is None else data
    return hv.streams.Buffer(data, length=BUFFER_ROWS, index=False)


def _overlay(items):
    return functools.reduce(operator.mul, items)


class TrainView(Viewer):
    """Settings on the left, the live run on the right; ``ingest`` takes the worker's messages."""

    def __init__(self, state: StudioState, choose_pair, **params):
        super().__init__(**params)
        self.state = state
        self._choose_pair = choose_pair
        self.book = TraceBook()
        self.names: list[str] = []
        self.buffers: dict[str, hv.streams.Buffer] = {}
        self.selection_pipe = hv.streams.Pipe(data=[])
        self.landscape_pipe = hv.streams.Pipe(data={})
        self.seeds_pipe = hv.streams.Pipe(data=[])
        self.path_buffer = _buffer(columns=("a", "b"))
        self.path_sent = 0
        self.landscape = {}
        self.pair = (0, 1)
        self.updates = 0
        self.x_axis = pn.widgets.RadioButtonGroup(name="x axis", value="iteration", button_type="light",
                                                  options={"iteration": "iteration", "evaluations": "evaluations",
                                                           "seconds": "seconds"})
        self.x_axis.param.watch(lambda _: self._build_traces(), "value")
        self.feature_a = pn.widgets.Select(name="Landscape x", options=[AUTO], value=AUTO, width=150)
        self.feature_b = pn.widgets.Select(name="Landscape y", options=[AUTO], value=AUTO, width=150)
        for widget in (self.feature_a, self.feature_b):
            widget.param.watch(self._pair_chosen, "value")
        self.seeding_pane = pn.pane.HoloViews(linked_axes=False, sizing_mode="stretch_width", min_height=300, visible=False)
        self.full_pane = pn.pane.HoloViews(linked_axes=False, sizing_mode="stretch_width", min_height=300)
        self.landscape_pane = pn.pane.HoloViews(linked_axes=False, sizing_mode="stretch_width", min_height=380)
        self.summary = pn.pane.Markdown("No run yet: press **Start training**.", sizing_mode="stretch_width")
        self.settings = pn.Param(state, parameters=list(SETTINGS), show_name=False, width=300,
                                 widgets={"subset": pn.widgets.FloatInput})
        self._reset("tl", 0)

    def _reset(self, protocol: str, count: int) -> None:
        """Fresh bookkeeping for a run: one trace per TL source plus the relaxation, or per DL start."""
        self.book = TraceBook(protocol)
        if protocol == "tl":
            self.names = [f"source {k}" for k in range(count)] + ["relaxation"]
        else:
            self.names = ["direct"] + [f"start {k}" for k in range(1, count)]
        self.buffers = {name: _buffer() for name in self.names}

    def _build_traces(self, rows: dict | None = None) -> None:
        """New figures over new buffers holding the old data plus ``rows``. Rows must not also be
        streamed in the same held batch: the new figure already carries them, and the browser
        would draw them twice (a line back to the first point)."""
        x = self.x_axis.value
        rows = rows or {}
        self.buffers = {name: _buffer(pd.DataFrame(buffer.data.to_dict("records") + rows.get(name, []),
                                                   columns=plots.TRACE_COLUMNS))
                        for name, buffer in self.buffers.items()}
        seeding = [plots.streaming_trace(self.buffers[n], x, n, plots.SOURCE_COLORS[k % len(plots.SOURCE_COLORS)])
                   for k, n in enumerate(self.names) if n.startswith("source ")]
        full = [plots.streaming_trace(self.buffers[n], x, n, plots.PROTOCOL_COLORS[self.book.protocol])
                for n in self.names if not n.startswith("source ")]
        if self.book.protocol == "tl":
            self.selection_pipe = hv.streams.Pipe(data=list(self.book.selection))
            full.append(hv.DynamicMap(lambda data: plots.seed_markers(data, x), streams=[self.selection_pipe]))
        self.seeding_pane.object = _overlay(seeding).opts(
            hv.opts.Curve(title="Seeding: ln L of each source model on its own subset"),
            hv.opts.Overlay(title="Seeding: ln L of each source model on its own subset")) if seeding else None
        self.seeding_pane.visible = bool(seeding)
        self.full_pane.object = _overlay(full).opts(
            hv.opts.Curve(title=f"{plots.PROTOCOL_NAMES[self.book.protocol]}: ln L on the full training set"),
            hv.opts.Overlay(title=f"{plots.PROTOCOL_NAMES[self.book.protocol]}: ln L on the full training set",
                            legend_position="bottom_right"))

    def _build_landscape(self) -> None:
        i, j = self.pair
        path = self.book.full_set_path(i, j)
        self.path_buffer = _buffer(pd.DataFrame(path), columns=("a", "b"))
        self.path_sent = len(path["a"])
        self.landscape_pipe = hv.streams.Pipe(data=self.landscape)
        self.seeds_pipe = hv.streams.Pipe(data=self.book.seed_rows(i, j))
        image = hv.DynamicMap(lambda data: plots.landscape_image(data, i, j), streams=[self.landscape_pipe])
        seeds = hv.DynamicMap(lambda data: plots.seed_points(data, i, j), streams=[self.seeds_pipe])
        self.landscape_pane.object = (image * plots.streaming_path(self.path_buffer, i, j) * seeds).opts(
            legend_position="bottom_right")

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

    def ingest(self, messages: list[dict]) -> bool:
        """Apply a batch of worker messages; True when anything on the page changed."""
        rows: dict[str, list[dict]] = {}
        rebuild_traces = rebuild_landscape = changed = False
        for message in messages:
            kind = message["kind"]
            if kind == "start":
                rows = {}
                settings = message["settings"]
                count = settings["n_seeds"] if message["protocol"] == "tl" else (
                    settings["n_starts"] if settings["optimizer"] == "lbfgs" else 1)
                self._reset(message["protocol"], count)
                self.features(message["n_features"])
                self.summary.object = (f"**{plots.PROTOCOL_NAMES[message['protocol']]}** running on "
                                       f"{message['n_train']} training points …")
                self.landscape = {}
                rebuild_traces = rebuild_landscape = True
            elif kind == "iteration":
                name, row = self.book.add(message)
                if name in self.buffers:
                    rows.setdefault(name, []).append(row)
                elif name == "selection" and not rebuild_traces:
                    self.selection_pipe.send(list(self.book.selection))
                if name == "selection" and not rebuild_landscape:
                    self.seeds_pipe.send(self.book.seed_rows(*self.pair))
            elif kind == "landscape":
                self.landscape = message
                if (message["i"], message["j"]) != self.pair:
                    self.pair = (message["i"], message["j"])
                    rebuild_landscape = True
                elif not rebuild_landscape:
                    self.landscape_pipe.send(message)
            elif kind == "run":
                self.book.finish(message["run"].result)
                self.summary.object = summary_markdown(message["run"])
                if not rebuild_landscape:
                    self.seeds_pipe.send(self.book.seed_rows(*self.pair))
            else:
                continue
            changed = True
        if rebuild_traces:
            self._build_traces(rows)
        else:
            self._send(rows)
        if rebuild_landscape:
            self._build_landscape()
        else:
            self._send_path()
        if changed:
            self.updates += 1
        return changed

    def _send_path(self) -> None:
        """Stream the full-set path points the page has not seen yet."""
        path = self.book.full_set_path(*self.pair)
        if len(path["a"]) > self.path_sent:
            self.path_buffer.send(pd.DataFrame({k: v[self.path_sent:] for k, v in path.items()}))
            self.path_sent = len(path["a"])

    def _send(self, rows) -> None:
        for name, batch in rows.items():
            self.buffers[name].send(pd.DataFrame(batch, columns=plots.TRACE_COLUMNS))

    def figures(self) -> dict:
        """Static copies of the live figures, for export."""
        x = self.x_axis.value
        traces = [plots.trace_curve(pd.DataFrame(self.book.rows[n], columns=plots.TRACE_COLUMNS), x, n,
                                    plots.PROTOCOL_COLORS[self.book.protocol]) for n in self.names if self.book.rows[n]]
        if not traces:
            return {}
        i, j = self.pair
        landscape = (plots.landscape_image(self.landscape, i, j)
                     * plots.path_elements(pd.DataFrame(self.book.full_set_path(i, j)), i, j))
        return {"ln_likelihood_trace": _overlay(traces), "landscape": landscape}

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
             f"- ln L **{m['log_likelihood']:.6g}** after {m['evaluations']} likelihood evaluations",
             f"- wall time {seconds['total']:.2f} s (seeding {seconds['seeding']:.2f} s, "
             f"relaxation {seconds['relaxation']:.2f} s)",
             f"- test RMSE **{m['test_rmse']:.4g} {m['unit']}**, MAE {m['test_mae']:.4g} {m['unit']} "
             f"on {m['n_test']} held-out points ({m['n_train']} training points)"]
    if run.protocol == "tl" and m["seed_index"] is not None:
        lines.append(f"- seed: source model {m['seed_index']} of {len(run.result.sources)}")
    return "\n".join(lines)
