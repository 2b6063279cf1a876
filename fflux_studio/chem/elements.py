"""Element data for connectivity and ALF priorities: symbols, masses and covalent radii.

A full periodic table comes from ASE (IUPAC standard atomic weights; covalent radii of Cordero
et al. 2008). H, C, N and O take the radii of SPEC §2 (those of ICHOR), because bonds between
them decide almost every ALF that FFLUX models.
"""

from __future__ import annotations

import numpy as np
from ase.data import atomic_masses, chemical_symbols, covalent_radii

_SPEC_RADII = {"H": 0.37, "C": 0.77, "N": 0.75, "O": 0.73}
_NUMBER = {symbol.lower(): z for z, symbol in enumerate(chemical_symbols) if z > 0}


class UnknownElement(ValueError):
    """A symbol that is not a chemical element."""


def atomic_number(symbol: str) -> int:
    """The atomic number of ``symbol``, read case-insensitively (``CL``, ``cl``, ``Cl``)."""
    number = _NUMBER.get(str(symbol).strip().lower())
    if number is None:
        raise UnknownElement(f"unknown element {str(symbol)[:20]!r}")
    return number


def canonical(symbol: str) -> str:
    """``symbol`` spelled as in the periodic table."""
    return chemical_symbols[atomic_number(symbol)]


def mass(symbol: str) -> float:
    """Standard atomic weight (u)."""
    return float(atomic_masses[atomic_number(symbol)])


def covalent_radius(symbol: str) -> float:
    """Covalent radius (Å) used for bonding."""
    symbol = canonical(symbol)
    return _SPEC_RADII.get(symbol, float(covalent_radii[atomic_number(symbol)]))


def masses(symbols) -> np.ndarray:
    return np.array([mass(s) for s in symbols])


def radii(symbols) -> np.ndarray:
    return np.array([covalent_radius(s) for s in symbols])
