"""What the session's worker thread runs: a training, a TL-vs-DL comparison, a learning curve.

Jobs get ``emit`` (puts a plain dict on the session's queue) and ``cancel`` (threading.Event); they
call the engine exactly as the CLI does and know nothing of widgets or plots.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from fflux_studio.evaluation import learning_curve
from fflux_studio.gpr import GPRModel
from fflux_studio.metrics import mae, rmse
from fflux_studio.protocols import ProtocolResult, ProtocolSettings, run_protocol
from fflux_studio.ui.landscape import LandscapeTracker
from fflux_studio.units import to_display


@dataclass(frozen=True)
class Problem:
    """One (atom, property) on one split: training and test arrays plus the model's metadata."""

    x_train: np.ndarray
    y_train: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray
    target_unit: str
    metadata: dict = field(default_factory=dict)


@dataclass
class Run:
    """A finished training: the engine's result, the model, and its test errors in display units."""

    protocol: str
    result: ProtocolResult
    model: GPRModel
    errors: np.ndarray
    unit: str

    @property
    def metrics(self) -> dict:
        return {"protocol": self.protocol, "log_likelihood": float(self.result.log_likelihood),
                "status": self.result.status,
                "evaluations": int(self.result.evaluations),
                "seconds": {k: float(v) for k, v in self.result.seconds.items()},
                "n_train": int(len(self.result.y)), "n_test": int(len(self.errors)),
                "test_rmse": rmse(self.errors), "test_mae": mae(self.errors), "unit": self.unit,
                "seed_index": self.result.seed_index,
                "theta": np.asarray(self.result.theta).tolist(), "settings": self.result.settings.as_dict()}


def train(protocol: str, problem: Problem, settings: ProtocolSettings, emit, cancel, pair=None,
          tracker_box=None) -> Run:
    """Run ``protocol`` on the problem, streaming its iterations and a live landscape, then test it.

    ``tracker_box`` (a list) receives the landscape tracker so the page can change its feature pair.
    """
    tracker = LandscapeTracker(problem.x_train, problem.y_train, settings.kernel, settings.likelihood,
                               settings.nugget, emit, protocol=protocol)
    tracker.choose(pair)
    if tracker_box is not None:
        tracker_box[:] = [tracker]
    tracker.start()
    emit({"kind": "start", "protocol": protocol, "settings": settings.as_dict(), "n_train": len(problem.y_train),
          "n_features": problem.x_train.shape[1]})

    def callback(event: dict):
        emit({**event, "kind": "iteration", "protocol": protocol})
        tracker.follow(event["log_theta"], event["phase"])

    try:
        result = run_protocol(protocol, problem.x_train, problem.y_train, settings,
                              callback=lambda event: callback(event.as_dict()), cancel=cancel)
        tracker.follow(result.log_theta)
        tracker.finish()
        model = result.model(**problem.metadata)
        errors, unit = to_display(model.predict(problem.x_test) - problem.y_test, problem.target_unit)
        run = Run(protocol, result, model, np.asarray(errors), unit)
        tracker.thread.join()
    finally:
        tracker.stop()
    emit({"kind": "run", "protocol": protocol, "run": run})
    return run


def compare(problem: Problem, tl: ProtocolSettings, dl: ProtocolSettings, emit, cancel, pair=None,
            tracker_box=None) -> None:
    """TL then DL on the same split, each reported like a single training."""
    for protocol, settings in (("tl", tl), ("dl", dl)):
        train(protocol, problem, settings, emit, cancel, pair, tracker_box)


def landscape_at(x, y, settings: ProtocolSettings, log_theta, pair, emit, cancel) -> None:
    """One landscape grid at a finished run's optimum, for a feature pair chosen after the run."""
    tracker = LandscapeTracker(x, y, settings.kernel, settings.likelihood, settings.nugget, emit)
    tracker.choose(pair)
    tracker.follow(log_theta)
    tracker.start().finish()
    while tracker.thread.is_alive():
        tracker.thread.join(0.1)
        if cancel.is_set():
            tracker.stop()


def learning(problem: Problem, settings: ProtocolSettings, sizes, emit, cancel) -> None:
    """TL and DL trained on nested subsets of the training set, one size at a time, so the page
    can show each point as it arrives (the subsets depend only on the random state and size)."""
    for protocol in ("tl", "dl"):
        for size in sizes:
            point, = learning_curve(protocol, problem.x_train, problem.y_train, problem.x_test, problem.y_test,
                                    [size], settings, cancel=cancel)
            (rmse_, mae_), unit = to_display(np.array([point.rmse, point.mae]), problem.target_unit)
            emit({"kind": "learning", "row": {"protocol": protocol, "size": point.n, "rmse": float(rmse_),
                                              "mae": float(mae_), "seconds": point.seconds, "unit": unit}})


def load(loader, source: str, emit, cancel) -> None:
    """Read a dataset off the page's thread (demo sets take seconds to featurise)."""
    emit({"kind": "dataset", "dataset": loader(), "source": source})
