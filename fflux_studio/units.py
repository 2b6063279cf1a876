"""Physical constants, property units and unit conversions: the one place where units live.

A property's unit is known for the names ICHOR, FEREBUS and FFLUX use (energies in Hartree, the
charge q00 in e, a multipole moment qlm in e*bohr^l); any other stays ``unknown``, which is what
ICHOR writes into a model file for it, so that no error of an unknown quantity is ever shown as if
it were an energy in kJ/mol.
"""

import re

BOHR_PER_ANGSTROM = 1.0 / 0.529177210903
HARTREE_TO_KJMOL = 2625.4996394799
UNKNOWN = "unknown"
# ICHOR drops a point whose AIMAll integration error |L| reaches this (SPEC §7).
MAX_INTEGRATION_ERROR = 1e-3

_NAMED = {"iqa": "Ha", "atomic_energy": "Ha", "energy": "Ha", "energies": "Ha", "charge": "e"}
_MOMENT = re.compile(r"^q(?P<rank>\d)(?P<m>\d)[cs]?$")
_HARTREE = ("ha", "hartree")


def default_unit(prop: str) -> str:
    """The unit ICHOR and FFLUX give ``prop`` when its file does not say (one word, as a .model
    file's ``units.y`` needs): Ha for energies, e for charges, e*bohr^l for a moment qlm, else ``unknown``."""
    if prop in _NAMED:
        return _NAMED[prop]
    match = _MOMENT.match(prop)
    if not match:
        return UNKNOWN
    rank = int(match["rank"])
    return "e" if rank == 0 else ("e*bohr" if rank == 1 else f"e*bohr^{rank}")


def to_display(values, unit: str):
    """Errors in Hartree are shown in kJ/mol (ICHOR's convention); other units pass unchanged."""
    if unit.lower() in _HARTREE:
        return values * HARTREE_TO_KJMOL, "kJ/mol"
    return values, unit

# SPEC §9: ASE's eV and Å, and harmonic wavenumbers from a mass-weighted Hessian in Ha/(bohr² u).
HARTREE_TO_EV = 27.211386245988
ANGSTROM_PER_BOHR = 0.529177210903
WAVENUMBER_PER_SQRT_HESSIAN = 5140.487
