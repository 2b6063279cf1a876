"""Fixtures for optimiser tests: real FEREBUS likelihoods, a cheap synthetic one, one BLAS thread."""

import numpy as np
import pytest
from threadpoolctl import threadpool_limits

from fflux_studio.gpr import Kernel, Likelihood, NotPositiveDefinite
from fflux_studio.io.ferebus_csv import read_ferebus_csv


@pytest.fixture(autouse=True)
def one_blas_thread():
    """Tests share two cores with other jobs; threaded BLAS on small matrices only adds contention."""
    with threadpool_limits(1):
        yield


def ferebus_likelihood(shared_data, system: str, atom: str, rows=None) -> Likelihood:
    path = shared_data / "ferebus-paper-data" / "likelihood" / system / f"{system.upper()}_{atom}_TRAINING_SET.csv"
    x, y = read_ferebus_csv(path).xy(atom, "iqa")
    if rows is not None:
        x, y = x[rows], y[rows]
    return Likelihood(x, y, Kernel.named("rbf", x.shape[1]))


@pytest.fixture
def water(shared_data):
    return ferebus_likelihood(shared_data, "water", "O1")


@pytest.fixture
def ammonia(shared_data):
    return ferebus_likelihood(shared_data, "ammonia", "N1")


class Bowl:
    """-|log theta - centre|^2 with a wall (not positive definite) below ``wall`` in the first coordinate."""

    def __init__(self, centre, wall=-np.inf):
        self.centre, self.wall = np.asarray(centre, dtype=float), wall
        self.kernel = Kernel.named("rbf", len(self.centre))
        self.n_evaluations = 0
        self.failures = 0

    def __call__(self, log_theta, gradient=True):
        self.n_evaluations += 1
        log_theta = np.asarray(log_theta, dtype=float)
        if log_theta[0] < self.wall:
            self.failures += 1
            raise NotPositiveDefinite("wall")
        diff = log_theta - self.centre
        return -float(diff @ diff), (-2.0 * diff if gradient else None)


@pytest.fixture
def bowl():
    return Bowl([0.3, 1.2, -0.4])


class Valley(Bowl):
    """ln L = -Rosenbrock(log theta): a curved valley that L-BFGS-B follows for ~40 iterations to
    its optimum at (1, 1), where ln L = 0."""

    def __init__(self):
        super().__init__([1.0, 1.0])

    def __call__(self, log_theta, gradient=True):
        self.n_evaluations += 1
        a, b = np.asarray(log_theta, dtype=float)
        value = (1 - a) ** 2 + 100 * (b - a * a) ** 2
        slope = np.array([-2 * (1 - a) - 400 * a * (b - a * a), 200 * (b - a * a)])
        return -value, (-slope if gradient else None)
