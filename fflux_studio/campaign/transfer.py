"""Cross-model transfer: a model seeded by a finished related model's theta instead of TL's sources.

The donor's theta (read feature by feature through equivalence.py's map) replaces TL's source
models, selection and growth: the curvature of ln L on one source-sized random subset at that
theta preconditions L-BFGS-B on the full set, as TL's relaxation does.

Measured with ``python benchmarks/campaign.py`` (benzene demo, 12 atoms x {atomic_energy, charge},
1000 training and 500 test frames, one process). Transfer between equivalent atoms only (``atoms``,
the CLI's default with TL): 3038 likelihood evaluations against plain TL's 11011 (3.6x fewer),
1.69x less wall time, the same mean and largest test RMSE (0.3016 / 0.3336 kJ/mol; 2.712e-4 /
3.233e-4 e) and mean ln L. Also from each atom's energy to its charge (``all``): 2274 evaluations,
1.35-1.88x less wall time than plain TL over three runs, but charges 0.6 % worse on mean test RMSE
(mean ln L 0.3 lower); on water O1's 25 multipole moments seeded from iqa (ICHOR example, 250
training points) 3.6x fewer evaluations and the same median test RMSE, yet single models from
0.43x to 1.73x TL's error (other local optima). DL with one L-BFGS-B start used 899 evaluations
and 0.78-1.35x the time of ``all`` in the same runs (evaluation counts of transfer include the
cheap subset evaluations of the curvature).
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
