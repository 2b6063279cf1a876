"""Equivalent atoms through the bond graph, checked on ideal symmetric geometries whose features
must then agree feature by feature under the map."""

import numpy as np
import pytest

from fflux_studio.campaign.equivalence import bond_graph, donors, feature_map, frame_map
from fflux_studio.chem.alf import choose_alf
from fflux_studio.chem.features import atom_features
from fflux_studio.demo import demo_path
from fflux_studio.io.load import load_dataset


def ideal_benzene():
    """D6h benzene (Å): C-C 1.39, C-H 1.09, Ci then H(6+i) on Ci as in the demo."""
    angles = np.arange(6) * np.pi / 3
    ring = np.stack([np.cos(angles), np.sin(angles), np.zeros(6)], axis=1)
    return ["C"] * 6 + ["H"] * 6, np.concatenate([1.39 * ring, 2.48 * ring])


def test_benzene_carbons_and_hydrogens_are_two_kinds(benzene):
    mapped = donors(benzene, benzene.atom_names)
    assert {atom: donor for atom, (donor, _) in mapped.items()} == {
        **{f"C{i}": "C1" for i in range(2, 7)}, **{f"H{i}": "H7" for i in range(8, 13)}}
    for _, fmap in mapped.values():
        assert sorted(fmap) == list(range(30))


def test_ethanol_methyl_hydrogens_are_equivalent_and_carbons_are_not():
    ethanol = load_dataset(demo_path("ethanol"))
    mapped = {atom: donor for atom, (donor, _) in donors(ethanol, ethanol.atom_names).items()}
    assert mapped == {"H6": "H5", "H8": "H7", "H9": "H7"}


@pytest.mark.parametrize("recipient", range(1, 12))
def test_mapped_features_agree_on_a_symmetric_molecule(recipient):
    symbols, positions = ideal_benzene()
    frames = choose_alf(symbols, positions)
    donor = 0 if recipient < 6 else 6
    mapping = frame_map(bond_graph(symbols, positions), frames[donor], frames[recipient])
    assert mapping is not None
    fmap = list(feature_map(mapping, frames[donor], frames[recipient], 12))
    ours = atom_features(positions[None], frames[recipient])[0]
    theirs = atom_features(positions[None], frames[donor])[0][fmap]
    # a reflection flips z (theta -> pi - theta) and the sense of phi; distances and |phi| agree exactly
    np.testing.assert_allclose(ours[[0, 1, 2]], theirs[[0, 1, 2]], atol=1e-9)
    np.testing.assert_allclose(ours[3::3], theirs[3::3], atol=1e-9)
    np.testing.assert_allclose(np.abs(ours[4::3] - np.pi / 2), np.abs(theirs[4::3] - np.pi / 2), atol=1e-9)
    np.testing.assert_allclose(np.abs(ours[5::3]), np.abs(theirs[5::3]), atol=1e-9)


def test_no_geometry_no_equivalence(benzene):
    from dataclasses import replace
    assert donors(replace(benzene, geometries=None), benzene.atom_names) == {}
