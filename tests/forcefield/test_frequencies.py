"""Harmonic analysis against a diatomic's closed form and ASE's Vibrations on the same potential."""

import numpy as np
import pytest
from ase import Atoms
from ase.calculators.calculator import Calculator, all_changes
from ase.vibrations import Vibrations
from scipy.spatial.transform import Rotation

from fflux_studio.chem.elements import masses
from fflux_studio.forcefield.frequencies import harmonic_analysis, hessian_by_differences
from fflux_studio.units import ANGSTROM_PER_BOHR, BOHR_PER_ANGSTROM, HARTREE_TO_EV

WATER = np.array([[0.0, 0.0, 0.119], [0.0, 0.763, -0.477], [0.0, -0.763, -0.477]])
PAIRS = [(0, 1, 0.5), (0, 2, 0.5), (1, 2, 0.08)]  # springs, Ha/bohr²


def springs(positions, rest=WATER):
    """Energy (Ha) and gradient (Ha/bohr) of harmonic springs at their rest lengths in ``rest``."""
    p, r0 = positions * BOHR_PER_ANGSTROM, rest * BOHR_PER_ANGSTROM
    energy, gradient = 0.0, np.zeros_like(p)
    for i, j, k in PAIRS:
        d = p[i] - p[j]
        r = np.linalg.norm(d)
        stretch = r - np.linalg.norm(r0[i] - r0[j])
        energy += 0.5 * k * stretch**2
        gradient[i] += k * stretch * d / r
        gradient[j] -= k * stretch * d / r
    return energy, gradient


class Springs(Calculator):
    implemented_properties = ["energy", "forces"]

    def calculate(self, atoms=None, properties=("energy",), system_changes=all_changes):
        super().calculate(atoms, properties, system_changes)
        energy, gradient = springs(self.atoms.positions)
        self.results = {"energy": energy * HARTREE_TO_EV, "forces": -gradient * HARTREE_TO_EV / ANGSTROM_PER_BOHR}


def test_diatomic_has_one_mode_at_the_closed_form():
    k, positions = 0.37, np.array([[0.0, 0.0, 0.0], [0.74, 0.1, -0.2]])
    unit = (positions[1] - positions[0]) / np.linalg.norm(positions[1] - positions[0])
    block = k * np.outer(unit, unit)
    hessian = np.block([[block, -block], [-block, block]])
    m = masses(["H", "H"])
    harmonic = harmonic_analysis(hessian, positions, m)
    reduced = m[0] * m[1] / m.sum()
    assert harmonic.frequencies == pytest.approx([5140.487 * np.sqrt(k / reduced)], rel=1e-12)
    np.testing.assert_allclose(np.abs(harmonic.modes[0]), np.abs(np.array([unit, -unit])) / np.sqrt(2), atol=1e-12)


def test_water_springs_match_ase_vibrations(tmp_path):
    m = masses(["O", "H", "H"])
    hessian = hessian_by_differences(lambda p: springs(p)[1], WATER)
    harmonic = harmonic_analysis(hessian, WATER, m)
    atoms = Atoms("OH2", positions=WATER, calculator=Springs())
    vibrations = Vibrations(atoms, name=str(tmp_path / "vib"), delta=0.001, nfree=2)
    vibrations.run()
    ase_frequencies = np.sort(np.real(vibrations.get_frequencies()))[-3:]  # 6 rigid modes are ~0 there
    np.testing.assert_allclose(harmonic.frequencies, ase_frequencies, rtol=1e-4)
    assert harmonic.frequencies.shape == (3,) and harmonic.modes.shape == (3, 3, 3)


def test_rotated_and_displaced_copy_gives_the_same_frequencies_and_imaginary_modes_are_negative():
    m = masses(["O", "H", "H"])
    rotation = Rotation.random(random_state=7).as_matrix()
    moved = WATER @ rotation.T + 2.0
    first = harmonic_analysis(hessian_by_differences(lambda p: springs(p)[1], WATER), WATER, m)
    turn = np.kron(np.eye(3), rotation)
    second = harmonic_analysis(turn @ first.hessian @ turn.T, moved, m)
    np.testing.assert_allclose(first.frequencies, second.frequencies, rtol=1e-10)
    np.testing.assert_allclose(np.abs(second.modes), np.abs(first.modes @ rotation.T), atol=1e-8)
    negated = harmonic_analysis(-first.hessian, WATER, m)
    np.testing.assert_allclose(negated.frequencies, -first.frequencies[::-1], rtol=1e-9)
