"""Whether a model fits the loaded data, said in words when it does not, and which frames are its own."""

import dataclasses

import numpy as np
import pytest

from fflux_studio.demo import load_demo
from fflux_studio.gpr import GPRModel, Kernel
from fflux_studio.model_on_data import match_model, training_frames


@pytest.fixture(scope="module")
def demo():
    return load_demo("ethanol")


@pytest.fixture(scope="module")
def oxygen(demo):
    """A model of the demo's O3 energy fitted on frames 0..39 (θ fixed: no search needed here)."""
    x, y = demo.xy("O3", "atomic_energy")
    return GPRModel.fit(x[:40], y[:40], np.full(21, 0.05), Kernel.named("rbf-cyclic", 21), nugget=1e-8,
                        **demo.model_metadata("O3", "atomic_energy"))


def test_a_model_of_the_loaded_atom_and_property_fits(demo, oxygen):
    match = match_model(oxygen, demo, "ethanol demo")
    assert match.ok and (match.atom, match.prop) == ("O3", "atomic_energy") and match.note == ""
    lower = dataclasses.replace(oxygen, atom="o3", system="ETHANOL_MD")
    match = match_model(lower, demo)
    assert match.ok and match.atom == "O3"
    assert match.note == "the model was trained on system ETHANOL_MD, the loaded data are ethanol"


@pytest.mark.parametrize("change, problem", [
    ({"atom": "N1"}, "atom N1 is not in the loaded ethanol demo (atoms: C1, C2, O3, H4, H5, H6, H7, H8, H9)"),
    ({"property_name": "iqa"}, "the loaded ethanol demo has no property iqa for O3 (its properties: atomic_energy, "
                               "charge)"),
    ({"alf": (3, 1, 4)}, "the model's local frame of O3 is ALF 3 1 4, that of the loaded ethanol demo O3 is ALF 3 2 4: "
                         "the same features mean other atoms"),
    ({"target_unit": "kJ/mol"}, "the model's atomic_energy is in kJ/mol, that of the loaded ethanol demo in Ha"),
])
def test_what_does_not_fit_is_said(demo, oxygen, change, problem):
    match = match_model(dataclasses.replace(oxygen, **change), demo, "ethanol demo")
    assert not match.ok and match.problem == problem and match.atom is None


def test_a_feature_count_that_differs_is_said(demo, oxygen):
    narrow = GPRModel.fit(oxygen.x[:, :12], oxygen.y, np.full(12, 0.05), Kernel.named("rbf", 12),
                          nugget=1e-8, atom="O3", property_name="atomic_energy", alf=(3, 2, 4))
    problem = match_model(narrow, demo, "ethanol demo").problem
    assert problem == "the model has 12 features, the loaded ethanol demo O3 has 21"


def test_the_models_own_training_points_are_found(demo, oxygen):
    x, _ = demo.xy("O3", "atomic_energy")
    own = training_frames(oxygen, x[30:60])
    np.testing.assert_array_equal(own, np.arange(30, 60) < 40)
    moved = x[:5] + 1e-3  # a thousandth of a bohr away is another point
    assert not training_frames(oxygen, moved).any()
