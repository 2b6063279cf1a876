"""A trained GPR model as FFLUX evaluates it: Q(x) = mu + sum_j w_j k(x, x_j)."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

import numpy as np
from scipy.linalg import cho_factor, cho_solve

from fflux_studio.gpr.kernels import Kernel, correlation, weighted_exponent_gradient
from fflux_studio.gpr.likelihood import DEFAULT_NUGGET, LIKELIHOODS, NotPositiveDefinite


def training_correlation(theta, kernel: Kernel, x, nugget: float) -> np.ndarray:
    """R = K + nugget I over the training points, in the exact feature-by-feature form."""
    r = correlation(theta, kernel, x, x)
    r.flat[:: len(x) + 1] += nugget
    return r


def _factor(r: np.ndarray):
    """Cholesky factor of ``r``, overwriting it; NotPositiveDefinite if there is none."""
    try:
        return cho_factor(r, lower=True, overwrite_a=True)
    except np.linalg.LinAlgError as err:
        raise NotPositiveDefinite(f"R is not positive definite: {err}") from err


def mean_and_weights(r: np.ndarray, y: np.ndarray, likelihood: str) -> tuple[float, np.ndarray]:
    """The mean the likelihood defines (mu-hat for the concentrated form, mean(y) for the marginal
    one) and w = R^-1 (y - mu); ``r`` is overwritten by its factor."""
    factor = _factor(r)
    if likelihood == "concentrated":
        ones = np.ones_like(y)
        mean = float(ones @ cho_solve(factor, y) / (ones @ cho_solve(factor, ones)))
    else:
        mean = float(y.mean())
    return mean, cho_solve(factor, y - mean)


@dataclass
class GPRModel:
    """Training data, hyperparameters and the mean/weights that predictions use.

    Build one with :meth:`fit`, which computes mu and w from the likelihood's own definition
    (mu-hat for the concentrated form, mean(y) for the marginal one); models read from files
    keep the mean and weights written there.
    """

    x: np.ndarray
    y: np.ndarray
    theta: np.ndarray
    kernel: Kernel
    mean: float
    weights: np.ndarray
    likelihood: str = "concentrated"
    nugget: float = DEFAULT_NUGGET
    log_likelihood: float | None = None
    system: str = "SYSTEM"
    atom: str = "A1"
    property_name: str = "iqa"
    alf: tuple[int, ...] | None = None
    n_atoms: int | None = None
    feature_units: tuple[str, ...] | None = None
    target_unit: str = "Ha"
    notes: dict[str, str] = field(default_factory=dict)

    @classmethod
    def fit(cls, x, y, theta, kernel: Kernel, likelihood: str = "concentrated",
            nugget: float = DEFAULT_NUGGET, **metadata) -> "GPRModel":
        if likelihood not in LIKELIHOODS:
            raise ValueError(f"unknown likelihood {likelihood!r}")
        x = np.asarray(x, dtype=float)
        y = np.asarray(y, dtype=float)
        theta = np.asarray(theta, dtype=float)
        mean, weights = mean_and_weights(training_correlation(theta, kernel, x, nugget), y, likelihood)
        return cls(x=x, y=y, theta=theta, kernel=kernel, mean=mean, weights=weights,
                   likelihood=likelihood, nugget=nugget, **metadata)

    @property
    def n_train(self) -> int:
        return self.x.shape[0]

    @property
    def n_features(self) -> int:
        return self.x.shape[1]

    def predict(self, x, return_variance: bool = False):
        """Predictions at ``x`` (n, d); with ``return_variance`` also the GP predictive variance."""
        x = np.atleast_2d(np.asarray(x, dtype=float))
        if x.shape[1] != self.n_features:
            raise ValueError(f"model has {self.n_features} features, input has {x.shape[1]}")
        k_star = correlation(self.theta, self.kernel, x, self.x)
        prediction = self.mean + k_star @ self.weights
        if not return_variance:
            return prediction
        return prediction, self._variance(k_star)

    def predict_gradient(self, x) -> tuple[np.ndarray, np.ndarray]:
        """Predictions at ``x`` (n, d) and their derivatives in the test point's features (n, d):
        dQ/dx_h = -sum_j w_j k_j dD_h/dx_h (SPEC §9); a product kernel is one exponential, so the
        product rule reduces to this sum."""
        x = np.atleast_2d(np.asarray(x, dtype=float))
        if x.shape[1] != self.n_features:
            raise ValueError(f"model has {self.n_features} features, input has {x.shape[1]}")
        k_star = correlation(self.theta, self.kernel, x, self.x)
        gradient = -weighted_exponent_gradient(self.theta, self.kernel, x, self.x, k_star * self.weights)
        return self.mean + k_star @ self.weights, gradient

    @cached_property
    def _variance_terms(self):
        """Cholesky factor of R and sigma^2 as the likelihood defines it (1 for the marginal form),
        computed once: a force field asks for variances at every step of a trajectory."""
        factor = _factor(training_correlation(self.theta, self.kernel, self.x, self.nugget))
        residual = self.y - self.mean
        sigma2 = residual @ cho_solve(factor, residual) / self.n_train if self.likelihood == "concentrated" else 1.0
        return factor, float(sigma2)

    def _variance(self, k_star):
        """sigma^2 (1 - r^T R^-1 r)."""
        factor, sigma2 = self._variance_terms
        reduction = np.einsum("ij,ji->i", k_star, cho_solve(factor, k_star.T))
        return sigma2 * np.maximum(1.0 - reduction, 0.0)

    def leave_one_out_variance(self) -> np.ndarray:
        """Predictive variance at each training point from a model fitted without it (same
        hyperparameters): sigma^2 / [R^-1]_ii. What the model shows on points like its own data."""
        factor, sigma2 = self._variance_terms
        inverse_diagonal = np.diagonal(cho_solve(factor, np.eye(self.n_train)))
        return sigma2 / inverse_diagonal
