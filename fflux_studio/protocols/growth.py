"""Growing the seed's subset in stages, each warm-starting the next (the progressive TL schedule).

A subset optimum switches off features the subset cannot resolve (theta -> 0), and in log theta
the gradient of such a feature is proportional to theta, so no later optimiser switches it back
on: the relaxation ends in a worse optimum (NMA C1: ln L 5719 instead of 6386). Every stage,
and the relaxation, therefore starts with log theta raised to at least ``revive_floor``. Measured
(full-set relaxation evaluations, default settings of the time, with a preconditioner eigenvalue
floor of 1e-3 instead of today's 3e-2): -6 gave NMA C1 a mean of 68 over five
seeds against 89 at -8 and 96 at -5, and glycine C1 72 and 130 against 132 and 159 at -8, with
ln L at least as high. Stages are nested supersets of the seed's subset.

With ``settings.precondition`` each L-BFGS-B stage (and the full-set relaxation, tl.py) searches
in coordinates whitened by the curvature of the previous subset's -ln L (optimize/curvature.py).
"""

from __future__ import annotations

import time

import numpy as np

from fflux_studio.gpr import Likelihood, NotPositiveDefinite
from fflux_studio.optimize.curvature import hessian, preconditioner
from fflux_studio.optimize.lbfgs import lbfgs
from fflux_studio.optimize.progress import Reporter
from fflux_studio.protocols.result import SourceFit
from fflux_studio.protocols.runners import lbfgs_options, refine


def revive(log_theta, floor):
    """Raise switched-off features to ``floor`` (None leaves them alone)."""
    return np.asarray(log_theta, dtype=float) if floor is None else np.maximum(log_theta, floor)


def stage_sizes(fractions, start: int, n_points: int) -> list[int]:
    """Stage sizes from fractions of the training set, growing beyond ``start`` and below ``n_points``."""
    sizes = sorted({int(round(f * n_points)) for f in fractions})
    return [m for m in sizes if start < m < n_points]


def transfer_curvature(subset, start, target_size: int, x, y, kernel, settings, cancel):
    """(T, evaluations): preconditioner from the Hessian of -ln L on ``subset`` at ``start``.

    The Hessian is scaled by target_size / len(subset), since ln L grows about linearly with the
    number of points; T is None when no finite difference could be taken.
    """
    likelihood = Likelihood(x[subset], y[subset], kernel, settings.likelihood, settings.nugget)
    reporter = Reporter(likelihood, cancel=cancel)
    try:
        curvature = hessian(reporter.evaluate, start)
    except NotPositiveDefinite:
        return None, reporter.evaluations
    return preconditioner(curvature, target_size / len(subset)), reporter.evaluations


def grow(seed: SourceFit, x, y, kernel, settings, rng, callback, cancel, started) -> list[SourceFit]:
    """Fit the seed on growing nested subsets; returns one SourceFit per stage (index n_seeds + k).

    A stage's evaluations include the curvature taken on the previous subset.
    """
    stages = []
    previous, log_theta = seed.subset, seed.log_theta
    outside = rng.permutation(np.setdiff1d(np.arange(len(y)), seed.subset))
    events = {"phase": "seeding", "callback": callback, "cancel": cancel, "started": started}
    for k, size in enumerate(stage_sizes(settings.stages, len(seed.subset), len(y))):
        opened = time.perf_counter()
        subset = np.sort(np.concatenate([seed.subset, outside[: size - len(seed.subset)]]))
        likelihood = Likelihood(x[subset], y[subset], kernel, settings.likelihood, settings.nugget)
        start = revive(log_theta, settings.revive_floor)
        extra = 0
        if settings.precondition and settings.seed_optimizer == "lbfgs":
            transform, extra = transfer_curvature(previous, start, size, x, y, kernel, settings, cancel)
            options = {**lbfgs_options(settings, settings.seed_max_iterations), "ftol": settings.stage_ftol}
            fit = lbfgs(likelihood, start, transform=transform, source=settings.n_seeds + k, **options, **events)
        else:
            fit = refine(likelihood, settings, settings.seed_optimizer, start, rng, settings.seed_max_iterations,
                         source=settings.n_seeds + k, **events)
        previous, log_theta = subset, fit.log_theta
        stages.append(SourceFit(settings.n_seeds + k, subset, fit.log_theta, fit.log_likelihood, float("nan"),
                                fit.evaluations + extra, time.perf_counter() - opened))
    return stages
