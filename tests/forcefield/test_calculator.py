"""FFLUXCalculator keeps ASE's contract: eV and Å, forces equal to ASE's own finite differences,
an NVE run that conserves energy, optimisation to a criterion in Ha/bohr."""

import numpy as np
import pytest
from ase import Atoms, units
from ase.calculators.fd import calculate_numerical_forces
from ase.md.verlet import VelocityVerlet

from fflux_studio.forcefield import FFLUXCalculator
from fflux_studio.forcefield.energy import evaluate
from fflux_studio.forcefield.optimisation import optimise
from fflux_studio.units import HARTREE_TO_EV


@pytest.fixture()
def atoms(ethanol, cyclic_models):
    molecule = Atoms("CCOHHHHHH", positions=ethanol.geometries[700])
    molecule.calc = FFLUXCalculator(cyclic_models)
    return molecule


def test_energy_in_ev_and_forces_match_ases_finite_differences(atoms):
    model_set = atoms.calc.model_set
    assert atoms.get_potential_energy() == pytest.approx(evaluate(model_set, atoms.positions).energy * HARTREE_TO_EV,
                                                         rel=1e-14)
    assert atoms.get_potential_energies().sum() == pytest.approx(atoms.get_potential_energy(), rel=1e-14)
    numeric = calculate_numerical_forces(atoms, eps=1e-4)
    assert np.abs(atoms.get_forces() - numeric).max() <= 1e-5 * np.abs(numeric).max()


def test_accepts_files_a_folder_or_a_list(cyclic_models):
    files = sorted(cyclic_models.glob("*.model"))
    assert FFLUXCalculator(files).model_set.symbols == FFLUXCalculator(str(cyclic_models)).model_set.symbols


def test_other_atoms_are_refused(cyclic_models):
    water = Atoms("OH2", positions=[[0, 0, 0], [0.96, 0, 0], [-0.24, 0.93, 0]], calculator=FFLUXCalculator(cyclic_models))
    with pytest.raises(ValueError, match=r"the atoms \(OHH\) are not those of the ETHANOL models"):
        water.get_potential_energy()


def test_short_nve_run_conserves_energy(atoms):
    start = atoms.get_total_energy()
    VelocityVerlet(atoms, timestep=0.25 * units.fs).run(40)
    assert abs(atoms.get_total_energy() - start) < 1e-3 * np.ptp(atoms.get_potential_energies())


def test_optimisation_reaches_the_criterion_and_records_each_step(atoms):
    steps = []
    result = optimise(atoms, fmax=1e-4, callback=lambda step, energy, force: steps.append((step, energy, force)))
    assert result.converged and result.max_force <= 1e-4
    gradient = evaluate(atoms.calc.model_set, result.positions).gradient
    assert np.linalg.norm(gradient, axis=1).max() == pytest.approx(result.max_force, rel=1e-9)
    assert [s[0] for s in steps] == list(range(result.steps + 1))
    assert result.energies[-1] == pytest.approx(result.energy) and result.energies[0] > result.energy
