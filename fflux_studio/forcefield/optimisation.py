"""Geometry optimisation on a force field with ASE's optimisers, to a criterion stated in Ha/bohr.

ASE stops when the largest per-atom force (the norm of each atom's force vector) is at most fmax;
the criterion here is the same, converted from Ha/bohr into ASE's eV/Å.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from ase.optimize import BFGS, LBFGS

from fflux_studio.optimize.events import check_cancel
from fflux_studio.units import ANGSTROM_PER_BOHR, HARTREE_TO_EV

OPTIMIZERS = {"bfgs": BFGS, "lbfgs": LBFGS}
DEFAULT_FMAX = 1e-4  # Ha/bohr
FORCE_TO_HA_BOHR = ANGSTROM_PER_BOHR / HARTREE_TO_EV


@dataclass
class Optimisation:
    """Final positions (Å), energy (Ha), whether the largest force reached ``fmax`` (Ha/bohr) within
    ``max_steps``, the steps taken, and per step the energy (Ha) and largest atomic force (Ha/bohr)."""

    positions: np.ndarray
    energy: float
    converged: bool
    steps: int
    fmax: float
    optimizer: str
    energies: list[float] = field(default_factory=list)
    max_forces: list[float] = field(default_factory=list)

    @property
    def max_force(self) -> float:
        return self.max_forces[-1]


def optimise(atoms, fmax: float = DEFAULT_FMAX, max_steps: int = 1000, optimizer: str = "bfgs",
             callback=None, cancel=None) -> Optimisation:
    """Optimise ``atoms`` (with a calculator attached) in place. ``callback(step, energy Ha, max
    force Ha/bohr)`` is called at every step (a live plot); ``cancel`` (``is_set()``) stops the run."""
    if optimizer not in OPTIMIZERS:
        raise ValueError(f"unknown optimizer {optimizer!r}; expected one of {', '.join(OPTIMIZERS)}")
    record = Optimisation(atoms.positions, 0.0, False, 0, fmax, optimizer)

    def observe():
        check_cancel(cancel)
        energy = atoms.get_potential_energy() / HARTREE_TO_EV
        largest = float(np.linalg.norm(atoms.get_forces(), axis=1).max()) * FORCE_TO_HA_BOHR
        record.energies.append(energy)
        record.max_forces.append(largest)
        if callback is not None:
            callback(len(record.energies) - 1, energy, largest)

    runner = OPTIMIZERS[optimizer](atoms, logfile=None)
    runner.attach(observe, interval=1)
    record.converged = bool(runner.run(fmax=fmax / FORCE_TO_HA_BOHR, steps=max_steps))
    record.steps = runner.get_number_of_steps()
    record.positions = atoms.positions.copy()
    record.energy = atoms.get_potential_energy() / HARTREE_TO_EV
    return record
