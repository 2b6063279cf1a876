"""Moments into and out of the ALF: identity, round trip, invariants, rigid motion of a molecule
whose atoms carry point-charge clouds (so the moments are known in every frame without rotating)."""

import numpy as np
from scipy.spatial.transform import Rotation

from fflux_studio.chem.alf import choose_alf
from fflux_studio.chem.features import alf_rotation
from fflux_studio.chem.molecular_dipole import dipole_vectors, molecular_dipole
from fflux_studio.chem.multipoles import (MOMENTS, RANKS, atoms_to_global, moment_columns, rotate_moments,
                                          to_alf, to_global)
from fflux_studio.chem.solid_harmonics import evaluate
from fflux_studio.units import BOHR_PER_ANGSTROM

from .test_alf import METHANOL

RNG = np.random.default_rng(11)


def _moments_of(charges, offsets):
    """Q_lm (..., 24) of point charges (..., K) at ``offsets`` (..., K, 3) from the atom, by definition."""
    return np.concatenate([np.einsum("...k,...km->...m", charges, evaluate(rank, offsets)) for rank in RANKS], axis=-1)


def test_labels_are_ichors():
    assert MOMENTS[:8] == ("q10", "q11c", "q11s", "q20", "q21c", "q21s", "q22c", "q22s")
    assert MOMENTS[-1] == "q44s" and len(MOMENTS) == 24
    assert [MOMENTS[moment_columns(rank)][0] for rank in RANKS] == ["q10", "q20", "q30", "q40"]


def test_identity_frame_leaves_moments_as_they_are():
    moments = RNG.normal(size=(5, 24))
    assert np.max(np.abs(to_alf(moments, np.broadcast_to(np.eye(3), (5, 3, 3))) - moments)) < 1e-14


def test_global_to_alf_to_global_returns_the_input():
    moments = RNG.normal(size=(30, 24))
    rotation = Rotation.random(30, random_state=5).as_matrix()
    local = to_alf(moments, rotation)
    assert np.max(np.abs(to_global(local, rotation) - moments)) < 1e-12
    assert np.max(np.abs(local - moments)) > 0.1


def test_rank_invariant_is_kept_for_every_rank():
    moments = RNG.normal(size=(30, 24))
    local = to_alf(moments, Rotation.random(30, random_state=6).as_matrix())
    for rank in RANKS:
        columns = moment_columns(rank)
        assert np.allclose(np.sum(local[:, columns] ** 2, axis=1), np.sum(moments[:, columns] ** 2, axis=1),
                           rtol=1e-13)


def test_alf_moments_are_the_charge_cloud_seen_in_local_coordinates():
    positions = np.array(METHANOL[1])[None]
    alf = choose_alf(*METHANOL)[0]
    charges, offsets = RNG.normal(size=6), RNG.normal(scale=0.4, size=(6, 3))
    rotation = alf_rotation(positions, alf)
    local = to_alf(_moments_of(charges, offsets)[None], rotation)
    assert np.allclose(local[0], _moments_of(charges, offsets @ rotation[0].T), atol=1e-12)


def test_rigid_motion_changes_global_moments_and_keeps_alf_moments():
    symbols, positions = METHANOL
    positions = np.array(positions)
    frames = choose_alf(symbols, positions)
    n_frames, n_atoms = 8, len(symbols)
    rotations = Rotation.random(n_frames, random_state=8).as_matrix()
    moved = np.einsum("fij,nj->fni", rotations, positions) + RNG.normal(scale=5, size=(n_frames, 1, 3))
    charges = RNG.normal(size=(n_atoms, 5))
    offsets = RNG.normal(scale=0.4, size=(n_atoms, 5, 3))
    for atom, alf in enumerate(frames):
        still = _moments_of(charges[atom], offsets[atom])[None]
        turned = _moments_of(charges[atom], np.einsum("fij,kj->fki", rotations, offsets[atom]))
        assert np.min(np.abs(turned - still).max(axis=1)) > 1e-3
        reference = to_alf(still, alf_rotation(positions[None], alf))
        assert np.max(np.abs(to_alf(turned, alf_rotation(moved, alf)) - reference)) < 1e-12
        assert np.allclose(rotate_moments(still.repeat(n_frames, 0), rotations), turned, atol=1e-12)


def test_predicted_alf_moments_go_back_to_the_global_frame_and_give_the_molecular_dipole():
    symbols, positions = METHANOL
    positions = np.array(positions) + RNG.normal(scale=0.03, size=(4, len(symbols), 3))
    frames = choose_alf(symbols, positions[0])
    charges = RNG.normal(size=(len(symbols), 4))
    offsets = RNG.normal(scale=0.4, size=(len(symbols), 4, 3))
    global_moments = np.stack([_moments_of(charges[a], offsets[a])[None].repeat(4, 0) for a in range(len(symbols))], 1)
    local = np.stack([to_alf(global_moments[:, a], alf_rotation(positions, alf)) for a, alf in enumerate(frames)], 1)
    back = atoms_to_global(positions, frames, local)
    assert np.max(np.abs(back - global_moments)) < 1e-12
    net = np.broadcast_to(charges.sum(axis=1), (4, len(symbols)))
    # every point charge sits at atom position (bohr) + offset: the dipole is Σ q r over all of them
    sites = positions[:, :, None, :] * BOHR_PER_ANGSTROM + offsets[None]
    direct = np.einsum("ak,fakc->fc", charges, sites)
    assert np.allclose(molecular_dipole(positions, net, dipole_vectors(back)), direct, atol=1e-12)
    assert np.allclose(dipole_vectors(back)[:, 0], charges[0] @ offsets[0])
