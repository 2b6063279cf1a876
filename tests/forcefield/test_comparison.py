"""Kabsch RMSD against ASE's own alignment, frequency errors mode by mode, and reference files."""

import json

import numpy as np
import pytest
from ase import Atoms
from ase.build import minimize_rotation_and_translation
from scipy.spatial.transform import Rotation

from fflux_studio.forcefield.comparison import Reference, compare, kabsch_align, kabsch_rmsd, read_reference
from fflux_studio.io.errors import InputError

RNG = np.random.default_rng(2)
GEOMETRY = RNG.normal(size=(7, 3))


def test_rmsd_ignores_rigid_motion_and_agrees_with_ase():
    moved = GEOMETRY @ Rotation.random(random_state=1).as_matrix().T + [4.0, -2.0, 1.0]
    assert kabsch_rmsd(moved, GEOMETRY) < 1e-12
    noisy = moved + RNG.normal(scale=0.05, size=moved.shape)
    target, mobile = Atoms("H7", positions=GEOMETRY), Atoms("H7", positions=noisy)
    minimize_rotation_and_translation(target, mobile)
    expected = np.sqrt(np.mean(np.sum((mobile.positions - GEOMETRY) ** 2, axis=1)))
    assert kabsch_rmsd(noisy, GEOMETRY) == pytest.approx(expected, rel=1e-9)


def test_compare_gives_mode_by_mode_errors():
    reference = Reference(["H"] * 7, GEOMETRY, -1.0, np.array([100.0, 200.0, 200.0, 300.0]))
    result = compare(["H"] * 7, GEOMETRY, -0.999, np.array([310.0, 195.0, 90.0, 205.0]), reference)
    assert result["frequency_errors_cm1"] == pytest.approx([-10.0, -5.0, 5.0, 10.0])
    assert result["frequency_mae_cm1"] == pytest.approx(7.5) and result["frequency_max_error_cm1"] == pytest.approx(10)
    assert result["energy_difference"] == pytest.approx(1e-3) and result["rmsd_angstrom"] < 1e-12
    with pytest.raises(ValueError, match="not the models'"):
        compare(["He"] * 7, GEOMETRY, -1.0, None, reference)


def test_reference_round_trip_and_errors(tmp_path):
    reference = Reference(["O", "H", "H"], GEOMETRY[:3], -5.07, np.array([1600.0, 3600.0, 3700.0]),
                          GEOMETRY[:3] + 0.1, {"method": "test"})
    path = tmp_path / "ref.json"
    path.write_text(json.dumps(reference.as_dict()))
    back = read_reference(path)
    np.testing.assert_array_equal(back.minimum, reference.minimum)
    assert back.energy == reference.energy and back.settings == {"method": "test"}
    broken = reference.as_dict()
    broken["minimum"] = broken["minimum"][:2]
    path.write_text(json.dumps(broken))
    with pytest.raises(InputError, match="ref.json, field 'minimum': expected \\(3, 3\\)"):
        read_reference(path)
    path.write_text("{not json")
    with pytest.raises(InputError, match="not JSON"):
        read_reference(path)


def test_kabsch_align_puts_a_moved_copy_back():
    rotation = Rotation.from_rotvec([0.3, -1.1, 0.7])
    moved = rotation.apply(GEOMETRY) + [1.0, -2.0, 0.5]
    np.testing.assert_allclose(kabsch_align(moved, GEOMETRY), GEOMETRY, atol=1e-10)
