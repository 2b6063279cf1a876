"""What the session's worker process runs: a training, a TL-vs-DL comparison, a learning curve,
a landscape at a finished optimum, reading a dataset.

Jobs are ``job(emit, cancel, inbox)``: ``emit`` sends a typed message (ui/messages.py) to the page,
``cancel`` is the job's cancel token, ``inbox`` the queue where the page's commands arrive (read
by the landscape thread). They call the engine exactly as the CLI does and know nothing of
widgets or plots; they, and everything they send, pickle.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import numpy as np

from fflux_studio.evaluation import learning_curve
from fflux_studio.gpr import GPRModel
from fflux_studio.metrics import mae, rmse
from fflux_studio.protocols import ProtocolResult, ProtocolSettings, run_protocol
from fflux_studio.splits import find_duplicates
from fflux_studio.ui.landscape import LandscapeTracker
from fflux_studio.ui.messages import Iteration, LearningPoint, Loaded, RunDone, Started
from fflux_studio.ui.predictions import Predictions
from fflux_studio.units import to_display

REPEAT_UNDER_SECONDS = 20.0
"""A learning-curve size is repeated over random states when its first run took less than this."""


@dataclass(frozen=True)
class Problem:
    """One (atom, property) on one split: training and test arrays plus the model's metadata."""

    x_train: np.ndarray
    y_train: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray
    target_unit: str
    metadata: dict = field(default_factory=dict)
    test_frames: np.ndarray | None = None  # the test points' 0-based indices in the loaded data


@dataclass
class Run:
    """A finished training: the engine's result, the model, and its test predictions in display units."""

    protocol: str
    result: ProtocolResult
    model: GPRModel
    predictions: Predictions

    @property
    def errors(self) -> np.ndarray:
        return self.predictions.errors

    @property
    def unit(self) -> str:
        return self.predictions.unit

    @property
    def metrics(self) -> dict:
        return {"protocol": self.protocol, "log_likelihood": float(self.result.log_likelihood),
                "status": self.result.status, "plan": self.result.plan,
                "evaluations": int(self.result.evaluations),
                "seconds": {k: float(v) for k, v in self.result.seconds.items()},
                "n_train": int(len(self.result.y)), "n_test": int(len(self.errors)),
                "test_rmse": rmse(self.errors), "test_mae": mae(self.errors), "unit": self.unit,
                "seed_index": self.result.seed_index,
                "theta": np.asarray(self.result.theta).tolist(), "settings": self.result.settings.as_dict()}


def train(protocol: str, problem: Problem, settings: ProtocolSettings, emit, cancel, inbox=None, pair=None,
          live_landscape: bool = True) -> Run:
    """Run ``protocol`` on the problem, streaming its iterations and a live landscape, then test it.

    The run is sent before the landscape's final grid, so the page shows the result at once. Without
    ``live_landscape`` the landscape is computed only once the run is over: its grids, computed in a
    thread of this process, would otherwise share the run's core and lengthen its wall time.
    """
    tracker = LandscapeTracker(problem.x_train, problem.y_train, settings.kernel, settings.likelihood,
                               settings.nugget, emit, protocol=protocol, pair=pair, cancel=cancel, inbox=inbox)
    if live_landscape:
        tracker.start()
    emit(Started(protocol, settings.as_dict(), len(problem.y_train), problem.x_train.shape[1]))

    def callback(event):
        emit(Iteration(protocol, event.as_dict()))
        tracker.follow(event.log_theta, event.phase)

    try:
        result = run_protocol(protocol, problem.x_train, problem.y_train, settings, callback=callback, cancel=cancel)
        model = result.model(**problem.metadata)
        predictions = Predictions.of(model, problem.x_test, problem.y_test, problem.target_unit, problem.test_frames)
        run = Run(protocol, result, model, predictions)
        emit(RunDone(protocol, run))
        tracker.follow(result.log_theta)
        tracker.finish()
        if not live_landscape:
            tracker.start()
        tracker.thread.join()
    finally:
        tracker.stop()
    return run


def compare(problem: Problem, tl: ProtocolSettings, dl: ProtocolSettings, emit, cancel, inbox=None,
            pair=None) -> None:
    """TL then DL on the same split, each reported like a single training, with no landscape computed
    while either is timed: TL, whose path moves more, had its grids recomputed more often and was
    measured 1.4-2.2 x slower than a DL that ran the very same search."""
    for protocol, settings in (("tl", tl), ("dl", dl)):
        train(protocol, problem, settings, emit, cancel, inbox, pair, live_landscape=False)


def landscape_at(x, y, settings: ProtocolSettings, log_theta, pair, emit, cancel, inbox=None) -> None:
    """One landscape grid at a finished run's optimum, for a feature pair chosen after the run."""
    tracker = LandscapeTracker(x, y, settings.kernel, settings.likelihood, settings.nugget, emit, pair=pair,
                               cancel=cancel)
    tracker.follow(log_theta)
    tracker.finish()
    tracker.start().thread.join()


def learning(problem: Problem, tl: ProtocolSettings, dl: ProtocolSettings, sizes, repeats: int, emit, cancel,
             inbox=None) -> None:
    """TL and DL trained on nested subsets of the training set, smallest size first, one message per
    run so the page shows each point as it arrives. Each size is trained with ``repeats`` random
    states (the subset and the optimisers' starts: random state r, r + 1, ...) when its first run
    took under REPEAT_UNDER_SECONDS; TL and DL with the same random state see the same subset."""
    for size in sizes:
        quick = {}
        for repeat in range(repeats):
            for protocol, settings in (("tl", tl), ("dl", dl)):
                if repeat and not quick[protocol]:
                    continue
                random_state = (settings.random_state or 0) + repeat
                point, = learning_curve(protocol, problem.x_train, problem.y_train, problem.x_test, problem.y_test,
                                        [size], replace(settings, random_state=random_state), cancel=cancel)
                quick.setdefault(protocol, point.seconds < REPEAT_UNDER_SECONDS)
                (rmse_, mae_), unit = to_display(np.array([point.rmse, point.mae]), problem.target_unit)
                emit(LearningPoint({"protocol": protocol, "size": point.n, "random_state": random_state,
                                    "rmse": float(rmse_), "mae": float(mae_), "seconds": point.seconds,
                                    "unit": unit}))


def load(loader, source: str, emit, cancel, inbox=None) -> None:
    """Read a dataset (demo sets take seconds to featurise) and look for near-duplicate frames, as
    ``fflux-studio inspect`` does."""
    dataset = loader()
    duplicates = find_duplicates(dataset)
    emit(Loaded(dataset, source, duplicates.describe() if len(duplicates.pairs) else ""))
