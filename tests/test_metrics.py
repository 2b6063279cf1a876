"""RMSE, MAE and S-curves against scikit-learn's metrics and a count of errors below each level."""

import numpy as np
import pytest
from sklearn.metrics import mean_absolute_error, mean_squared_error

from fflux_studio.metrics import mae, rmse, s_curve


def test_rmse_and_mae_match_scikit_learn():
    rng = np.random.default_rng(0)
    truth, predicted = rng.normal(size=50), rng.normal(size=50)
    errors = predicted - truth
    assert rmse(errors) == pytest.approx(np.sqrt(mean_squared_error(truth, predicted)), rel=1e-14)
    assert mae(errors) == pytest.approx(mean_absolute_error(truth, predicted), rel=1e-14)


def test_s_curve_gives_the_share_of_points_at_or_below_each_error():
    errors = np.random.default_rng(1).normal(size=37)
    absolute, percent = s_curve(errors)
    assert np.all(np.diff(absolute) >= 0)
    for level, share in zip(absolute, percent):
        assert share == pytest.approx(100.0 * np.mean(np.abs(errors) <= level))
