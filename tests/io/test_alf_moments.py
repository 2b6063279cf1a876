"""Global moments into a geometry Dataset's ALFs: a frame that is the global one, and a diatomic."""

import numpy as np

from fflux_studio.chem.multipoles import MOMENTS
from fflux_studio.io.alf_moments import add_alf_moments
from fflux_studio.io.geometry_dataset import dataset_from_geometries


def test_atom_whose_alf_is_the_global_frame_keeps_its_moments():
    # O1 at the origin, H2 on +x, H3 in the +y half plane: O1's x̂, ŷ, ẑ are the global axes
    positions = np.array([[[0, 0, 0], [0.96, 0, 0], [-0.24, 0.93, 0]]])
    dataset = dataset_from_geometries("w.xyz", "W", ["O", "H", "H"], positions, {}, {})
    moments = np.random.default_rng(0).normal(size=(1, 24))
    add_alf_moments(dataset, {name: moments for name in dataset.atom_names})
    assert dataset.atom("O1").alf == (1, 2, 3)
    o1 = np.array([dataset.xy("O1", label)[1][0] for label in MOMENTS])
    assert np.max(np.abs(o1 - moments[0])) < 1e-14
    h2 = np.array([dataset.xy("H2", label)[1][0] for label in MOMENTS])
    assert np.max(np.abs(h2 - moments[0])) > 0.1 and dataset.unit("q30") == "e*bohr^3"


def test_diatomic_gets_a_note_and_no_moments():
    dataset = dataset_from_geometries("hf.xyz", "HF", ["H", "F"], np.array([[[0, 0, 0], [0.92, 0, 0]]]), {}, {})
    add_alf_moments(dataset, {name: np.zeros((1, 24)) for name in dataset.atom_names})
    assert dataset.properties("H1") == [] and "diatomic" in dataset.notes[-1]
