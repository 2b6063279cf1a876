"""Errors, S-curves, learning curves and likelihood landscapes."""

import numpy as np
import pytest
from threadpoolctl import threadpool_limits

from fflux_studio.evaluation import landscape, learning_curve, most_influential
from fflux_studio.gpr import Kernel, Likelihood, NotPositiveDefinite
from fflux_studio.io.ferebus_csv import read_ferebus_csv
from fflux_studio.protocols import ProtocolSettings


@pytest.fixture(autouse=True)
def one_blas_thread():
    with threadpool_limits(1):
        yield


def ammonia(shared_data, kind):
    path = shared_data / "ferebus-paper-data" / "likelihood" / "ammonia" / f"AMMONIA_N1_{kind}_SET.csv"
    return read_ferebus_csv(path).xy("N1", "iqa")


@pytest.mark.parametrize("protocol", ["dl", "tl"])
def test_learning_curve_error_falls_with_training_size(shared_data, protocol):
    x, y = ammonia(shared_data, "TRAINING")
    x_test, y_test = ammonia(shared_data, "VALIDATION")
    points = learning_curve(protocol, x, y, x_test[:200], y_test[:200], [60, 150, 400],
                            ProtocolSettings(subset=0.3))
    assert [p.n for p in points] == [60, 150, 400]
    errors = [p.rmse for p in points]
    assert errors[0] > errors[1] > errors[2]
    assert all(p.mae <= p.rmse and p.seconds > 0 and np.isfinite(p.log_likelihood) for p in points)
    assert set(points[0].as_dict()) == {"n", "rmse", "mae", "seconds", "log_likelihood"}


def test_landscape_matches_direct_evaluation(shared_data):
    x, y = ammonia(shared_data, "TRAINING")
    likelihood = Likelihood(x[:100], y[:100], Kernel.named("rbf", 6))
    centre = np.array([1.0, 0.5, -1.7, 0.4, -1.2, -2.2])
    grid_i, grid_j = np.linspace(0.0, 2.0, 5), np.linspace(-0.5, 1.5, 3)
    values = landscape(likelihood, centre, 0, 1, grid_i, grid_j)
    assert values.shape == (5, 3)
    assert values[2, 1] == pytest.approx(likelihood(centre, gradient=False)[0], rel=1e-12)
    moved = centre.copy()
    moved[0], moved[1] = grid_i[4], grid_j[0]
    assert values[4, 0] == pytest.approx(likelihood(moved, gradient=False)[0], rel=1e-12)


def test_landscape_marks_failed_points_nan():
    class Wall:
        def __call__(self, log_theta, gradient=True):
            if log_theta[0] < 0:
                raise NotPositiveDefinite("wall")
            return -float(np.sum(log_theta**2)), None

    values = landscape(Wall(), np.zeros(3), 0, 2, [-1.0, 1.0], [0.0, 2.0])
    assert np.isnan(values[0]).all() and np.isfinite(values[1]).all()


def test_most_influential_weighs_theta_by_feature_spread():
    log_theta = np.log([1.0, 5.0, 2.0])
    assert most_influential(log_theta).tolist() == [1, 2]
    x = np.column_stack([np.linspace(0, 10, 20), np.linspace(0, 0.1, 20), np.linspace(0, 1, 20)])
    assert most_influential(log_theta, x).tolist() == [0, 2]
