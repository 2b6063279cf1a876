"""Atomic multipole moments Q_lm (l = 1…4) between the global frame and an atom's ALF (SPEC §8).

A moment's local components are its traceless Cartesian tensor with C (rows x̂, ŷ, ẑ of the ALF)
applied to every index, read back as real spherical components: for each rank this is one
orthogonal (2l+1) × (2l+1) matrix per frame, built here from Stone's solid harmonics. q00 needs
no rotation and is not among these moments. Back to the global frame is the same with Cᵀ.
"""

from __future__ import annotations

import numpy as np

from fflux_studio.chem.features import alf_rotation
from fflux_studio.chem.solid_harmonics import HARMONICS, coefficient_tensors

RANKS = (1, 2, 3, 4)
MOMENTS = tuple(label for rank in RANKS for label in HARMONICS[rank])
_COLUMNS = {rank: slice(rank * rank - 1, (rank + 1) ** 2 - 1) for rank in RANKS}


def moment_columns(rank: int) -> slice:
    """Where rank ``rank`` sits in a row of the 24 moments in :data:`MOMENTS` order."""
    return _COLUMNS[rank]


def cartesian_rotation(rotation, rank: int) -> np.ndarray:
    """D (F, 2l+1, 2l+1) with Q' = D Q for the moments of ``rank`` seen from axes ``rotation`` (F, 3, 3).

    Q is the tensor Θ = Σ_m (G⁻¹Q)_m T_m (T the solid harmonics' coefficient tensors, G = T·T): the
    traceless part of the charge distribution's rank-l moment. Q'_n = T_n · (C ⊗ … ⊗ C) Θ."""
    rotation = np.asarray(rotation, dtype=float)
    n, size = len(rotation), 3 ** rank
    tensors = coefficient_tensors(rank).reshape(2 * rank + 1, size)
    rotated = np.broadcast_to(tensors, (n,) + tensors.shape)
    for _ in range(rank):  # rotate the first index and move it last, once per index
        rotated = np.einsum("fia,fmar->fmri", rotation, rotated.reshape(n, 2 * rank + 1, 3, -1), optimize=True)
        rotated = rotated.reshape(n, 2 * rank + 1, size)
    return tensors @ np.swapaxes(rotated, 1, 2) @ np.linalg.inv(tensors @ tensors.T)


def rotate_rank(moments, rotation, rank: int) -> np.ndarray:
    """The moments of one ``rank`` (F, 2l+1), seen from the axes that are the rows of ``rotation`` (F, 3, 3)."""
    return np.einsum("fnm,fm->fn", cartesian_rotation(rotation, rank), np.asarray(moments, dtype=float))


def rotate_moments(moments, rotation) -> np.ndarray:
    """``moments`` (F, 24) in :data:`MOMENTS` order, seen from the axes that are the rows of ``rotation`` (F, 3, 3)."""
    moments = np.asarray(moments, dtype=float)
    out = np.empty_like(moments)
    for rank in RANKS:
        out[:, _COLUMNS[rank]] = rotate_rank(moments[:, _COLUMNS[rank]], rotation, rank)
    return out


def to_alf(global_moments, rotation) -> np.ndarray:
    """Global moments (F, 24) into the ALF whose C is ``rotation`` (F, 3, 3)."""
    return rotate_moments(global_moments, rotation)


def to_global(local_moments, rotation) -> np.ndarray:
    """ALF moments (F, 24) back into the global frame: the rotation by Cᵀ, as DL_FFLUX does."""
    return rotate_moments(local_moments, np.swapaxes(np.asarray(rotation, dtype=float), -1, -2))


def atoms_to_global(positions, alfs, local_moments) -> np.ndarray:
    """Every atom's predicted ALF moments (F, N, 24) in the global frame of ``positions`` (F, N, 3) Å,
    atom A's frame being the 0-based ``alfs[A]`` (as the features that predicted them)."""
    local_moments = np.asarray(local_moments, dtype=float)
    out = np.empty_like(local_moments)
    for atom, alf in enumerate(alfs):
        out[:, atom] = to_global(local_moments[:, atom], alf_rotation(positions, alf))
    return out
