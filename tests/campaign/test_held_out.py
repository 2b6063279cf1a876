"""Held-out predictions read back from a campaign's files, and the molecule's total energy error."""

import numpy as np
import pytest

from fflux_studio.campaign import InProcessExecutor, run_campaign
from fflux_studio.campaign.held_out import predict_held_out, summed_energy_property, total_energy_errors
from fflux_studio.io.model_file import read_model


def test_the_energy_property_is_the_one_that_sums_to_the_molecules_energy():
    assert summed_energy_property(["charge", "atomic_energy"]) == "atomic_energy"
    assert summed_energy_property(["q00", "iqa"]) == "iqa"
    assert summed_energy_property(["charge"]) is None


def test_predictions_are_those_of_the_written_model(plan, tmp_path):
    task, = plan(["C1"], ["atomic_energy"])
    run_campaign([task], tmp_path, InProcessExecutor())
    model = read_model(tmp_path / task.file_name)
    np.testing.assert_array_equal(predict_held_out(task, tmp_path), model.predict(task.x_test))


def test_the_total_error_is_the_sum_of_predictions_minus_the_sum_of_references():
    predictions = {"C1": np.array([1.0, 2.0]), "H2": np.array([0.5, -1.0])}
    references = {"C1": np.array([0.9, 2.5]), "H2": np.array([0.25, -1.0])}
    np.testing.assert_allclose(total_energy_errors(predictions, references), [0.35, -0.5])
    with pytest.raises(ValueError, match="differ"):
        total_energy_errors({"C1": predictions["C1"]}, references)
