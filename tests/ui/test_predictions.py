"""Test-set predictions as the Compare step shows them: GPRModel's own predictions in display
units, frames of the loaded data, and a worst-first ranking that numpy's argsort reproduces."""

from __future__ import annotations

import numpy as np

from fflux_studio.protocols import ProtocolSettings, run_protocol
from fflux_studio.ui.predictions import Predictions
from fflux_studio.units import HARTREE_TO_KJMOL


def fitted(seed=0):
    rng = np.random.default_rng(seed)
    x = rng.uniform(0, 2, size=(70, 3))
    y = np.sin(x[:, 0]) + 0.5 * np.cos(2 * x[:, 1]) + 0.1 * x[:, 2] - 97.0  # an atomic energy near -97 Ha
    model = run_protocol("dl", x[:50], y[:50], ProtocolSettings()).model()
    return model, x[50:], y[50:]


def test_values_are_the_models_predictions_in_kj_per_mol():
    model, x_test, y_test = fitted()
    frames = np.arange(100, 120)
    p = Predictions.of(model, x_test, y_test, "Ha", frames)
    assert p.unit == "kJ/mol"
    np.testing.assert_allclose(p.predicted, model.predict(x_test) * HARTREE_TO_KJMOL, rtol=1e-12)
    np.testing.assert_allclose(p.reference, y_test * HARTREE_TO_KJMOL, rtol=1e-12)
    np.testing.assert_allclose(p.errors, p.predicted - p.reference, atol=1e-6)
    np.testing.assert_array_equal(p.frames, frames + 1)


def test_the_worst_points_are_numpys_argsort_of_the_absolute_error():
    model, x_test, y_test = fitted(1)
    p = Predictions.of(model, x_test, y_test, "Ha", np.arange(20) * 3)
    errors = (model.predict(x_test) - y_test) * HARTREE_TO_KJMOL
    order = np.argsort(np.abs(errors))[::-1][:5]
    worst = p.worst(5)
    np.testing.assert_array_equal(worst["frame"], order * 3 + 1)
    np.testing.assert_allclose(worst["error"], errors[order], rtol=1e-9)
    np.testing.assert_allclose(worst["predicted"], model.predict(x_test)[order] * HARTREE_TO_KJMOL, rtol=1e-12)
    assert np.all(np.diff(np.abs(worst["error"])) <= 0)


def test_other_units_pass_unchanged_and_frames_default_to_test_positions():
    model, x_test, y_test = fitted(2)
    p = Predictions.of(model, x_test, y_test, "e")
    assert p.unit == "e"
    np.testing.assert_allclose(p.predicted, model.predict(x_test))
    np.testing.assert_array_equal(p.frames, np.arange(1, 21))
