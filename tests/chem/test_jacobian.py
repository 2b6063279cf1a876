"""Analytic ALF Jacobian against central finite differences of the features, and the features
themselves against chem.features (a second route)."""

import numpy as np
import pytest

from fflux_studio.chem.alf import choose_alf
from fflux_studio.chem.features import atom_features
from fflux_studio.chem.jacobian import features_and_jacobian
from fflux_studio.units import BOHR_PER_ANGSTROM

from .test_alf import METHANOL

STEP = 1e-6  # Å


def _central_differences(positions, alfs):
    n = len(positions)
    columns = np.empty((len(alfs), 3 * n - 6 if n > 2 else 1, n, 3))
    for atom in range(n):
        for c in range(3):
            plus, minus = positions.copy(), positions.copy()
            plus[atom, c] += STEP
            minus[atom, c] -= STEP
            for m, alf in enumerate(alfs):
                difference = atom_features(plus[None], alf)[0] - atom_features(minus[None], alf)[0]
                difference[5::3] = np.mod(difference[5::3] + np.pi, 2 * np.pi) - np.pi  # φ across ±π
                columns[m, :, atom, c] = difference / (2 * STEP * BOHR_PER_ANGSTROM)
    return columns


def _methanol():
    symbols, positions = METHANOL
    rng = np.random.default_rng(3)
    return symbols, np.array(positions) + rng.normal(scale=0.05, size=(len(symbols), 3))


def test_features_agree_with_chem_features():
    symbols, positions = _methanol()
    alfs = choose_alf(symbols, positions)
    features, _ = features_and_jacobian(positions, alfs)
    for m, alf in enumerate(alfs):
        np.testing.assert_allclose(features[m], atom_features(positions[None], alf)[0], rtol=0, atol=1e-12)


@pytest.mark.parametrize("chosen", ["own rule", "other frames"])
def test_jacobian_equals_central_differences(chosen):
    symbols, positions = _methanol()
    n = len(symbols)
    # "other frames": x-axis and xy-plane atoms that are not bonded to the origin, as ICHOR's H3 of ammonia
    alfs = choose_alf(symbols, positions) if chosen == "own rule" else [(a, (a + 2) % n, (a + 5) % n) for a in range(n)]
    _, jacobian = features_and_jacobian(positions, alfs)
    reference = _central_differences(positions, alfs)
    np.testing.assert_allclose(jacobian, reference, rtol=0, atol=1e-7 * np.abs(reference).max())


@pytest.mark.parametrize("n_atoms", [2, 3])
def test_small_molecules(n_atoms):
    positions = np.array([[0.0, 0.0, 0.0], [0.96, 0.0, 0.0], [-0.24, 0.93, 0.05]])[:n_atoms]
    alfs = [(0, 1), (1, 0)] if n_atoms == 2 else [(0, 1, 2), (1, 0, 2), (2, 0, 1)]
    features, jacobian = features_and_jacobian(positions, alfs)
    assert features.shape == (n_atoms, 3 * n_atoms - 6 if n_atoms > 2 else 1)
    np.testing.assert_allclose(jacobian, _central_differences(positions, alfs), rtol=0, atol=1e-7)


def test_rigid_motions_do_not_change_the_features():
    """Each row of the Jacobian is orthogonal to translations and to infinitesimal rotations."""
    symbols, positions = _methanol()
    _, jacobian = features_and_jacobian(positions, choose_alf(symbols, positions))
    translation = np.einsum("mfnc->mfc", jacobian)
    np.testing.assert_allclose(translation, 0.0, atol=1e-12)
    for axis in np.eye(3):
        rotation = np.cross(axis, positions * BOHR_PER_ANGSTROM)
        np.testing.assert_allclose(np.einsum("mfnc,nc->mf", jacobian, rotation), 0.0, atol=1e-10)
