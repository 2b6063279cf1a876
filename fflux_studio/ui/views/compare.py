"""The Compare step: TL against DL on the same split, side by side (times, errors, parity, the
worst-predicted test points), and learning curves of error and wall time on request."""

from __future__ import annotations

import numpy as np
import pandas as pd
import panel as pn
from panel.viewable import Viewer

from fflux_studio.ui import plots
from fflux_studio.ui.compare_story import baseline_text, speedup_text
from fflux_studio.ui.jobs import REPEAT_UNDER_SECONDS
from fflux_studio.ui.learning_sizes import default_sizes
from fflux_studio.ui.learning_spread import spread
from fflux_studio.ui.state import StudioState

DL_OPTIMIZERS = {"PSO (as in the paper)": "pso", "L-BFGS-B": "lbfgs"}
BASELINE_INPUTS = ["dataset", "atom", "train_size", "test_size", "subset", "seed_optimizer", "n_starts", "runs",
                   "pso_swarm", "pso_max_iterations"]
"""What the baseline's explanation depends on."""
MAX_REPEATS = 10
WORST_COUNT = 10


def metrics_table(runs: dict) -> pd.DataFrame:
    """One column per protocol: wall time per phase, ln L, evaluations, test RMSE and MAE."""
    columns = {}
    for protocol, run in sorted(runs.items(), key=lambda item: item[0] != "tl"):
        m = run.metrics
        columns[plots.PROTOCOL_NAMES[protocol]] = {
            "optimiser": (f"{m['settings']['seed_optimizer']} → {m['settings']['optimizer']}" if protocol == "tl"
                          else m["settings"]["optimizer"]),
            "seeding (s)": round(m["seconds"]["seeding"], 3),
            "relaxation / search (s)": round(m["seconds"]["relaxation"], 3),
            "total (s)": round(m["seconds"]["total"], 3), "CPU (s)": round(m["seconds"].get("cpu", float("nan")), 3),
            "ln L": round(m["log_likelihood"], 4),
            "evaluations": m["evaluations"], f"test RMSE ({m['unit']})": round(m["test_rmse"], 5),
            f"test MAE ({m['unit']})": round(m["test_mae"], 5), "training points": m["n_train"],
            "test points": m["n_test"]}
    return pd.DataFrame(columns)


def worst_table(predictions, count: int = WORST_COUNT) -> pd.DataFrame:
    """The ``count`` worst-predicted test points, worst first (the worker's ranking), with enough
    decimals to show the largest error to three significant digits."""
    worst, unit = predictions.worst(count), predictions.unit
    largest = float(np.max(np.abs(worst["error"]), initial=0.0))
    decimals = max(0, 2 - int(np.floor(np.log10(largest)))) if largest > 0 else 3

    def shown(values):
        return [f"{value:.{decimals}f}" for value in values]

    return pd.DataFrame({"frame": worst["frame"], f"reference ({unit})": shown(worst["reference"]),
                         f"predicted ({unit})": shown(worst["predicted"]), f"error ({unit})": shown(worst["error"])})


def learning_text(rows: list[dict]) -> str:
    """The cost curve in words: mean wall times of TL and DL and their factor at the smallest and
    the largest size both protocols have reached."""
    times = spread(rows, "seconds")
    both = times.pivot(index="size", columns="protocol", values="mean").dropna() if len(times) else None
    if both is None or not {"tl", "dl"} <= set(both.columns) or both.empty:
        return ""
    parts = []
    for size in sorted({both.index.min(), both.index.max()}):
        tl, dl = both.loc[size, "tl"], both.loc[size, "dl"]
        factor = dl / tl if tl > 0 else float("inf")
        verdict = ("TL about as fast" if abs(factor - 1) < 0.05 else
                   f"TL {factor:.1f}× faster" if factor > 1 else f"TL {1 / factor:.1f}× slower")
        parts.append(f"at {size} points TL {tl:.3g} s, DL {dl:.3g} s ({verdict})")
    return "Mean wall time of one training: " + "; ".join(parts) + "."


