"""L-BFGS-B (scipy) on -ln L with its analytic gradient over log theta, with optional multi-start.

A failed point (R not positive definite, towards small theta where K tends to a matrix of ones)
must not reach scipy as NaN: it gets a value well above the best seen so far and a zero gradient,
so the line search backs off towards the last good point.

Stopping, measured with benchmarks/lbfgs_tolerance.py. scipy's ``ftol`` is relative, so with ln L
of 1e3-1e4 its default 2.2e-9 is an absolute 1e-5 per iteration; on methanol C1 tighter values
(1e-11, 1e-13) gained < 1e-6 in ln L for 3 more evaluations, so the default stays. ``gtol`` bounds
the largest projected gradient component and is kept loose (1e-3). What remains is a long tail:
features on their way to theta = 0 crawl (their gradient is proportional to theta) and gain
~1e-3 per step for hundreds of evaluations (NMA C1, ftol 1e-11: 290-342 evaluations per start).
So a run also stops when the best ln L has risen by at most ``stall_tolerance`` (relative) over
``stall_iterations`` iterations: 1e-7 over 10 took 132-145 evaluations, within 0.005 of that ln L.

With ``transform`` T the search runs in z, log theta = start + T z (a preconditioner,
optimize/curvature.py); bounds are then enforced by clipping log theta, with a zero gradient along
clipped coordinates.
"""

from __future__ import annotations

import numpy as np
from scipy.optimize import minimize

from fflux_studio.gpr import NotPositiveDefinite
from fflux_studio.optimize.progress import OptimizeResult, Reporter
from fflux_studio.optimize.pso import LN2
from fflux_studio.optimize.status import BUDGET_REACHED, CONVERGED, STALLED

BOUNDS = (-20.0, 7.0)
FTOL = 2.2e-9
GTOL = 1e-3
STALL_TOLERANCE = 1e-7
STALL_ITERATIONS = 10
START_BOX = (-LN2, 3.0 - LN2)
SCIPY_STATUS = {0: CONVERGED, 1: BUDGET_REACHED}
"""scipy's L-BFGS-B status -> ours; 2 (the line search found no better point) and 99 (our stall
window raised StopIteration in the callback) are ``stalled``."""


def lbfgs(likelihood, log_theta0, *, bounds=BOUNDS, max_iterations: int = 1000, ftol: float = FTOL,
          gtol: float = GTOL, stall_tolerance: float = STALL_TOLERANCE, stall_iterations: int = STALL_ITERATIONS,
          transform=None, callback=None, cancel=None, phase: str = "direct", source=None,
          started=None) -> OptimizeResult:
    """Maximise ln L from ``log_theta0`` with L-BFGS-B inside ``bounds`` (on every log theta)."""
    reporter = Reporter(likelihood, phase, source, callback, cancel, started)
    d = likelihood.kernel.n_features
    origin = np.clip(np.asarray(log_theta0, dtype=float), *bounds)
    transform = np.eye(d) if transform is None else np.asarray(transform, dtype=float)
    preconditioned = not np.array_equal(transform, np.eye(d))

    def objective(z):
        wanted = origin + transform @ z
        log_theta = np.clip(wanted, *bounds)
        value, gradient = reporter.try_evaluate(log_theta)
        if value is None:
            worst = -reporter.best_value if np.isfinite(reporter.best_value) else 0.0
            return worst + max(1.0, abs(worst)), np.zeros(d)
        gradient = np.where(log_theta == wanted, gradient, 0.0)
        return -value, -(transform.T @ gradient)

    history = []

    def iteration(_):
        reporter.iteration()
        history.append(reporter.best_value)
        if len(history) > stall_iterations:
            gain = history[-1] - history[-1 - stall_iterations]
            if gain <= stall_tolerance * abs(history[-1]):
                raise StopIteration

    box = None if preconditioned else [(bounds[0] - o, bounds[1] - o) for o in origin]
    result = minimize(objective, np.zeros(d), jac=True, method="L-BFGS-B", bounds=box, callback=iteration,
                      options={"maxiter": max_iterations, "ftol": ftol, "gtol": gtol, "maxls": 40})
    return reporter.result(SCIPY_STATUS.get(result.status, STALLED), str(result.message))


def random_starts(rng, n_features: int, count: int, box=START_BOX) -> np.ndarray:
    """``count`` log theta drawn uniformly in ``box`` (default FEREBUS's search box [0, 3] in p)."""
    return np.random.default_rng(rng).uniform(box[0], box[1], size=(count, n_features))


def multistart_lbfgs(likelihood, rng, n_starts: int = 1, *, box=START_BOX, **options) -> tuple[OptimizeResult, list]:
    """L-BFGS-B from ``n_starts`` random starts; the best run and every run (``source`` = start index).

    A start where R is not positive definite at all is skipped rather than aborting the others.
    """
    runs = []
    for i, start in enumerate(random_starts(rng, likelihood.kernel.n_features, n_starts, box)):
        try:
            runs.append(lbfgs(likelihood, start, source=i, **options))
        except NotPositiveDefinite:
            continue
    if not runs:
        raise NotPositiveDefinite(f"all {n_starts} L-BFGS-B starts failed")
    return max(runs, key=lambda r: r.log_likelihood), runs
