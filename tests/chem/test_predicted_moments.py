"""A model set's ALF predictions back in the global frame, with 'models' that predict the moments of
point-charge clouds fixed in each atom's ALF: their global moments and the molecule's dipole are
then known directly from where the charges sit."""

import numpy as np
import pytest
from scipy.spatial.transform import Rotation

from fflux_studio.chem.alf import choose_alf
from fflux_studio.chem.features import alf_rotation
from fflux_studio.chem.multipoles import MOMENTS, RANKS, moment_columns
from fflux_studio.chem.predicted_moments import models_by_atom, predict_global_moments, predict_molecular_dipole
from fflux_studio.chem.solid_harmonics import evaluate
from fflux_studio.units import BOHR_PER_ANGSTROM

from .test_alf import METHANOL

RNG = np.random.default_rng(21)


class ConstantModel:
    """Stands in for a GPRModel: a 1-based ALF and a prediction that is the same for every geometry."""

    def __init__(self, atom, property_name, alf, value):
        self.atom, self.property_name, self.alf, self.value = atom, property_name, alf, value

    def predict(self, features):
        return np.full(len(features), self.value)


def _moments_of(charges, offsets):
    return np.concatenate([np.einsum("...k,...km->...m", charges, evaluate(rank, offsets)) for rank in RANKS], -1)


def _setup():
    symbols, positions = METHANOL
    frames = choose_alf(symbols, np.array(positions))
    rotations = Rotation.random(5, random_state=22).as_matrix()
    moved = np.einsum("fij,nj->fni", rotations, positions) + RNG.normal(scale=0.02, size=(5, len(symbols), 3))
    charges = RNG.normal(size=(len(symbols), 4))
    offsets = RNG.normal(scale=0.3, size=(len(symbols), 4, 3))  # bohr, in each atom's ALF
    models = {}
    for atom, alf in enumerate(frames):
        local = _moments_of(charges[atom], offsets[atom])
        one_based, name = tuple(i + 1 for i in alf), f"{symbols[atom]}{atom + 1}"
        models[name] = {"q00": ConstantModel(name, "q00", one_based, charges[atom].sum()),
                        **{label: ConstantModel(name, label, one_based, local[i]) for i, label in enumerate(MOMENTS)}}
    # where each charge sits in the global frame: C^T o for every frame
    sites = np.stack([offsets[a] @ alf_rotation(moved, alf) for a, alf in enumerate(frames)], axis=1)
    return moved, models, charges, sites


def test_predicted_moments_are_those_of_the_clouds_in_the_global_frame():
    positions, models, charges, sites = _setup()
    for rank in RANKS:
        expected = _moments_of(charges[None], sites)[..., moment_columns(rank)]
        assert np.max(np.abs(predict_global_moments(positions, models, rank) - expected)) < 1e-12


def test_molecular_dipole_is_the_sum_over_every_charge():
    positions, models, charges, sites = _setup()
    everywhere = positions[:, :, None, :] * BOHR_PER_ANGSTROM + sites
    expected = np.einsum("ak,fakc->fc", charges, everywhere)
    assert np.max(np.abs(predict_molecular_dipole(positions, models) - expected)) < 1e-12


def test_a_flat_list_of_models_is_sorted_by_atom_and_property():
    positions, models, _, _ = _setup()
    flat = [model for props in models.values() for model in props.values()][::-1]
    assert models_by_atom(flat) == models
    assert np.array_equal(predict_molecular_dipole(positions, models_by_atom(flat)),
                          predict_molecular_dipole(positions, models))


def test_a_missing_model_is_named():
    positions, models, _, _ = _setup()
    del models["O3"]["q11s"]
    with pytest.raises(KeyError, match="no q11s model for atom O3"):
        predict_molecular_dipole(positions, models)
