"""Direct learning (DL): the optimiser on the full training set from random starts."""

from __future__ import annotations

import time

import numpy as np

from fflux_studio.gpr import Kernel, Likelihood, NotPositiveDefinite
from fflux_studio.protocols.result import ProtocolResult
from fflux_studio.protocols.runners import search
from fflux_studio.protocols.settings import ProtocolSettings


def run_dl(x, y, settings: ProtocolSettings, callback=None, cancel=None, started=None) -> ProtocolResult:
    """PSO (one FEREBUS swarm) or L-BFGS-B from ``n_starts`` random starts; event phase ``direct``."""
    started = time.perf_counter() if started is None else started
    likelihood = Likelihood(x, y, Kernel.named(settings.kernel, x.shape[1]), settings.likelihood, settings.nugget)
    rng = np.random.default_rng(settings.random_state)
    starts = 1 if settings.optimizer == "pso" else settings.n_starts
    runs = []
    for i in range(starts):
        try:
            runs.append(search(likelihood, settings, settings.optimizer, rng, phase="direct", source=i,
                               callback=callback, cancel=cancel, started=started))
        except NotPositiveDefinite:
            continue
    if not runs:
        raise NotPositiveDefinite(f"every one of the {starts} DL start(s) failed: R is not positive definite")
    best = max(runs, key=lambda r: r.log_likelihood)
    total = time.perf_counter() - started
    return ProtocolResult("dl", settings, best.log_theta, best.log_likelihood, sum(r.evaluations for r in runs),
                          {"seeding": 0.0, "relaxation": total, "total": total}, x, y)
