"""Re-derive a stored model from its own training data and θ, and say where the file disagrees.

A model file stores θ, the training data, ln L, the mean and the weights. From θ and the data alone
we recompute both likelihoods (the stored one tells which kind was optimised) and the weights; from
the stored weights we recover the mean they were computed with (R w = y - mu 1), which exposes a
file whose ``[mean] value`` is not the mean of its weights (its predictions are off by the difference).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np

from fflux_studio.gpr.likelihood import LIKELIHOODS, Likelihood
from fflux_studio.gpr.model import GPRModel, mean_and_weights, training_correlation

LOG_LIKELIHOOD_TOLERANCE = 1e-6
WEIGHTS_TOLERANCE = 1e-4
MEAN_TOLERANCE = 1e-6


@dataclass
class ModelCheck:
    stored_log_likelihood: float | None
    likelihood: str
    log_likelihood: float
    log_likelihoods: dict
    relative_difference: float | None
    weights_max_relative_difference: float
    stored_mean: float
    weights_mean: float
    mean_consistent: bool
    prediction_offset: float
    ok: bool

    def as_dict(self) -> dict:
        return asdict(self)


def check_model(model: GPRModel) -> ModelCheck:
    values = {kind: Likelihood(model.x, model.y, model.kernel, kind, model.nugget).evaluate(model.theta, False)[0]
              for kind in LIKELIHOODS}
    stored = model.log_likelihood
    if stored is None:
        kind, relative = model.likelihood, None
    else:
        kind = min(LIKELIHOODS, key=lambda k: abs(values[k] - stored))
        relative = abs(values[kind] - stored) / abs(stored)
    r = training_correlation(model.theta, model.kernel, model.x, model.nugget)
    weights_mean = float(np.mean(model.y - r @ model.weights))
    _, weights = mean_and_weights(r, model.y, kind)
    weights_difference = float(np.abs(weights - model.weights).max() / np.abs(weights).max())
    offset = model.mean - weights_mean
    mean_consistent = abs(offset) <= MEAN_TOLERANCE * max(1.0, abs(weights_mean))
    ok = (relative is not None and relative <= LOG_LIKELIHOOD_TOLERANCE and weights_difference <= WEIGHTS_TOLERANCE)
    return ModelCheck(stored_log_likelihood=stored, likelihood=kind, log_likelihood=values[kind],
                      log_likelihoods=values, relative_difference=relative,
                      weights_max_relative_difference=weights_difference, stored_mean=model.mean,
                      weights_mean=weights_mean, mean_consistent=bool(mean_consistent),
                      prediction_offset=float(offset), ok=bool(ok))
