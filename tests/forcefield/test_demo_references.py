"""The GFN2-xTB references shipped beside the demos (scripts/make_demo_references.py): they describe
the demo molecules, and, where tblite is installed, they are GFN2-xTB minima with that energy."""

from functools import cache

import numpy as np
import pytest

from fflux_studio.chem.connectivity import bonded
from fflux_studio.demo import DEMO_DIR, demo_path, list_demos
from fflux_studio.forcefield.comparison import read_reference
from fflux_studio.io.xyz import read_frames
from fflux_studio.units import BOHR_PER_ANGSTROM

NAMES = list_demos()


@cache
def first_frame(name):
    frames = read_frames(demo_path(name))
    return frames.symbols, frames.positions[0]


@pytest.mark.parametrize("name", NAMES)
def test_reference_describes_the_demo_molecule(name):
    reference = read_reference(DEMO_DIR / f"{name}.reference.json")
    symbols, positions = first_frame(name)
    assert reference.symbols == symbols
    assert len(reference.frequencies) == 3 * len(reference.symbols) - 6
    assert reference.frequencies.min() > 0  # a minimum
    np.testing.assert_array_equal(bonded(reference.symbols, reference.minimum),
                                  bonded(symbols, positions))
    assert reference.settings["method"] == "GFN2-xTB" and reference.settings["fmax_ha_per_bohr"] <= 1e-5


@pytest.mark.parametrize("name", NAMES)
def test_reference_is_a_gfn2_minimum(name):
    interface = pytest.importorskip("tblite.interface", reason="tblite (the qm extra) checks the references")
    reference = read_reference(DEMO_DIR / f"{name}.reference.json")
    numbers = np.array([{"H": 1, "C": 6, "N": 7, "O": 8}[s] for s in reference.symbols])
    calculator = interface.Calculator("GFN2-xTB", numbers, reference.minimum * BOHR_PER_ANGSTROM)
    calculator.set("verbosity", 0)
    calculator.set("accuracy", reference.settings["scf_accuracy"])
    result = calculator.singlepoint()
    assert result.get("energy") == pytest.approx(reference.energy, abs=1e-6)  # SCF restarted or fresh
    assert np.linalg.norm(result.get("gradient"), axis=1).max() <= reference.settings["fmax_ha_per_bohr"]
