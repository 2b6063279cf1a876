"""ALF features: invariance, conventions, the ICHOR reference features, speed and degenerate frames."""

import numpy as np
import pytest
from scipy.spatial import cKDTree
from scipy.spatial.transform import Rotation

from fflux_studio.chem.alf import choose_alf
from fflux_studio.chem.features import FeatureError, alf_rotation, all_features, atom_features, periodic_mask
from fflux_studio.units import BOHR_PER_ANGSTROM

from .test_alf import METHANOL


def test_invariant_to_rotation_and_translation():
    rng = np.random.default_rng(1)
    symbols, positions = METHANOL
    positions = np.array(positions) + rng.normal(scale=0.05, size=(20, 6, 3))
    frames = choose_alf(symbols, positions[0])
    reference = all_features(positions, frames)
    rotations = Rotation.random(20, random_state=2).as_matrix()
    moved = np.einsum("fij,fnj->fni", rotations, positions) + rng.normal(scale=10, size=(20, 1, 3))
    for a, b in zip(reference, all_features(moved, frames)):
        assert np.allclose(a, b, atol=1e-10)


def test_conventions_on_a_hand_built_geometry():
    # origin at 0, x-axis atom on +x, xy-plane atom in the +y half plane, fourth atom above the plane
    positions = np.array([[[0, 0, 0], [1, 0, 0], [1, 1, 0], [-1, -1, 1]]], dtype=float)
    f = atom_features(positions, (0, 1, 2))[0]
    b = BOHR_PER_ANGSTROM
    assert np.allclose(f, [b, np.sqrt(2) * b, np.pi / 4, np.sqrt(3) * b, np.arccos(1 / np.sqrt(3)), -3 * np.pi / 4])
    assert periodic_mask(12).nonzero()[0].tolist() == [5, 8, 11]


def test_alf_rotation_rows_are_the_frame_axes():
    # x-axis atom along (1, 1, 0), xy-plane atom along +z: x̂ = (1, 1, 0)/√2, ŷ = ẑ_global, ẑ = x̂ × ŷ
    positions = np.array([[[2, 2, 2], [3, 3, 2], [2, 2, 5]]], dtype=float)
    c = alf_rotation(positions, (0, 1, 2))[0]
    s = 1 / np.sqrt(2)
    assert np.allclose(c, [[s, s, 0], [0, 0, 1], [s, -s, 0]])
    with pytest.raises(FeatureError, match="collinear"):
        alf_rotation(np.array([[[0, 0, 0], [1, 0, 0], [2, 0, 0]]], dtype=float), (0, 1, 2))


def test_water_features_match_ichor_reference_features(shared_data):
    """The 500 O1 features of water_o1_reference/test_set are ICHOR's for geometries of WATER-3000.xyz."""
    from fflux_studio.io.xyz import read_trajectory
    water = read_trajectory(shared_data / "ichor-examples/WATER-3000.xyz")
    reference = np.loadtxt(shared_data / "ichor-examples/water_o1_reference/test_set/O1_features_with_properties.txt",
                           delimiter=",", skiprows=1, usecols=(0, 1, 2))
    distance, rows = cKDTree(water.atom("O1").features).query(reference, p=np.inf)
    assert distance.max() < 1e-7  # most rows agree to 1e-15; some to 3e-8 bohr (rounding upstream)
    # ... and they feed ICHOR's O1 model as they are: its stored predictions come back
    from fflux_studio.io.model_file import read_model
    model = read_model(shared_data / "ichor-examples/water_o1_reference/models/WATER_MONOMER_iqa_O1.model")
    stored = np.loadtxt(shared_data / "ichor-examples/water_o1_reference/previous_gpr_predictions/o1_predictions.txt")
    assert np.abs(model.predict(water.atom("O1").features[rows]) - stored).max() < 1e-8  # Ha


def test_every_atom_gets_its_features_for_every_frame():
    """Many frames at once give what each frame alone gives (timing: benchmarks/data_preparation.py)."""
    rng = np.random.default_rng(0)
    positions = rng.normal(scale=3, size=(50, 20, 3))
    frames = [(a, (a + 1) % 20, (a + 2) % 20) for a in range(20)]
    features = all_features(positions, frames)
    assert len(features) == 20 and features[0].shape == (50, 54)
    for frame in (0, 31):
        alone = all_features(positions[frame:frame + 1], frames)
        for atom in range(20):
            np.testing.assert_array_equal(alone[atom][0], features[atom][frame])


def test_collinear_frame_names_frame_and_atom():
    positions = np.array([[[0, 0, 0], [1, 0, 0], [0, 1, 0]], [[0, 0, 0], [1, 0, 0], [2, 0, 0]]], dtype=float)
    with pytest.raises(FeatureError, match="frame 2, atom 1: .*collinear"):
        atom_features(positions, (0, 1, 2))


def test_coincident_atoms_are_reported():
    positions = np.array([[[0, 0, 0], [1, 0, 0], [0, 1, 0], [0, 0, 0]]], dtype=float)
    with pytest.raises(FeatureError, match="coincides"):
        atom_features(positions, (0, 1, 2))


def _training_x(path):
    block = path.read_text().split("[training_data.x]")[1].strip().split("\n\n")[0]
    return np.array([[float(v) for v in line.split()] for line in block.splitlines()])


def test_ammonia_features_match_the_ichor_models_theta_and_phi(shared_data):
    """Geometries rebuilt from the N1 model's 500 training points (6 features fix NH3) give, with the
    ALFs written in the H models, H features that occur exactly in those models' training sets:
    a check of r, θ and φ (and φ's sign) against ICHOR that does not go through our own frames."""
    base = shared_data / "ichor-examples"
    r1, r2, angle, r, theta, phi = _training_x(base / "AMMONIA_iqa_N1.model").T
    zero = np.zeros_like(r1)
    geometries = np.stack([
        np.stack([zero, zero, zero], 1), np.stack([r1, zero, zero], 1),
        np.stack([r2 * np.cos(angle), r2 * np.sin(angle), zero], 1),
        np.stack([r * np.sin(theta) * np.cos(phi), r * np.sin(theta) * np.sin(phi), r * np.cos(theta)], 1),
    ], 1) / BOHR_PER_ANGSTROM
    for name, alf in (("H2", (1, 0, 2)), ("H3", (2, 1, 3)), ("H4", (3, 1, 2))):  # the files' ALF 2 1 3, 3 2 4, 4 2 3
        reference = _training_x(base / f"AMMONIA_iqa_{name}.model")
        ours = atom_features(geometries, alf)
        closest = np.abs(ours[:, None, :] - reference[None, :, :]).max(axis=2).min(axis=1)
        assert np.sum(closest < 1e-12) >= 20, name  # the sets share ~25 geometries; the next is 1e-2 away


def test_overflowing_coordinates_are_reported():
    positions = np.array([[[0, 0, 0], [1, 0, 0], [0, 1, 0]], [[0, 0, 0], [1e300, 0, 0], [0, 1e300, 0]]])
    with pytest.raises(FeatureError, match="frame 2, atom 1: .*not finite"):
        atom_features(positions, (0, 1, 2))
    with pytest.raises(FeatureError, match="not finite"):
        atom_features(positions[:, :2], (0, 1))
