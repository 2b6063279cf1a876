"""The NVE run: total energy as kinetic plus the force field's potential, a drift that shrinks as the
square of the time step (velocity Verlet is second order), reproducible velocities, cancellable."""

import numpy as np
import pytest
from ase import Atoms

from fflux_studio.forcefield import FFLUXCalculator
from fflux_studio.forcefield.dynamics import nve
from fflux_studio.forcefield.energy import evaluate
from fflux_studio.optimize.events import Cancelled
from fflux_studio.units import HARTREE_TO_EV


@pytest.fixture()
def molecule(ethanol, cyclic_models):
    def make():
        atoms = Atoms("CCOHHHHHH", positions=ethanol.geometries[700])
        atoms.calc = FFLUXCalculator(cyclic_models)
        return atoms
    return make


def test_total_energy_is_kinetic_plus_the_models_energy(molecule):
    atoms = molecule()
    run = nve(atoms, femtoseconds=20.0, timestep_fs=0.5)
    potential = evaluate(atoms.calc.model_set, atoms.positions).energy
    assert run.total_energies[-1] == pytest.approx(potential + atoms.get_kinetic_energy() / HARTREE_TO_EV, abs=1e-12)
    assert len(run.times_fs) == 41 and run.times_fs[-1] == pytest.approx(20.0)
    assert run.drift == pytest.approx(run.total_energies[-1] - run.total_energies[0])
    assert run.drift_per_ps == pytest.approx(np.polyfit(run.times_fs / 1000, run.total_energies, 1)[0])
    assert run.as_dict()["steps"] == 40


def test_the_energy_error_shrinks_as_the_square_of_the_step(molecule):
    coarse = nve(molecule(), femtoseconds=20.0, timestep_fs=0.5).max_deviation
    fine = nve(molecule(), femtoseconds=20.0, timestep_fs=0.25).max_deviation
    assert 2.5 < coarse / fine < 6.0


def test_same_seed_same_run_and_cancel_stops_it(molecule):
    first, second = nve(molecule(), femtoseconds=5.0), nve(molecule(), femtoseconds=5.0)
    np.testing.assert_array_equal(first.total_energies, second.total_energies)

    class Set:
        def is_set(self):
            return True

    with pytest.raises(Cancelled):
        nve(molecule(), femtoseconds=5.0, cancel=Set())
