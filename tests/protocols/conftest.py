"""Fixtures for protocol tests: a synthetic GP whose optimum an independent route finds (so TL and
DL are tested everywhere), small real training sets (where ../shared is present), one BLAS thread."""

from dataclasses import dataclass

import numpy as np
import pytest
from scipy.optimize import minimize
from sklearn.gaussian_process import GaussianProcessRegressor
from sklearn.gaussian_process.kernels import RBF
from threadpoolctl import threadpool_limits

from fflux_studio.gpr import Kernel
from fflux_studio.gpr.kernels import correlation
from fflux_studio.io.ferebus_csv import read_ferebus_csv

TRUE_THETA = np.array([1.5, 0.4, 0.05])
N_TRAIN, N_HELD_OUT = 160, 60
NUGGET = 1e-6
"""Smooth draws make R ill-conditioned at the default 1e-10, and scikit-learn's gradient then too
noisy for its optimiser to converge."""


@pytest.fixture(autouse=True)
def one_blas_thread():
    with threadpool_limits(1):
        yield


def training_set(shared_data, system: str, atom: str, kind: str = "TRAINING"):
    path = shared_data / "ferebus-paper-data" / "likelihood" / system / f"{system.upper()}_{atom}_{kind}_SET.csv"
    return read_ferebus_csv(path).xy(atom, "iqa")


@pytest.fixture
def ammonia(shared_data):
    """The first 200 ammonia N1 training points (6 features): real, and fast."""
    x, y = training_set(shared_data, "ammonia", "N1")
    return x[:200], y[:200]


def sklearn_gpr(x, y, theta, normalize_y=True, nugget=NUGGET) -> GaussianProcessRegressor:
    """scikit-learn's GPR with our RBF at ``theta`` (its length scale l = 1 / sqrt(2 theta)) and no
    optimiser of its own; ``normalize_y`` makes the mean of y its mean, as our marginal likelihood's."""
    kernel = RBF(1.0 / np.sqrt(2.0 * np.asarray(theta)))
    return GaussianProcessRegressor(kernel, alpha=nugget, optimizer=None, normalize_y=normalize_y).fit(x, y)


@dataclass
class Synthetic:
    """Training and held-out points drawn from one GP with known theta, and the optimum of the
    marginal ln L (nugget NUGGET) found by scikit-learn's likelihood and gradient under scipy's L-BFGS-B."""

    x: np.ndarray
    y: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray
    theta: np.ndarray
    log_likelihood: float


@pytest.fixture(scope="session")
def synthetic() -> Synthetic:
    rng = np.random.default_rng(0)
    n = N_TRAIN + N_HELD_OUT
    x = rng.uniform(0.0, 3.0, size=(n, len(TRUE_THETA)))
    r = correlation(TRUE_THETA, Kernel.named("rbf", len(TRUE_THETA)), x, x) + 1e-8 * np.eye(n)
    y = 2.0 + np.linalg.cholesky(r) @ rng.standard_normal(n)
    x_train, y_train = x[:N_TRAIN], y[:N_TRAIN]
    reference = sklearn_gpr(x_train, y_train - y_train.mean(), TRUE_THETA, normalize_y=False)

    def objective(log_length):
        value, gradient = reference.log_marginal_likelihood(log_length, eval_gradient=True)
        return -value, -gradient

    found = minimize(objective, -0.5 * np.log(2 * TRUE_THETA), jac=True, method="L-BFGS-B",
                     options={"ftol": 1e-12, "gtol": 1e-6})
    assert found.success, found.message
    return Synthetic(x_train, y_train, x[N_TRAIN:], y[N_TRAIN:], 0.5 * np.exp(-2 * found.x), -found.fun)
