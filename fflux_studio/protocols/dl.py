"""Direct learning (DL): the optimiser on the full training set from random starts."""

from __future__ import annotations

import time

import numpy as np

from fflux_studio.gpr import Kernel, Likelihood
from fflux_studio.optimize.lbfgs import multistart_lbfgs
from fflux_studio.protocols.result import ProtocolResult
from fflux_studio.protocols.runners import lbfgs_options, search, start_box
from fflux_studio.protocols.settings import ProtocolSettings


def run_dl(x, y, settings: ProtocolSettings, callback=None, cancel=None, started=None) -> ProtocolResult:
    """One FEREBUS swarm, or L-BFGS-B from ``n_starts`` random starts; event phase ``direct``."""
    started = time.perf_counter() if started is None else started
    likelihood = Likelihood(x, y, Kernel.named(settings.kernel, x.shape[1]), settings.likelihood, settings.nugget)
    rng = np.random.default_rng(settings.random_state)
    events = {"phase": "direct", "callback": callback, "cancel": cancel, "started": started}
    if settings.optimizer == "pso":
        best = search(likelihood, settings, "pso", rng, source=0, **events)
        evaluations = best.evaluations
    else:
        best, runs = multistart_lbfgs(likelihood, rng, settings.n_starts, box=start_box(settings),
                                      **lbfgs_options(settings), **events)
        evaluations = sum(r.evaluations for r in runs)
    total = time.perf_counter() - started
    return ProtocolResult("dl", settings, best.log_theta, best.log_likelihood, evaluations,
                          {"seeding": 0.0, "relaxation": total, "total": total}, x, y, status=best.status)
