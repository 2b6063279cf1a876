"""Transfer learning (TL): source models on random subsets seed the optimiser on the full set.

1. Seeding: ``n_seeds`` sources on random subsets (cheap fits that explore basins).
2. Selection: each source's theta evaluated on the full set (or its RMSE on the points outside its
   subset); the best is the seed.
3. Growth: the seed refitted on growing nested subsets (``settings.stages``), see growth.py.
4. Relaxation on the full set from the last stage. With L-BFGS-B and ``precondition``, the search
   uses the curvature of the last subset's ln L (curvature transfer, optimize/curvature.py): in
   log theta the problem is badly conditioned, and L-BFGS-B from any start, a subset optimum
   included, spends most of its evaluations learning what the subset already knows.

A set too small for L-BFGS-B sources to pay off (ProtocolSettings.seeding_pays) is trained by one
full-set search from a random start instead, and the result's ``plan`` says so. PSO sources were not
measured against it and always seed.

Measured and not kept (ethanol C1 atomic_energy, N = 1000, benchmarks/tl_vs_dl.py): the relaxation
starts 150-260 ln L units below the full-set optimum and needs 70-100 % of a random start's
evaluations, so TL cannot reach half of one L-BFGS-B start's time there. Extrapolating each log theta
linearly in log N from nested fits (100/150/200 to 300/450 points) started 130-1550 units below,
worse than the last fit itself (82-260), even damped by half: as N grows strong features' theta fall
and weak ones' rise, and subset fits are too noisy for a slope per feature. A common shift of the
active log theta gained at most 50 units; a full Newton step with the transferred curvature before
L-BFGS-B saved 1-7 of ~21 relaxation evaluations. Looser growth stages (stage_ftol 1e-4, 1e-3) and
source budgets (30 iterations) moved the TL/DL time ratio by about 0.1 either way on ethanol, benzene
and the formic acid dimer, within the noise. Later measurements (where TL's time goes; curvature from
L-BFGS-B's own iterates; stage fractions; a looser stopping rule for TL and DL): benchmarks/README.md.

``seconds["seeding"]`` covers 1-3 and the curvature (everything on subsets); "relaxation" the
full-set search.
"""

from __future__ import annotations

import time

import numpy as np

from fflux_studio.gpr import GPRModel, Kernel, Likelihood, NotPositiveDefinite
from fflux_studio.metrics import rmse
from fflux_studio.optimize.events import Iteration, check_cancel
from fflux_studio.optimize.lbfgs import lbfgs
from fflux_studio.protocols.growth import grow, revive, transfer_curvature
from fflux_studio.protocols.result import ProtocolResult, SourceFit
from fflux_studio.protocols.runners import lbfgs_options, refine, search
from fflux_studio.protocols.settings import MIN_POINTS_PER_FEATURE, SMALL_SET_MARGIN, ProtocolSettings


