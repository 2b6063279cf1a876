"""Units: the Hartree → kJ/mol factor from CODATA (scipy), and unknown units staying unknown."""

import numpy as np
from scipy import constants

from fflux_studio.units import BOHR_PER_ANGSTROM, HARTREE_TO_KJMOL, UNKNOWN, default_unit, to_display


def test_constants_agree_with_codata():
    hartree_kj_per_mol = constants.physical_constants["Hartree energy"][0] * constants.Avogadro / 1000
    assert np.isclose(HARTREE_TO_KJMOL, hartree_kj_per_mol, rtol=1e-9)
    assert np.isclose(BOHR_PER_ANGSTROM, constants.angstrom / constants.physical_constants["Bohr radius"][0],
                      rtol=1e-9)


def test_only_hartree_is_shown_in_kj_per_mol():
    errors = np.array([1e-3, -2e-3])
    shown, unit = to_display(errors, "Ha")
    assert unit == "kJ/mol" and np.allclose(shown / errors, HARTREE_TO_KJMOL)
    for other in ("e", UNKNOWN, "kJ/mol"):
        shown, unit = to_display(errors, other)
        assert unit == other and np.array_equal(shown, errors)


def test_unknown_properties_have_an_unknown_unit():
    assert default_unit("iqa") == "Ha" and default_unit("q00") == "e" and default_unit("q21c") == "e*bohr^2"
    assert default_unit("stiffness") == UNKNOWN == "unknown"
