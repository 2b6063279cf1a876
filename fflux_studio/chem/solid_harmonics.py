"""Stone's real regular solid harmonics R_lm (The Theory of Intermolecular Forces, Appendix E,
Table E.1), l = 1…4, as polynomials in x, y, z, and their symmetric Cartesian coefficient tensors.

An atom's moment Q_lm is ∫ ρ R_lm(r) d³r, so these polynomials fix the convention of every
moment: Racah normalisation, no Condon–Shortley phase (Q11c = μx, Q11s = μy, Q10 = μz), ICHOR's
labels ``q10 q11c q11s q20 … q44s``.
"""

from __future__ import annotations

import itertools
import math
from functools import cache

import numpy as np

_R3, _R5, _R15, _R35 = math.sqrt(3), math.sqrt(5), math.sqrt(15), math.sqrt(35)

HARMONICS = {
    1: {"q10": lambda x, y, z: z,
        "q11c": lambda x, y, z: x,
        "q11s": lambda x, y, z: y},
    2: {"q20": lambda x, y, z: 0.5 * (3 * z * z - (x * x + y * y + z * z)),
        "q21c": lambda x, y, z: _R3 * x * z,
        "q21s": lambda x, y, z: _R3 * y * z,
        "q22c": lambda x, y, z: 0.5 * _R3 * (x * x - y * y),
        "q22s": lambda x, y, z: _R3 * x * y},
    3: {"q30": lambda x, y, z: 0.5 * (5 * z ** 3 - 3 * z * (x * x + y * y + z * z)),
        "q31c": lambda x, y, z: math.sqrt(3 / 8) * x * (5 * z * z - (x * x + y * y + z * z)),
        "q31s": lambda x, y, z: math.sqrt(3 / 8) * y * (5 * z * z - (x * x + y * y + z * z)),
        "q32c": lambda x, y, z: 0.5 * _R15 * z * (x * x - y * y),
        "q32s": lambda x, y, z: _R15 * x * y * z,
        "q33c": lambda x, y, z: math.sqrt(5 / 8) * x * (x * x - 3 * y * y),
        "q33s": lambda x, y, z: math.sqrt(5 / 8) * y * (3 * x * x - y * y)},
    4: {"q40": lambda x, y, z: (35 * z ** 4 - 30 * z * z * (x * x + y * y + z * z)
                                + 3 * (x * x + y * y + z * z) ** 2) / 8,
        "q41c": lambda x, y, z: math.sqrt(5 / 8) * x * z * (7 * z * z - 3 * (x * x + y * y + z * z)),
        "q41s": lambda x, y, z: math.sqrt(5 / 8) * y * z * (7 * z * z - 3 * (x * x + y * y + z * z)),
        "q42c": lambda x, y, z: _R5 / 4 * (x * x - y * y) * (7 * z * z - (x * x + y * y + z * z)),
        "q42s": lambda x, y, z: _R5 / 2 * x * y * (7 * z * z - (x * x + y * y + z * z)),
        "q43c": lambda x, y, z: math.sqrt(35 / 8) * z * (x ** 3 - 3 * x * y * y),
        "q43s": lambda x, y, z: math.sqrt(35 / 8) * z * (3 * x * x * y - y ** 3),
        "q44c": lambda x, y, z: _R35 / 8 * (x ** 4 - 6 * x * x * y * y + y ** 4),
        "q44s": lambda x, y, z: _R35 / 2 * (x ** 3 * y - x * y ** 3)},
}


def evaluate(rank: int, points: np.ndarray) -> np.ndarray:
    """R_lm of ``rank`` at ``points`` (..., 3): (..., 2l+1) in ICHOR's order."""
    x, y, z = np.moveaxis(np.asarray(points, dtype=float), -1, 0)
    return np.stack([f(x, y, z) for f in HARMONICS[rank].values()], axis=-1)


@cache
def coefficient_tensors(rank: int) -> np.ndarray:
    """T (2l+1, 3, …, 3) with R_lm(r) = T_m · r⊗…⊗r, each T_m symmetric (and traceless, R being
    harmonic). Found by the polarisation identity, exact for a homogeneous polynomial of degree l:
    T(e_a1, …, e_al) = Σ_ε ε1…εl R(Σ εi e_ai) / (2^l l!)."""
    eye = np.eye(3)
    tensors = np.zeros((2 * rank + 1,) + (3,) * rank)
    signs = np.array(list(itertools.product((1.0, -1.0), repeat=rank)))
    for index in itertools.product(range(3), repeat=rank):
        points = signs @ eye[list(index)]
        values = evaluate(rank, points)
        tensors[(slice(None),) + index] = np.prod(signs, axis=1) @ values / (2 ** rank * math.factorial(rank))
    tensors.flags.writeable = False
    return tensors