class CompareView(Viewer):
    """Buttons start work through the Studio; panes follow ``state.runs`` and ``state.learning``."""

    def __init__(self, state: StudioState, compare, learning, **params):
        super().__init__(**params)
        self.state = state
        self.dl_optimizer = pn.widgets.RadioButtonGroup(name="DL optimiser", options=DL_OPTIMIZERS, value="lbfgs")
        self.run_button = pn.widgets.Button(name="Run TL and DL", button_type="primary", width=160)
        self.run_button.on_click(lambda _: compare(self.dl_optimizer.value))
        self.sizes = pn.widgets.TextInput(name="Training-set sizes", value="", width=200,
                                          placeholder="counts or fractions, e.g. 130, 250, 500")
        self.repeats = pn.widgets.IntInput(name="Repeats (random states)", value=3, start=1, end=MAX_REPEATS,
                                           width=160)
        self.learning_button = pn.widgets.Button(name="Compute learning curves", width=200)
        self.learning_button.on_click(
            lambda _: learning(self.sizes.value, self.repeats.value, self.dl_optimizer.value))
        self.speedup = pn.pane.Markdown("", sizing_mode="stretch_width")
        self.baseline = pn.pane.Markdown("", sizing_mode="stretch_width")
        self.table = pn.pane.DataFrame(pd.DataFrame(), sizing_mode="stretch_width")
        self.times = pn.pane.HoloViews(None, linked_axes=False, sizing_mode="stretch_width", min_height=260)
        self.s_curves = pn.pane.HoloViews(None, linked_axes=False, sizing_mode="stretch_width", min_height=320)
        self.parity = pn.pane.HoloViews(None, linked_axes=False, sizing_mode="stretch_width", min_height=380)
        self.worst = {protocol: pn.pane.DataFrame(pd.DataFrame(), index=False, sizing_mode="stretch_width")
                      for protocol in ("tl", "dl")}
        self.worst_titles = {protocol: pn.pane.Markdown("") for protocol in ("tl", "dl")}
        self.learning_summary = pn.pane.Markdown("", sizing_mode="stretch_width")
        self.learning_error = pn.pane.HoloViews(None, linked_axes=False, sizing_mode="stretch_width", min_height=320)
        self.learning_time = pn.pane.HoloViews(None, linked_axes=False, sizing_mode="stretch_width", min_height=320)
        state.param.watch(self._runs, "runs")
        state.param.watch(self._learning, "learning")
        state.param.watch(self._default_sizes, ["dataset", "atom", "train_size", "test_size", "subset"])
        state.param.watch(self._explain_baseline, BASELINE_INPUTS)
        self.dl_optimizer.param.watch(self._explain_baseline, "value")
        self._explain_baseline()
        self._default_sizes()
        self._runs()
        self._learning()

    def _current(self):
        """(settings, training points, features) of the session as it stands, or None while the
        settings make no sense (starting will say why)."""
        state = self.state
        if state.dataset is None or state.atom is None:
            return None
        try:
            settings, n_train = state.settings(), len(state.split()[0])
        except ValueError:
            return None
        return settings, n_train, state.dataset.atom(state.atom).features.shape[1]

    def _default_sizes(self, *_events) -> None:
        """Sizes that work for the loaded data and the TL settings (kept as they are while the
        settings make no sense)."""
        current = self._current()
        if current is not None:
            self.sizes.value = ", ".join(str(size) for size in default_sizes(*current))

    def _explain_baseline(self, *_events) -> None:
        """What the chosen baseline is and, for PSO, what it will cost on the current split."""
        current = self._current()
        if current is not None:
            self.baseline.object = baseline_text(self.dl_optimizer.value, *current, self.state.runs)

    def _runs(self, *_events) -> None:
        runs = self.state.runs
        self.table.object = metrics_table(runs)
        self.speedup.object = speedup_text(runs)
        if runs:
            unit = next(iter(runs.values())).unit
            self.s_curves.object = plots.s_curves({p: r.errors for p, r in runs.items()}, unit)
            self.times.object = plots.phase_times({p: r.metrics["seconds"] for p, r in runs.items()})
            self.parity.object = plots.parity({p: r.predictions for p, r in runs.items()})
        for protocol, pane in self.worst.items():
            run = runs.get(protocol)
            pane.object = worst_table(run.predictions) if run is not None else pd.DataFrame()
            self.worst_titles[protocol].object = (
                f"**Worst-predicted test points, {plots.PROTOCOL_NAMES[protocol]}** (frames counted from 1 in the "
                "loaded data)" if run is not None else "")

    def _learning(self, *_events) -> None:
        rows = self.state.learning
        self.learning_summary.object = learning_text(rows)
        if rows:
            self.learning_error.object = plots.learning_error(rows, rows[0]["unit"])
            self.learning_time.object = plots.learning_time(rows)

    def __panel__(self):
        return pn.Column(
            pn.Row("**DL baseline:**", self.dl_optimizer, self.run_button,
                   pn.pane.Markdown("TL uses the settings of the Train step; both train on the same split.")),
            self.baseline,
            self.speedup,
            pn.Row(self.table, self.times, sizing_mode="stretch_width"),
            pn.Row(self.s_curves, self.parity, sizing_mode="stretch_width"),
            pn.Row(*(pn.Column(self.worst_titles[p], self.worst[p], sizing_mode="stretch_width") for p in self.worst),
                   sizing_mode="stretch_width"),
            pn.Row(self.sizes, self.repeats, self.learning_button, align="end"),
            pn.pane.Markdown(f"TL and DL (the baseline above) train on nested subsets of the training set and are "
                             f"tested on the test set; a size whose first run takes under {REPEAT_UNDER_SECONDS:.0f} s "
                             "is repeated with the next random states (subset and optimiser starts). Lines: mean; "
                             "bands: smallest to largest.", sizing_mode="stretch_width"),
            self.learning_summary,
            pn.Row(self.learning_error, self.learning_time, sizing_mode="stretch_width"),
            sizing_mode="stretch_width")
