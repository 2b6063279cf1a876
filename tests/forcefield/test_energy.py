"""E(R) = Σ_A E_A and its analytic gradient against fourth-order central differences of the energy (SPEC §9)."""

import numpy as np
import pytest
from ase.build import molecule
from scipy.spatial.transform import Rotation

from fflux_studio.chem.features import atom_features
from fflux_studio.forcefield.energy import atomic_variances, evaluate, numerical_gradient
from fflux_studio.forcefield.model_set import load_model_set


def assert_gradient_matches(model_set, positions):
    analytic = evaluate(model_set, positions).gradient
    numeric = numerical_gradient(model_set, positions)
    assert np.abs(analytic - numeric).max() <= 1e-6 * np.abs(numeric).max()


def test_forces_equal_central_differences_on_the_demo(ethanol, ethanol_models):
    model_set = load_model_set([ethanol_models])
    for frame in (100, 900):  # not training frames
        assert_gradient_matches(model_set, ethanol.geometries[frame])


def test_forces_equal_central_differences_on_ichor_ammonia(ammonia_models):
    model_set = load_model_set(ammonia_models)
    assert model_set.alfs.tolist() == [[0, 1, 2], [1, 0, 2], [2, 1, 3], [3, 1, 2]]
    assert model_set.models[0].kernel.kinds == ("rbf",) * 5 + ("periodic",)
    rng = np.random.default_rng(0)
    for _ in range(3):
        assert_gradient_matches(model_set, molecule("NH3").positions + rng.normal(scale=0.05, size=(4, 3)))


def test_energy_is_the_sum_of_the_models_predictions(ethanol, ethanol_models):
    model_set = load_model_set([ethanol_models])
    positions = ethanol.geometries[500]
    result = evaluate(model_set, positions)
    each = [model.predict(atom_features(positions[None], alf))[0] for model, alf in zip(model_set.models, model_set.alfs)]
    np.testing.assert_allclose(result.atomic_energies, each, rtol=0, atol=1e-12)
    assert result.energy == pytest.approx(sum(each), abs=1e-10)


def test_rigid_motion_leaves_energy_and_rotates_forces(ethanol, ethanol_models):
    model_set = load_model_set([ethanol_models])
    positions = ethanol.geometries[300]
    rotation = Rotation.random(random_state=4).as_matrix()
    moved = positions @ rotation.T + np.array([3.0, -1.0, 7.0])
    before, after = evaluate(model_set, positions), evaluate(model_set, moved)
    assert after.energy == pytest.approx(before.energy, abs=1e-10)
    np.testing.assert_allclose(after.gradient, before.gradient @ rotation.T, atol=1e-9)
    np.testing.assert_allclose(before.gradient.sum(axis=0), 0.0, atol=1e-10)  # no net force


def test_variances_vanish_on_training_geometries_and_grow_away(ethanol, ethanol_models):
    model_set = load_model_set([ethanol_models])
    trained = atomic_variances(model_set, ethanol.geometries[0])
    stretched = ethanol.geometries[0].copy()
    stretched[2] += 0.8 * (stretched[2] - stretched[1])  # pull O3 away from C2
    assert trained.max() < 1e-6 * atomic_variances(model_set, stretched).max()


def test_wrong_shape_is_refused(ethanol_models):
    with pytest.raises(ValueError, match="9 atoms"):
        evaluate(load_model_set([ethanol_models]), np.zeros((4, 3)))
