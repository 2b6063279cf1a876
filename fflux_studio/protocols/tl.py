"""Transfer learning (TL): source models on random subsets seed the optimiser on the full set.

Seeding fits ``n_seeds`` sources on subsets; selection evaluates each source's theta on the full
set (or its RMSE on the points outside its subset) and keeps the best; relaxation optimises on the
full set from that seed. ``seconds["seeding"]`` includes the selection.
"""

from __future__ import annotations

import time

import numpy as np

from fflux_studio.evaluation import rmse
from fflux_studio.gpr import GPRModel, Kernel, Likelihood, NotPositiveDefinite
from fflux_studio.optimize.events import Iteration, check_cancel
from fflux_studio.protocols.result import ProtocolResult, SourceFit
from fflux_studio.protocols.runners import refine, search
from fflux_studio.protocols.settings import ProtocolSettings


def run_tl(x, y, settings: ProtocolSettings, callback=None, cancel=None, started=None) -> ProtocolResult:
    started = time.perf_counter() if started is None else started
    kernel = Kernel.named(settings.kernel, x.shape[1])
    full = Likelihood(x, y, kernel, settings.likelihood, settings.nugget)
    rng = np.random.default_rng(settings.random_state)
    size = settings.subset_size(len(y), x.shape[1])
    sources = [_fit_source(i, rng.choice(len(y), size, replace=False), x, y, kernel, settings, rng,
                           callback, cancel, started) for i in range(settings.n_seeds)]
    seed = _select(sources, full, x, y, kernel, settings, callback, cancel, started)
    seeding = time.perf_counter() - started
    relaxed = refine(full, settings, settings.optimizer, sources[seed].log_theta, rng, phase="relaxation",
                     callback=callback, cancel=cancel, started=started)
    if relaxed.log_likelihood >= sources[seed].log_likelihood_full:
        log_theta, value = relaxed.log_theta, relaxed.log_likelihood
    else:
        log_theta, value = sources[seed].log_theta, sources[seed].log_likelihood_full
    total = time.perf_counter() - started
    evaluations = sum(s.evaluations for s in sources) + len(sources) + relaxed.evaluations
    return ProtocolResult("tl", settings, log_theta, value, evaluations,
                          {"seeding": seeding, "relaxation": total - seeding, "total": total}, x, y,
                          sources, seed)


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
