"""The Data step's molecule drawing: the geometry's bonds, atoms, ring and ALF labels in the figure's
sources, labels on each atom's free side."""

import numpy as np
import pytest
from ase.build import molecule as ase_molecule

from fflux_studio.chem.connectivity import bonded
from fflux_studio.ui.molecule_figure import (GAP, SIZES, MoleculeFigure, flatten, label_directions, label_offsets,
                                            view_coordinates)

WATER = ("O", "H", "H"), np.array([[0.0, 0.0, 0.0], [0.96, 0.0, 0.0], [-0.24, 0.93, 0.0]])


def pairwise(points):
    return np.linalg.norm(points[:, None] - points[None], axis=2)


def test_a_planar_molecule_is_drawn_at_its_true_distances():
    atoms = ase_molecule("C6H6")
    atoms.rotate(35, "x")
    atoms.rotate(50, "y")
    xyz = atoms.positions
    np.testing.assert_allclose(pairwise(flatten(xyz)), pairwise(xyz), atol=1e-9)


def test_the_figure_holds_the_bonds_the_ring_and_the_alf_roles():
    elements, xyz = WATER
    bonds = np.array([[0, 1, 1], [1, 0, 0], [1, 0, 0]], dtype=bool)
    drawing = MoleculeFigure()
    drawing.show(elements, xyz, bonds, atom=1, alf=(2, 1, 3))
    assert len(drawing.bonds.data["x0"]) == 2
    assert drawing.labels.data["text"] == ["O1 (x-axis)", "H2 (origin)", "H3 (xy-plane)"]
    flat = flatten(xyz)
    np.testing.assert_allclose([drawing.ring.data["x"][0], drawing.ring.data["y"][0]], flat[1])
    drawing.show(elements, xyz, bonds)
    assert len(drawing.ring.data["x"]) == 0, "no atom chosen, no ring"
    assert drawing.labels.data["text"] == ["O1", "H2", "H3"]


def test_labels_point_away_from_the_bonds():
    elements, xyz = WATER
    flat = flatten(xyz)
    bonds = np.array([[0, 1, 1], [1, 0, 0], [1, 0, 0]], dtype=bool)
    directions = label_directions(flat, bonds)
    np.testing.assert_allclose(np.linalg.norm(directions, axis=1), 1.0)
    bisector = (flat[1] - flat[0]) / np.linalg.norm(flat[1] - flat[0]) + (flat[2] - flat[0]) / np.linalg.norm(
        flat[2] - flat[0])
    np.testing.assert_allclose(directions[0], -bisector / np.linalg.norm(bisector), atol=1e-12)
    for h in (1, 2):
        np.testing.assert_allclose(directions[h], (flat[h] - flat[0]) / np.linalg.norm(flat[h] - flat[0]), atol=1e-12)


def test_no_two_labels_of_ethanol_share_a_place():
    atoms = ase_molecule("CH3CH2OH")
    elements = atoms.get_chemical_symbols()
    flat = flatten(atoms.positions)
    bonds = bonded(elements, atoms.positions)
    drawing = MoleculeFigure()
    drawing.show(elements, atoms.positions, bonds)
    scale = 100  # pixels per Å, roughly the page's
    placed = flat * scale + np.column_stack([drawing.labels.data["dx"], -np.asarray(drawing.labels.data["dy"])])
    distances = pairwise(placed)[np.triu_indices(len(elements), 1)]
    assert distances.min() > 10, "label centres at least 10 px apart"


def test_labels_start_outside_their_marker_and_read_away_from_it():
    directions = np.array([[1.0, 0.0], [0.0, 1.0], [-1.0, 0.0]])
    offsets = label_offsets(directions, [16, 26, 26], ringed=2)
    assert offsets["align"] == ["left", "center", "right"]
    assert offsets["baseline"] == ["middle", "bottom", "middle"]
    np.testing.assert_allclose(offsets["dx"], [8 + GAP, 0.0, -(SIZES["ring"] / 2 + GAP)])
    np.testing.assert_allclose(offsets["dy"], [0.0, -(13 + GAP), 0.0])


def test_a_turned_view_keeps_every_distance_and_draws_the_nearest_atom_last():
    atoms = ase_molecule("CH3CH2OH")
    xyz = atoms.positions
    for turn, tilt in ((0, 0), (40, 0), (-135, 25), (90, 90)):
        view = view_coordinates(xyz, turn, tilt)
        np.testing.assert_allclose(pairwise(view), pairwise(xyz), atol=1e-9)
    np.testing.assert_allclose(view_coordinates(xyz, 180, 0)[:, 0], -view_coordinates(xyz, 0, 0)[:, 0], atol=1e-9)
    np.testing.assert_allclose(view_coordinates(xyz, 0, 0)[:, :2], flatten(xyz), atol=1e-12)
    elements = atoms.get_chemical_symbols()
    drawing = MoleculeFigure()
    drawing.show(elements, xyz, bonded(elements, xyz), turn=60, tilt=-20)
    depth = view_coordinates(xyz, 60, -20)[:, 2]
    near, far = int(np.argmax(depth)), int(np.argmin(depth))
    assert drawing.atoms.data["atom"][-1] == f"{elements[near]}{near + 1}", "the nearest atom is drawn on top"
    assert drawing.atoms.data["atom"][0] == f"{elements[far]}{far + 1}"
    unturned = SIZES["H"] if elements[near] == "H" else SIZES["other"]
    assert drawing.atoms.data["size"][-1] == pytest.approx(unturned * 1.25), "the nearest atom is the largest"
