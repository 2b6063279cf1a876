"""How a model learns and where its optimum sits: learning curves and likelihood landscapes
(the error measures themselves are in metrics.py)."""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np

from fflux_studio.gpr import NotPositiveDefinite
from fflux_studio.metrics import mae, rmse
from fflux_studio.optimize.events import check_cancel
from fflux_studio.protocols import ProtocolSettings, run_protocol
from fflux_studio.splits import nested_subsets


@dataclass(frozen=True)
class LearningPoint:
    """Test error of a model trained on ``n`` points, with its training cost and ln L."""

    n: int
    rmse: float
    mae: float
    seconds: float
    log_likelihood: float

    def as_dict(self) -> dict:
        return asdict(self)


def learning_curve(protocol: str, x_train, y_train, x_test, y_test, sizes, settings=None, callback=None,
                   cancel=None) -> list[LearningPoint]:
    """Test RMSE/MAE of ``protocol`` ("tl" or "dl") trained on nested subsets of the training set.

    ``sizes`` are fractions in (0, 1) or counts (see splits.nested_subsets); the subsets come from
    ``settings.random_state`` so TL and DL curves with the same settings see the same points.
    Errors are in the target's own unit.
    """
    settings = ProtocolSettings() if settings is None else settings
    x_train, y_train = np.asarray(x_train, dtype=float), np.asarray(y_train, dtype=float)
    x_test, y_test = np.asarray(x_test, dtype=float), np.asarray(y_test, dtype=float)
    points = []
    for frames in nested_subsets(np.arange(len(y_train)), sizes, settings.random_state):
        result = run_protocol(protocol, x_train[frames], y_train[frames], settings, callback, cancel)
        errors = result.model().predict(x_test) - y_test
        points.append(LearningPoint(len(frames), rmse(errors), mae(errors), result.seconds["total"],
                                    result.log_likelihood))
    return points


def landscape(likelihood, log_theta, i: int, j: int, grid_i, grid_j, cancel=None) -> np.ndarray:
    """ln L over a grid of log theta_i x log theta_j with the other log theta held at ``log_theta``.

    ``values[a, b]`` is at (grid_i[a], grid_j[b]); failed points (R not positive definite) are NaN,
    since this is for plotting.
    """
    point = np.array(log_theta, dtype=float)
    values = np.full((len(grid_i), len(grid_j)), np.nan)
    for a, value_i in enumerate(grid_i):
        for b, value_j in enumerate(grid_j):
            check_cancel(cancel)
            point[i], point[j] = value_i, value_j
            try:
                values[a, b] = likelihood(point, gradient=False)[0]
            except NotPositiveDefinite:
                continue
    return values


def most_influential(log_theta, x=None, count: int = 2) -> np.ndarray:
    """Indices of the ``count`` features that matter most to the kernel, the default landscape axes.

    Influence is theta_h times the variance of feature h over ``x`` (the typical size of the term
    theta_h d_h^2 in the kernel's exponent), or theta_h alone without ``x``. The gradient is no
    guide: at an optimum it is zero in every direction.
    """
    influence = np.exp(np.asarray(log_theta, dtype=float))
    if x is not None:
        influence = influence * np.var(np.asarray(x, dtype=float), axis=0)
    return np.argsort(-influence, kind="stable")[:count]
