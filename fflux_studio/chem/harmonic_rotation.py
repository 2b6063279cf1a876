"""A second, independent route to the rotation of real multipole moments: the (2l+1) × (2l+1)
matrix D with R_lm(C r) = Σ_m' D_mm' R_lm'(r), read off the solid harmonics at rotated points.

The harmonics come from scipy's associated Legendre functions (which carry the Condon–Shortley
phase) combined into Stone's real, Racah-normalised form, R_lmc = √2 (-1)^m Re R_lm and
R_lms = √2 (-1)^m Im R_lm with R_lm = √((l-m)!/(l+m)!) r^l P_l^m(cos θ) e^{imφ}; so nothing here
shares a formula with :mod:`fflux_studio.chem.solid_harmonics`, and a convention slip in either
shows up as a disagreement between the two.
"""

from __future__ import annotations

import math

import numpy as np
from scipy.special import lpmv

# Generic directions: with more points than components, least squares recovers D exactly.
_POINTS = np.random.default_rng(20240611).normal(size=(40, 3))


def real_solid_harmonics(rank: int, points) -> np.ndarray:
    """R_l0, R_l1c, R_l1s, …, R_llc, R_lls at ``points`` (..., 3): (..., 2l+1)."""
    points = np.asarray(points, dtype=float)
    r = np.linalg.norm(points, axis=-1)
    cos_theta = np.clip(points[..., 2] / np.where(r > 0, r, 1.0), -1.0, 1.0)
    phi = np.arctan2(points[..., 1], points[..., 0])
    columns = [r ** rank * lpmv(0, rank, cos_theta)]
    for m in range(1, rank + 1):
        scale = math.sqrt(2 * math.factorial(rank - m) / math.factorial(rank + m)) * (-1) ** m
        radial = scale * r ** rank * lpmv(m, rank, cos_theta)
        columns += [radial * np.cos(m * phi), radial * np.sin(m * phi)]
    return np.stack(columns, axis=-1)


def harmonic_rotation(rotation, rank: int) -> np.ndarray:
    """D (F, 2l+1, 2l+1) for the axes ``rotation`` (F, 3, 3): the same matrix as
    :func:`fflux_studio.chem.multipoles.cartesian_rotation`, by another road."""
    rotation = np.asarray(rotation, dtype=float)
    at_points = real_solid_harmonics(rank, _POINTS)
    at_rotated = real_solid_harmonics(rank, np.einsum("fia,ka->fki", rotation, _POINTS))
    return np.swapaxes(np.linalg.pinv(at_points) @ at_rotated, -1, -2)
