"""Cross-model transfer: a model seeded by a finished related model's theta instead of TL's sources.

The donor's theta (read feature by feature through equivalence.py's map) replaces TL's source
models, selection and growth: the curvature of ln L on one source-sized random subset at that
theta preconditions L-BFGS-B on the full set, as TL's relaxation does. Measured on the benzene
demo (500 frames, benchmarks/campaign.py has the 1000-frame figures): a carbon or hydrogen seeded
from its first equivalent atom needed 92-131 likelihood evaluations instead of TL's 434-543, to
the same ln L within 2 and test RMSE within 0.01 kJ/mol.
"""

from __future__ import annotations

import time

import numpy as np

from fflux_studio.gpr import Kernel, Likelihood
from fflux_studio.optimize.lbfgs import lbfgs
from fflux_studio.protocols import ProtocolResult, ProtocolSettings
from fflux_studio.protocols.growth import revive, transfer_curvature
from fflux_studio.protocols.runners import lbfgs_options


def run_seeded(x, y, settings: ProtocolSettings, log_theta0, callback=None, cancel=None) -> ProtocolResult:
    """Relax ``log_theta0`` (the donor's, in this model's feature order) on (x, y); protocol ``transfer``."""
    started = time.perf_counter()
    kernel = Kernel.named(settings.kernel, x.shape[1])
    full = Likelihood(x, y, kernel, settings.likelihood, settings.nugget)
    rng = np.random.default_rng(settings.random_state)
    start = revive(np.asarray(log_theta0, dtype=float), settings.revive_floor)
    subset = np.sort(rng.choice(len(y), settings.subset_size(len(y), x.shape[1]), replace=False))
    transform, evaluations = transfer_curvature(subset, start, len(y), x, y, kernel, settings, cancel)
    seeding = time.perf_counter() - started
    relaxed = lbfgs(full, start, transform=transform, **lbfgs_options(settings), phase="relaxation",
                    callback=callback, cancel=cancel, started=started)
    total = time.perf_counter() - started
    return ProtocolResult("transfer", settings, relaxed.log_theta, relaxed.log_likelihood,
                          evaluations + relaxed.evaluations,
                          {"seeding": seeding, "relaxation": total - seeding, "total": total}, x, y,
                          status=relaxed.status)
