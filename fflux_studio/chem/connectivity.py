"""Which atoms are bonded: distance below 1.25 × the sum of covalent radii (SPEC §2, as ICHOR)."""

from __future__ import annotations

import numpy as np

from fflux_studio.chem.elements import radii

BOND_FACTOR = 1.25


def bonded(symbols, positions) -> np.ndarray:
    """Boolean (N, N) bond matrix of one geometry (Å), or (F, N, N) for a stack of F frames."""
    positions = np.asarray(positions, dtype=float)
    r = radii(symbols)
    cutoff = BOND_FACTOR * (r[:, None] + r[None, :])
    distances = np.linalg.norm(positions[..., :, None, :] - positions[..., None, :, :], axis=-1)
    bonds = distances < cutoff
    n = len(r)
    bonds[..., np.arange(n), np.arange(n)] = False
    return bonds


def neighbours(bonds: np.ndarray, atom: int) -> list[int]:
    """Bonded neighbours of ``atom`` (0-based), in index order."""
    return [int(j) for j in np.flatnonzero(bonds[atom])]
