"""Growing the seed's subset in stages, each warm-starting the next (the progressive TL schedule).

A subset optimum switches off features the subset cannot resolve (theta -> 0), and in log theta
the gradient of such a feature is proportional to theta, so no later optimiser switches it back
on: the relaxation ends in a worse optimum (NMA C1: ln L 5719 instead of 6386). Every stage
therefore starts with log theta raised to at least ``revive_floor`` (-8 costs a truly dead feature
about 2 in ln L, regained in a few steps). Stages are nested supersets of the seed's subset.
"""

from __future__ import annotations

import time

import numpy as np

from fflux_studio.gpr import Likelihood
from fflux_studio.protocols.result import SourceFit
from fflux_studio.protocols.runners import refine


def revive(log_theta, floor):
    """Raise switched-off features to ``floor`` (None leaves them alone)."""
    return np.asarray(log_theta, dtype=float) if floor is None else np.maximum(log_theta, floor)


def stage_sizes(fractions, start: int, n_points: int) -> list[int]:
    """Stage sizes from fractions of the training set, growing beyond ``start`` and below ``n_points``."""
    sizes = sorted({int(round(f * n_points)) for f in fractions})
    return [m for m in sizes if start < m < n_points]


def grow(seed: SourceFit, x, y, kernel, settings, rng, callback, cancel, started) -> list[SourceFit]:
    """Fit the seed on growing nested subsets; returns one SourceFit per stage (index n_seeds + k)."""
    stages = []
    subset, log_theta = seed.subset, seed.log_theta
    outside = rng.permutation(np.setdiff1d(np.arange(len(y)), subset))
    for k, size in enumerate(stage_sizes(settings.stages, len(subset), len(y))):
        opened = time.perf_counter()
        subset = np.sort(np.concatenate([seed.subset, outside[: size - len(seed.subset)]]))
        likelihood = Likelihood(x[subset], y[subset], kernel, settings.likelihood, settings.nugget)
        fit = refine(likelihood, settings, settings.seed_optimizer, revive(log_theta, settings.revive_floor), rng,
                     settings.seed_max_iterations, phase="seeding", source=settings.n_seeds + k,
                     callback=callback, cancel=cancel, started=started)
        log_theta = fit.log_theta
        stages.append(SourceFit(settings.n_seeds + k, subset, fit.log_theta, fit.log_likelihood, float("nan"),
                                fit.evaluations, time.perf_counter() - opened))
    return stages
