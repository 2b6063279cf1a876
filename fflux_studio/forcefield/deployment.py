"""A model set put to work at one start geometry: optimise, read the domain warnings, optionally the
harmonic frequencies, all as the JSON document of ``fflux-studio optimize --json``. The CLI and the
Studio's Deploy step both call this, so their documents have the same fields and numbers."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from ase import Atoms
from ase.io import write

from fflux_studio.forcefield.calculator import FFLUXCalculator
from fflux_studio.forcefield.energy import evaluate
from fflux_studio.forcefield.frequencies import Harmonic, harmonic_analysis, hessian_by_differences
from fflux_studio.forcefield.optimisation import DEFAULT_FMAX, Optimisation, optimise
from fflux_studio.optimize.events import check_cancel


@dataclass
class Deployment:
    """The optimisation, the frequencies (None when not asked for) and the JSON document."""

    optimisation: Optimisation
    harmonic: Harmonic | None
    document: dict


def frequencies_at(calculator: FFLUXCalculator, positions, masses, cancel=None) -> Harmonic:
    """Harmonic analysis at ``positions`` (Å) from the Hessian of the analytic gradients."""

    def gradient(moved):
        check_cancel(cancel)
        return evaluate(calculator.model_set, moved).gradient

    return harmonic_analysis(hessian_by_differences(gradient, positions), positions, masses)


def deploy(calculator: FFLUXCalculator, start, *, fmax: float = DEFAULT_FMAX, max_steps: int = 1000,
           optimizer: str = "bfgs", frequencies: bool = False, about_start: dict | None = None,
           callback=None, cancel=None) -> Deployment:
    """Optimise from ``start`` (Å, the models' atom order); ``callback(step, energy Ha, max force
    Ha/bohr)`` sees every step; ``cancel`` stops the run (optimiser steps and Hessian columns)."""
    model_set = calculator.model_set
    atoms = Atoms(model_set.symbols, positions=start)
    atoms.calc = calculator
    result = optimise(atoms, fmax=fmax, max_steps=max_steps, optimizer=optimizer, callback=callback, cancel=cancel)
    domain = calculator.domain(atoms)
    warnings = list(domain.warnings)
    if not result.converged:
        warnings.insert(0, f"not converged: largest force {result.max_force:.3g} Ha/bohr after {result.steps} steps "
                           f"(criterion {fmax:g})")
    document = {"system": model_set.system, "property": model_set.property_name,
                "models": [str(p) for p in model_set.paths], "start": about_start or {},
                "optimizer": optimizer, "fmax": fmax, "energy": result.energy,
                "converged": result.converged, "steps": result.steps, "max_force": result.max_force,
                "symbols": model_set.symbols, "geometry": result.positions.tolist(),
                "energy_std": domain.energy_std, "atomic_std": domain.atomic_std.tolist()}
    harmonic = None
    if frequencies:
        harmonic = frequencies_at(calculator, result.positions, atoms.get_masses(), cancel)
        document.update(frequencies_cm1=harmonic.frequencies.tolist(), normal_modes=harmonic.modes.tolist())
    document["warnings"] = warnings
    return Deployment(result, harmonic, document)


def write_minimum(target, system: str, symbols, result: Optimisation, format: str | None = None) -> None:
    """The optimised geometry into ``target`` (a path or a text stream). A plain xyz carries the
    energy in its comment line; other formats (ASE's choice from the name) carry it in their info."""
    atoms = Atoms(symbols, positions=result.positions)
    if format is None and str(target).lower().endswith(".xyz"):
        format = "xyz"
    if format == "xyz":
        write(target, atoms, format="xyz", comment=f"{system} optimised on FFLUX models: E = {result.energy!r} Ha")
    else:
        atoms.info.update(system=system, energy_hartree=result.energy, converged=result.converged)
        write(target, atoms, format=format)
