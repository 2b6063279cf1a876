"""A model set as a force field: energy, analytic forces, uncertainty, ASE calculator,
geometry optimisation, harmonic frequencies and comparison with a reference (SPEC §9)."""

from fflux_studio.forcefield.calculator import FFLUXCalculator
from fflux_studio.forcefield.model_set import ModelSet, load_model_set

__all__ = ["FFLUXCalculator", "ModelSet", "load_model_set"]
