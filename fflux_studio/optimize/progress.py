"""What every optimiser shares: its result, and a reporter that tracks the best point and emits events.

One reporter per optimiser run keeps the bookkeeping (best ln L, evaluation count, wall clock since
the protocol started, cancel checks) out of the search algorithms themselves.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np

from fflux_studio.gpr import NotPositiveDefinite
from fflux_studio.optimize.events import Cancelled, Iteration, check_cancel
from fflux_studio.optimize.status import CANCELLED


@dataclass
class OptimizeResult:
    """Best point of one optimiser run (``log_theta`` is the natural log of theta)."""

    log_theta: np.ndarray
    log_likelihood: float
    evaluations: int
    iterations: int
    seconds: float
    status: str
    message: str = ""


class Reporter:
    """Evaluates ln L for an optimiser, remembers the best point, reports iterations, honours cancel.

    ``started`` is the protocol's ``time.perf_counter()`` origin, so events of successive phases
    share one clock.
    """

    def __init__(self, likelihood, phase: str = "direct", source: int | None = None, callback=None,
                 cancel=None, started: float | None = None):
        self.likelihood, self.phase, self.source = likelihood, phase, source
        self.callback, self.cancel = callback, cancel
        self.started = time.perf_counter() if started is None else started
        self.opened = time.perf_counter()
        self.evaluations = 0
        self.iterations = 0
        self.best_value = -np.inf
        self.best_log_theta: np.ndarray | None = None

    def evaluate(self, log_theta, gradient: bool = True):
        """(ln L, gradient) at ``log_theta``; raises NotPositiveDefinite at a failed point."""
        self._check_cancel()
        log_theta = np.array(log_theta, dtype=float)
        self.evaluations += 1
        value, grad = self.likelihood(log_theta, gradient=gradient)
        if value > self.best_value:
            self.best_value, self.best_log_theta = value, log_theta
        return value, grad

    def try_evaluate(self, log_theta, gradient: bool = True):
        """Like :meth:`evaluate`, but a failed point gives (None, None)."""
        try:
            return self.evaluate(log_theta, gradient)
        except NotPositiveDefinite:
            return None, None

    def iteration(self) -> None:
        """One iteration done: emit its event (best point so far) and check cancel."""
        self.iterations += 1
        if self.callback is not None and self.best_log_theta is not None:
            self.callback(Iteration(self.phase, self.source, self.iterations, self.best_value,
                                    self.best_log_theta.copy(), time.perf_counter() - self.started,
                                    self.evaluations))
        self._check_cancel()

    def _check_cancel(self) -> None:
        """check_cancel, with the best point so far on the Cancelled exception."""
        try:
            check_cancel(self.cancel)
        except Cancelled as err:
            if self.best_log_theta is not None:
                err.result = self.result(CANCELLED, "cancelled")
            raise

    def result(self, status: str, message: str = "") -> OptimizeResult:
        """The best point, with why the run stopped (optimize/status.py) and the optimiser's own words."""
        if self.best_log_theta is None:
            raise NotPositiveDefinite("no point evaluated by this optimiser was positive definite")
        return OptimizeResult(self.best_log_theta.copy(), float(self.best_value), self.evaluations,
                              self.iterations, time.perf_counter() - self.opened, status, message)
