"""Harmonic frequencies and normal modes (SPEC §9): the Hessian by central differences of analytic
gradients, mass-weighted, diagonalised in the space orthogonal to the rigid translations and
rotations, wavenumbers in cm⁻¹ with imaginary modes as negative numbers.

Working in that orthogonal space (rather than projecting and dropping six small eigenvalues)
gives exactly 3N−6 modes (3N−5 for a linear molecule), however soft the softest vibration is.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from fflux_studio.units import BOHR_PER_ANGSTROM, WAVENUMBER_PER_SQRT_HESSIAN

DEFAULT_STEP = 0.005  # bohr: displacement of the central differences
_RANK_TOLERANCE = 1e-6


@dataclass
class Harmonic:
    """Wavenumbers (cm⁻¹, ascending; imaginary ones negative), normal modes (n_modes, N, 3) as
    Cartesian displacements of unit norm, and the Hessian (3N, 3N) in Ha/bohr²."""

    frequencies: np.ndarray
    modes: np.ndarray
    hessian: np.ndarray


def hessian_by_differences(gradient, positions, step: float = DEFAULT_STEP) -> np.ndarray:
    """(3N, 3N) Hessian in Ha/bohr² from ``gradient(positions Å) -> (N, 3) Ha/bohr``, by central
    differences with a displacement of ``step`` bohr, symmetrised."""
    positions = np.asarray(positions, dtype=float)
    n = positions.size
    hessian = np.empty((n, n))
    shift = step / BOHR_PER_ANGSTROM
    for k in range(n):
        plus, minus = positions.copy().reshape(-1), positions.copy().reshape(-1)
        plus[k] += shift
        minus[k] -= shift
        difference = gradient(plus.reshape(positions.shape)) - gradient(minus.reshape(positions.shape))
        hessian[:, k] = difference.reshape(-1) / (2.0 * step)
    return 0.5 * (hessian + hessian.T)


def _internal_basis(positions: np.ndarray, masses: np.ndarray) -> np.ndarray:
    """Orthonormal basis (3N, 3N − 6 or 3N − 5) of mass-weighted displacements orthogonal to the
    rigid translations and rotations."""
    root = np.sqrt(masses)
    centred = positions - (masses @ positions) / masses.sum()
    rigid = []
    for axis in np.eye(3):
        rigid.append((root[:, None] * axis).reshape(-1))
        rigid.append((root[:, None] * np.cross(axis, centred)).reshape(-1))
    left, singular, _ = np.linalg.svd(np.array(rigid).T, full_matrices=True)
    rank = int(np.sum(singular > _RANK_TOLERANCE * singular.max()))
    return left[:, rank:]


def harmonic_analysis(hessian, positions, masses) -> Harmonic:
    """Frequencies and modes from a Hessian (Ha/bohr²) at ``positions`` (Å), ``masses`` in u."""
    positions = np.asarray(positions, dtype=float)
    masses = np.asarray(masses, dtype=float)
    weights = 1.0 / np.sqrt(np.repeat(masses, 3))
    weighted = hessian * weights[:, None] * weights[None, :]
    basis = _internal_basis(positions, masses)
    eigenvalues, vectors = np.linalg.eigh(basis.T @ weighted @ basis)
    frequencies = WAVENUMBER_PER_SQRT_HESSIAN * np.sign(eigenvalues) * np.sqrt(np.abs(eigenvalues))
    cartesian = (basis @ vectors) * weights[:, None]
    cartesian /= np.linalg.norm(cartesian, axis=0)
    return Harmonic(frequencies, cartesian.T.reshape(-1, len(masses), 3), hessian)
