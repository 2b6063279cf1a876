"""ALF choice: the checks of SPEC §2 and the reference data's ALFs, the fallbacks and the overrides."""

import numpy as np
import pytest

from fflux_studio.chem.alf import ALFError, choose_alf, parse_override, with_overrides
from fflux_studio.chem.connectivity import bonded
from fflux_studio.chem.elements import UnknownElement, canonical, covalent_radius, mass

WATER = (["O", "H", "H"], [[-0.03348733, -0.46689766, -0.00424905], [-0.50428226, 0.20263196, 0.56694849],
                           [0.53776959, 0.26426570, -0.56269944]])
METHANOL = (["C", "H", "O", "H", "H", "H"],
            [[-0.246, 0.260, 0.282], [-1.086, 0.984, -0.021], [0.796, -0.028, -0.621],
             [-0.722, -0.569, 0.869], [0.179, 0.933, 1.063], [0.644, -0.316, -1.556]])


def one_based(frames):
    return [tuple(i + 1 for i in frame) for frame in frames]


def test_water_frames_as_in_spec():
    assert one_based(choose_alf(*WATER)) == [(1, 2, 3), (2, 1, 3), (3, 1, 2)]


def test_methanol_frames_match_the_ferebus_reference():
    """ferebus-paper-data methanol/ferebus.toml: C1 alf=[1, 3, 2]; the rest follow SPEC §2 by hand."""
    assert one_based(choose_alf(*METHANOL)) == [(1, 3, 2), (2, 1, 3), (3, 1, 6), (4, 1, 3), (5, 1, 3), (6, 3, 1)]


def test_methanol_geometry_of_the_aimall_example(shared_data):
    lines = (shared_data / "ichor-examples/methanol_aimall_ints/methanol_ints_reference_geometry.gjf").read_text()
    atoms = [line.split() for line in lines.splitlines() if len(line.split()) == 4 and line.split()[0].isalpha()]
    symbols = [a[0] for a in atoms]
    assert symbols == ["C", "H", "O", "H", "H", "H"]
    assert one_based(choose_alf(symbols, np.array([a[1:] for a in atoms], dtype=float)))[0] == (1, 3, 2)


def test_tie_goes_to_the_lowest_index_and_priorities_look_deeper():
    # ethane-like C1 with C2 and three H's: x-axis C2 (heavier); xy-plane: three equal H's -> lowest index
    symbols = ["C", "C", "H", "H", "H", "H", "H", "H"]
    positions = [[0, 0, 0], [1.54, 0, 0], [-0.36, 1.0, 0], [-0.36, -0.5, 0.87], [-0.36, -0.5, -0.87],
                 [1.9, 1.0, 0], [1.9, -0.5, 0.87], [1.9, -0.5, -0.87]]
    assert one_based(choose_alf(symbols, positions))[0] == (1, 2, 3)
    # H-C-O vs H-C-C: the two carbons tie at level 0, the oxygen's neighbour wins at level 1
    symbols = ["C", "C", "C", "O", "H"]
    positions = [[0, 0, 0], [1.5, 0, 0], [-0.75, 1.3, 0], [-0.75, 2.7, 0], [2.0, 1.0, 0]]
    assert one_based(choose_alf(symbols, positions))[0] == (1, 3, 2)


def test_single_neighbour_takes_the_neighbours_of_its_neighbour():
    symbols, positions = METHANOL
    assert one_based(choose_alf(symbols, positions))[5] == (6, 3, 1)  # H6 -> O3 -> C1


def test_isolated_atom_takes_the_nearest_atom_and_its_neighbours():
    symbols = ["O", "H", "H", "Na"]
    positions = [[0, 0, 0], [0.96, 0, 0], [-0.24, 0.93, 0], [0, 0, 4.0]]
    assert one_based(choose_alf(symbols, positions))[3] == (4, 1, 2)


def test_diatomic_has_a_two_atom_frame():
    assert one_based(choose_alf(["H", "F"], [[0, 0, 0], [0.92, 0, 0]])) == [(1, 2), (2, 1)]


def test_one_atom_has_no_frame():
    with pytest.raises(ALFError):
        choose_alf(["He"], [[0, 0, 0]])


def test_overrides_by_name_and_index():
    frames = choose_alf(*WATER)
    names = ["O1", "H2", "H3"]
    assert one_based(with_overrides(frames, names, {"h2": (2, 3, 1), 3: [3, 2, 1]})) == [(1, 2, 3), (2, 3, 1), (3, 2, 1)]
    assert parse_override("C1:1,3,2 O3:3,1,6") == {"C1": (1, 3, 2), "O3": (3, 1, 6)}


@pytest.mark.parametrize("override,message", [
    ({"N1": (1, 2, 3)}, "unknown atom"), ({"O1": (1, 2)}, "3 distinct"), ({"O1": (1, 2, 2)}, "3 distinct"),
    ({"O1": (2, 1, 3)}, "start with its own index"), ({"O1": (1, 2, 9)}, "in 1..3"), ({"O1": "ab"}, "indices"),
])
def test_bad_overrides_say_why(override, message):
    with pytest.raises(ALFError, match=message):
        with_overrides(choose_alf(*WATER), ["O1", "H2", "H3"], override)


def test_elements_table():
    assert covalent_radius("h") == 0.37 and covalent_radius("C") == 0.77
    assert covalent_radius("Cl") > 0.9 and covalent_radius("U") > 1.5
    assert canonical("CL") == "Cl" and 15.99 < mass("O") < 16.0
    with pytest.raises(UnknownElement):
        mass("Xx")


def test_connectivity_uses_125_percent_of_the_radii():
    limit = 1.25 * (0.73 + 0.37)
    assert bonded(["O", "H"], [[0, 0, 0], [limit - 1e-6, 0, 0]])[0, 1]
    assert not bonded(["O", "H"], [[0, 0, 0], [limit + 1e-6, 0, 0]])[0, 1]
