"""A molecule's dipole from its atoms' charges and dipoles: μ = Σ_A (q_A r_A + μ_A), origin at the
global origin (independent of it for a neutral molecule), in e·bohr."""

from __future__ import annotations

import numpy as np

from fflux_studio.chem.multipoles import MOMENTS
from fflux_studio.units import BOHR_PER_ANGSTROM

_DIPOLE = [MOMENTS.index(label) for label in ("q11c", "q11s", "q10")]


def dipole_vectors(moments) -> np.ndarray:
    """(μx, μy, μz) = (q11c, q11s, q10) of moments (..., 24) in MOMENTS order, or of rank-1 rows (..., 3)."""
    return np.asarray(moments, dtype=float)[..., _DIPOLE]


def molecular_dipole(positions, charges, dipoles) -> np.ndarray:
    """μ (F, 3) in e·bohr from ``positions`` (F, N, 3) Å, net charges q00 (F, N) and the atoms' global
    Cartesian dipoles (F, N, 3) in e·bohr (see :func:`dipole_vectors`)."""
    positions = np.asarray(positions, dtype=float) * BOHR_PER_ANGSTROM
    return np.einsum("fn,fnc->fc", np.asarray(charges, dtype=float), positions) + np.asarray(dipoles).sum(axis=1)
