"""A short constant-energy (NVE) run with ASE's velocity Verlet on a force field: how well the total
energy is conserved tells whether the forces are the energy's true gradient and the time step fits."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from ase import units
from ase.md.velocitydistribution import MaxwellBoltzmannDistribution, Stationary, ZeroRotation
from ase.md.verlet import VelocityVerlet

from fflux_studio.optimize.events import check_cancel
from fflux_studio.units import HARTREE_TO_EV


@dataclass
class NVERun:
    """Times (fs), total energies (Ha) and temperatures (K) at every step, and the run's settings."""

    times_fs: np.ndarray
    total_energies: np.ndarray
    temperatures: np.ndarray
    timestep_fs: float
    temperature_k: float

    @property
    def drift(self) -> float:
        """Total energy at the end minus at the start (Ha)."""
        return float(self.total_energies[-1] - self.total_energies[0])

    @property
    def drift_per_ps(self) -> float:
        """Slope of a straight line through the total energy (Ha/ps): the drift without the wiggle."""
        return float(np.polyfit(self.times_fs / 1000.0, self.total_energies, 1)[0])

    @property
    def max_deviation(self) -> float:
        """Largest |E_total(t) − E_total(0)| (Ha)."""
        return float(np.abs(self.total_energies - self.total_energies[0]).max())

    def as_dict(self) -> dict:
        return {"femtoseconds": float(self.times_fs[-1]), "timestep_fs": self.timestep_fs,
                "temperature_k": self.temperature_k, "steps": len(self.times_fs) - 1, "drift_ha": self.drift,
                "drift_slope_ha_per_ps": self.drift_per_ps, "max_deviation_ha": self.max_deviation,
                "mean_temperature_k": float(self.temperatures.mean())}


def nve(atoms, femtoseconds: float = 200.0, timestep_fs: float = 0.5, temperature_k: float = 300.0,
        seed: int = 0, cancel=None) -> NVERun:
    """Velocity Verlet from ``atoms`` (calculator attached) with Maxwell-Boltzmann velocities at
    ``temperature_k`` (reproducible from ``seed``), no net momentum or rotation."""
    MaxwellBoltzmannDistribution(atoms, temperature_K=temperature_k, rng=np.random.default_rng(seed))
    Stationary(atoms)
    ZeroRotation(atoms)
    totals, temperatures = [], []

    def record():
        check_cancel(cancel)
        totals.append(atoms.get_total_energy() / HARTREE_TO_EV)
        temperatures.append(atoms.get_temperature())

    dynamics = VelocityVerlet(atoms, timestep=timestep_fs * units.fs)
    dynamics.attach(record, interval=1)
    dynamics.run(int(round(femtoseconds / timestep_fs)))
    times = np.arange(len(totals)) * timestep_fs
    return NVERun(times, np.array(totals), np.array(temperatures), timestep_fs, temperature_k)
