"""Physical constants and unit conversions: the one place where units change."""

BOHR_PER_ANGSTROM = 1.0 / 0.529177210903
HARTREE_TO_KJMOL = 2625.4996394799


def to_display(values, unit: str):
    """Errors in Hartree are shown in kJ/mol (ICHOR's convention); other units pass unchanged."""
    if unit.lower() in ("ha", "hartree"):
        return values * HARTREE_TO_KJMOL, "kJ/mol"
    return values, unit
