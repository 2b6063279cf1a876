"""Physical constants and unit conversions: the one place where units change."""

import re

BOHR_PER_ANGSTROM = 1.0 / 0.529177210903
HARTREE_TO_KJMOL = 2625.4996394799

_MOMENT = re.compile(r"^q(?P<rank>\d)(?P<m>\d)[cs]?$")


def default_unit(prop: str) -> str:
    """The unit ICHOR and FFLUX give a property: Ha for energies, e for the charge q00, e*bohr^l for
    a multipole moment qlm (one word, as a .model file's ``units.y`` needs); "" when unknown."""
    if prop in ("iqa", "atomic_energy", "energy"):
        return "Ha"
    match = _MOMENT.match(prop)
    if not match:
        return ""
    rank = int(match["rank"])
    return "e" if rank == 0 else ("e*bohr" if rank == 1 else f"e*bohr^{rank}")


def to_display(values, unit: str):
    """Errors in Hartree are shown in kJ/mol (ICHOR's convention); other units pass unchanged."""
    if unit.lower() in ("ha", "hartree"):
        return values * HARTREE_TO_KJMOL, "kJ/mol"
    return values, unit

# SPEC §9: ASE's eV and Å, and harmonic wavenumbers from a mass-weighted Hessian in Ha/(bohr² u).
HARTREE_TO_EV = 27.211386245988
ANGSTROM_PER_BOHR = 0.529177210903
WAVENUMBER_PER_SQRT_HESSIAN = 5140.487