def run_tl(x, y, settings: ProtocolSettings, callback=None, cancel=None, started=None) -> ProtocolResult:
    started = time.perf_counter() if started is None else started
    kernel = Kernel.named(settings.kernel, x.shape[1])
    full = Likelihood(x, y, kernel, settings.likelihood, settings.nugget)
    rng = np.random.default_rng(settings.random_state)
    size = settings.subset_size(len(y), x.shape[1])
    seeds_by_lbfgs = settings.seed_optimizer == "lbfgs"
    if settings.small_set_direct and seeds_by_lbfgs and not settings.seeding_pays(len(y), x.shape[1]):
        return _direct(full, x, y, settings, rng, callback, cancel, started)
    sources = [_fit_source(i, rng.choice(len(y), size, replace=False), x, y, kernel, settings, rng,
                           callback, cancel, started) for i in range(settings.n_seeds)]
    seed = _select(sources, full, x, y, kernel, settings, callback, cancel, started)
    stages = grow(sources[seed], x, y, kernel, settings, rng, callback, cancel, started)
    last = stages[-1] if stages else sources[seed]
    start = revive(last.log_theta, settings.revive_floor)
    events = {"phase": "relaxation", "callback": callback, "cancel": cancel, "started": started}
    if settings.optimizer == "lbfgs" and settings.precondition:
        transform, evaluations = transfer_curvature(last.subset, start, len(y), x, y, kernel, settings, cancel)
        seeding = time.perf_counter() - started
        relaxed = lbfgs(full, start, transform=transform, **lbfgs_options(settings), **events)
    else:
        evaluations = 0
        seeding = time.perf_counter() - started
        relaxed = refine(full, settings, settings.optimizer, start, rng, **events)
    if relaxed.log_likelihood >= sources[seed].log_likelihood_full:
        log_theta, value = relaxed.log_theta, relaxed.log_likelihood
    else:
        log_theta, value = sources[seed].log_theta, sources[seed].log_likelihood_full
    total = time.perf_counter() - started
    evaluations += (sum(s.evaluations for s in sources + stages) + len(sources) + relaxed.evaluations)
    return ProtocolResult("tl", settings, log_theta, value, evaluations,
                          {"seeding": seeding, "relaxation": total - seeding, "total": total}, x, y,
                          sources, seed, stages, status=relaxed.status)


def _direct(full, x, y, settings, rng, callback, cancel, started) -> ProtocolResult:
    """One full-set search from a random start (what single-start DL does), said in ``plan``."""
    minimum = MIN_POINTS_PER_FEATURE * x.shape[1]
    plan = (f"direct: {len(y)} points are too few to seed ({MIN_POINTS_PER_FEATURE} points x {x.shape[1]} features "
            f"= {minimum} per source, more than {SMALL_SET_MARGIN:g} x the subset fraction {settings.subset:g}); "
            "one full-set search instead")
    fit = search(full, settings, settings.optimizer, rng, phase="relaxation", callback=callback, cancel=cancel,
                 started=started)
    total = time.perf_counter() - started
    return ProtocolResult("tl", settings, fit.log_theta, fit.log_likelihood, fit.evaluations,
                          {"seeding": 0.0, "relaxation": total, "total": total}, x, y, status=fit.status, plan=plan)


def _fit_source(index, subset, x, y, kernel, settings, rng, callback, cancel, started) -> SourceFit:
    subset = np.sort(subset)
    opened = time.perf_counter()
    likelihood = Likelihood(x[subset], y[subset], kernel, settings.likelihood, settings.nugget)
    fit = search(likelihood, settings, settings.seed_optimizer, rng, settings.seed_max_iterations,
                 phase="seeding", source=index, callback=callback, cancel=cancel, started=started)
    return SourceFit(index, subset, fit.log_theta, fit.log_likelihood, float("nan"), fit.evaluations,
                     time.perf_counter() - opened)


def _select(sources, full, x, y, kernel, settings, callback, cancel, started) -> int:
    """Evaluate every source on the full set (one evaluation each) and return the chosen index."""
    scores = []
    for source in sources:
        check_cancel(cancel)
        try:
            source.log_likelihood_full = full(source.log_theta, gradient=False)[0]
        except NotPositiveDefinite:
            source.log_likelihood_full = -np.inf
        if settings.selection == "rmse":
            scores.append(-_outside_rmse(source, x, y, kernel, settings))
        else:
            scores.append(source.log_likelihood_full)
        best = sources[int(np.argmax(scores))]
        if callback is not None:
            callback(Iteration("selection", None, len(scores), best.log_likelihood_full,
                               best.log_theta.copy(), time.perf_counter() - started, len(scores)))
    return int(np.argmax(scores))


def _outside_rmse(source: SourceFit, x, y, kernel, settings) -> float:
    """RMSE of the source model on the training points outside its subset."""
    outside = np.setdiff1d(np.arange(len(y)), source.subset)
    model = GPRModel.fit(x[source.subset], y[source.subset], np.exp(source.log_theta), kernel,
                         settings.likelihood, settings.nugget)
    return rmse(model.predict(x[outside]) - y[outside])
