"""ICHOR points directories and one geometry's .int files: values read by hand, the |L| rule, bad input."""

import shutil

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fflux_studio.chem.multipoles import MOMENTS, RANKS, moment_columns
from fflux_studio.io.aimall_int import read_int
from fflux_studio.io.errors import InputError
from fflux_studio.io.ichor_points import read_points
from fflux_studio.io.load import load_dataset


@pytest.fixture()
def points(shared_data, tmp_path):
    """A writable copy of the four ICHOR water points."""
    target = tmp_path / "WATER_MONOMER.pointsdir"
    shutil.copytree(shared_data / "ichor-examples/water_monomer_points", target)
    return target


def test_water_points_by_hand(shared_data):
    water = load_dataset(shared_data / "ichor-examples/water_monomer_points")
    assert water.system == "WATER_MONOMER" and water.n_frames == 4 and water.notes == []
    assert {n: a.alf for n, a in water.atoms.items()} == {"O1": (1, 2, 3), "H2": (2, 1, 3), "H3": (3, 1, 2)}
    # WATER_MONOMER0000/…/o1.int lines 595 and 128; WATER_MONOMER0003/…/h3.int lines 556 and 113
    assert water.xy("O1", "iqa")[1][0] == -7.5446714709E+01 and water.xy("O1", "q00")[1][0] == -1.0519211990E+00
    assert water.xy("H3", "iqa")[1][3] == -4.8809766830E-01 and water.xy("H3", "q00")[1][3] == 5.6290675093E-01
    assert water.unit("iqa") == "Ha" and water.unit("q00") == "e"
    assert np.allclose(water.geometries[0, 0], [-0.03348733, -0.46689766, -0.00424905])


def test_single_pointdir(shared_data):
    water = load_dataset(shared_data / "ichor-examples/water_monomer_points/WATER_MONOMER0002.pointdir")
    assert water.n_frames == 1 and water.xy("H2", "q00")[1][0] == 5.6704064421E-01


def test_methanol_int_directory_by_hand(shared_data):
    methanol = load_dataset(shared_data / "ichor-examples/methanol_aimall_ints")
    assert methanol.atom_names == ["C1", "H2", "O3", "H4", "H5", "H6"]
    assert methanol.atom("C1").alf == (1, 3, 2) and methanol.atom("C1").features.shape == (1, 12)
    assert methanol.xy("O3", "iqa")[1][0] == -7.5433613432E+01  # o3.int line 615
    assert methanol.xy("H6", "q00")[1][0] == 5.8589900221E-01  # h6.int line 113


def test_point_features_match_ichor_reference_features_and_feed_the_engine(shared_data):
    """WATER_MONOMER0002 and 0003 are also rows of water_o1_reference's test set: their O1 features
    agree (to the 8 decimals of the .xyz). Their iqa labels there are 0.041 Ha lower (another level
    of theory), so ICHOR's O1 model, which predicts straight from our features, is off by as much here;
    the exact check against ICHOR's predictions is in tests/chem/test_features.py."""
    from fflux_studio.io.model_file import read_model
    base = shared_data / "ichor-examples"
    x, y = load_dataset(base / "water_monomer_points").xy("O1", "iqa")
    reference = load_dataset(base / "water_o1_reference/test_set/O1_features_with_properties.txt").atom("O1")
    closest = np.abs(x[:, None, :] - reference.features[None, :, :]).max(axis=2).min(axis=1)
    assert closest[2] < 1e-7 and closest[3] < 1e-7 and closest[:2].min() > 1e-3
    prediction = read_model(base / "water_o1_reference/models/WATER_MONOMER_iqa_O1.model").predict(x)
    assert prediction.shape == y.shape and np.all(np.abs(prediction - y + 0.041) < 0.005)


def test_large_integration_error_drops_the_point(points):
    o1 = next(points.glob("WATER_MONOMER0001.pointdir/*_atomicfiles/o1.int"))
    o1.write_text(o1.read_text().replace("L = -3.2412635167E-05", "L = -3.2412635167E-03"))
    water = read_points(points)
    assert water.n_frames == 3
    assert "dropped 1 of 4 points" in water.notes[0] and "WATER_MONOMER0001.pointdir" in water.notes[0]
    assert water.xy("O1", "iqa")[1][1] == -7.5453749708E+01  # the third point moved up


@pytest.mark.parametrize("damage,message", [
    (lambda p: next(p.glob("WATER_MONOMER0002.pointdir/*_atomicfiles/h3.int")).unlink(), "no .int file for atom(s) H3"),
    (lambda p: [f.unlink() for f in p.glob("WATER_MONOMER0001.pointdir/*.xyz")]
     and [f.unlink() for f in p.glob("WATER_MONOMER0001.pointdir/*.gjf")], "no geometry"),
    (lambda p: next(p.glob("WATER_MONOMER0003.pointdir/*.xyz")).write_text("3\n\nO 0 0 0\nH 1 0 0\n"), "truncated"),
    (lambda p: next(p.glob("WATER_MONOMER0003.pointdir/*.xyz")).write_text("3\n\nH 0 0 0\nO 1 0 0\nH 0 1 0\n"),
     "differ from the first point's"),
    (lambda p: next(p.glob("WATER_MONOMER0000.pointdir/*_atomicfiles/o1.int")).write_text("AIMInt crashed\n"),
     "Net Charge"),
    (lambda p: shutil.copy(next(p.glob("WATER_MONOMER0000.pointdir/*_atomicfiles/h2.int")),
                           next(p.glob("WATER_MONOMER0000.pointdir/*_atomicfiles")) / "h9.int"), "second .int file"),
    (lambda p: shutil.rmtree(next(p.glob("WATER_MONOMER0000.pointdir/*_atomicfiles"))), "no AIMAll .int files"),
])
def test_malformed_points(points, damage, message):
    damage(points)
    with pytest.raises(InputError, match=message.replace("(", r"\(").replace(")", r"\)")):
        read_points(points)


def test_every_point_dropped(points):
    for path in points.glob("*/*_atomicfiles/h2.int"):
        text = path.read_text()
        start = text.index("          L = ")
        path.write_text(text[:start] + "          L =  5.0E-03\n" + text[text.index("\n", start) + 1:])
    with pytest.raises(InputError, match="every point"):
        read_points(points)


def test_not_points(tmp_path):
    with pytest.raises(InputError, match="a directory without ICHOR points"):
        load_dataset(tmp_path)
    with pytest.raises(InputError, match="no .pointdir directories|expected a directory"):
        read_points(tmp_path / "missing")


INT = """ Integration is over atom {atom}
 Results of the basin integration:
          N =  9.05E+00   q = {q} = Net Charge
          L = {L}
E_IQA(A)                          = {iqa}
"""
XYZ = "3\n\nO -0.0335 -0.4669 -0.0042\nH -0.5043 0.2026 0.5669\nH 0.5378 0.2643 -0.5627\n"


def _write_point(root, texts):
    point = root / "W0000.pointdir"
    (point / "W0000_atomicfiles").mkdir(parents=True)
    (point / "W0000.xyz").write_text(texts["xyz"])
    for atom in ("o1", "h2", "h3"):
        (point / "W0000_atomicfiles" / f"{atom}.int").write_text(texts[atom])
    return point


def test_hand_made_point(tmp_path):
    texts = {"xyz": XYZ, "o1": INT.format(atom="O1", q="-1.05", L="1E-5", iqa="-75.4"),
             "h2": INT.format(atom="H2", q="0.52", L="1E-5", iqa="-0.49"),
             "h3": INT.format(atom="H3", q="0.53", L="-2E-5", iqa="-0.48")}
    water = read_points(_write_point(tmp_path, texts))
    assert water.xy("H3", "q00")[1].tolist() == [0.53] and water.system == "W"
    assert water.properties("O1") == ["iqa", "q00"] and "no multipole moments" in water.notes[0]


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_fuzz_points_only_input_error_or_success(tmp_path_factory, data):
    texts = {"xyz": XYZ, "o1": INT.format(atom="O1", q="-1.05", L="1E-5", iqa="-75.4"),
             "h2": INT.format(atom="H2", q="0.52", L="1E-5", iqa="-0.49"),
             "h3": INT.format(atom="H3", q="0.53", L="-2E-5", iqa="-0.48")}
    victim = data.draw(st.sampled_from(sorted(texts)))
    text = texts[victim]
    at = data.draw(st.integers(0, len(text)))
    cut = data.draw(st.integers(at, len(text)))
    texts[victim] = text[:at] + data.draw(st.sampled_from(["", "nan", "X", "1e-2", "\n", "H4", "="])) + text[cut:]
    root = tmp_path_factory.mktemp("fuzz")
    try:
        read_points(_write_point(root, texts))
    except InputError as err:
        assert str(root) in str(err)


def test_gjf_serves_when_the_xyz_is_missing(points):
    before = read_points(points).geometries[1]
    next(points.glob("WATER_MONOMER0001.pointdir/*.xyz")).unlink()
    assert np.allclose(read_points(points).geometries[1], before)


def _frame(origin, x_atom, xy_atom):
    """C by hand (rows x̂, ŷ, ẑ): Gram–Schmidt on the bonds to the x-axis and xy-plane atoms."""
    x = (x_atom - origin) / np.linalg.norm(x_atom - origin)
    y = (xy_atom - origin) - np.dot(xy_atom - origin, x) * x
    y /= np.linalg.norm(y)
    return np.array([x, y, np.cross(x, y)])


def _local_dipole_and_quadrupole(q, c):
    """q10 … q22s in the frame C from the global ones, through μ' = Cμ and Θ' = CΘCᵀ (SPEC §8)."""
    rt3 = np.sqrt(3)
    mu = c @ [q["q11c"], q["q11s"], q["q10"]]
    theta = np.array([[0.5 * (rt3 * q["q22c"] - q["q20"]), rt3 / 2 * q["q22s"], rt3 / 2 * q["q21c"]],
                      [rt3 / 2 * q["q22s"], -0.5 * (rt3 * q["q22c"] + q["q20"]), rt3 / 2 * q["q21s"]],
                      [rt3 / 2 * q["q21c"], rt3 / 2 * q["q21s"], q["q20"]]])
    t = c @ theta @ c.T
    return {"q10": mu[2], "q11c": mu[0], "q11s": mu[1], "q20": t[2, 2], "q21c": 2 / rt3 * t[0, 2],
            "q21s": 2 / rt3 * t[1, 2], "q22c": (t[0, 0] - t[1, 1]) / rt3, "q22s": 2 / rt3 * t[0, 1]}


def test_water_moments_are_the_files_rotated_into_each_alf_by_hand(shared_data):
    water = load_dataset(shared_data / "ichor-examples/water_monomer_points")
    point = shared_data / "ichor-examples/water_monomer_points/WATER_MONOMER0001.pointdir"
    # WATER_MONOMER0001.xyz, and Q[1,0] … Q[2,2,s] of o1.int and h3.int (global frame)
    o, h2, h3 = water.geometries[1]
    o1 = read_int(point / "WATER_MONOMER0001_atomicfiles/o1.int").moments
    h3_moments = read_int(point / "WATER_MONOMER0001_atomicfiles/h3.int").moments
    for atom, moments, frame in (("O1", o1, _frame(o, h2, h3)), ("H3", h3_moments, _frame(h3, o, h2))):
        for label, value in _local_dipole_and_quadrupole(moments, frame).items():
            assert abs(water.xy(atom, label)[1][1] - value) < 1e-12, (atom, label)
    for atom in water.atom_names:
        assert set(MOMENTS) <= set(water.properties(atom))
    assert [water.unit(p) for p in ("q00", "q11s", "q22c", "q33s", "q40")] == ["e", "e*bohr", "e*bohr^2",
                                                                              "e*bohr^3", "e*bohr^4"]


def test_planar_water_has_no_moments_odd_in_the_alfs_z(shared_data):
    """ẑ is the normal of the molecular plane, so, as in ICHOR's own O1 file (water_o1_reference,
    where |q10|, |q21c|, … are below 1e-3), components odd in z vanish and the others do not."""
    water = load_dataset(shared_data / "ichor-examples/water_monomer_points")
    odd = [label for label in MOMENTS if (int(label[1]) + int(label[2])) % 2 == 1]
    for atom in water.atom_names:
        assert max(np.abs(water.xy(atom, label)[1]).max() for label in odd) < 2e-3
        assert min(np.abs(water.xy(atom, label)[1]).max() for label in ("q11c", "q20", "q22c", "q40")) > 1e-2


def test_alf_override_changes_the_frame_of_the_moments(shared_data):
    path = shared_data / "ichor-examples/water_monomer_points"
    default, swapped = load_dataset(path), load_dataset(path, alf={"O1": (1, 3, 2)})
    o, h2, h3 = swapped.geometries[0]
    o1 = read_int(path / "WATER_MONOMER0000.pointdir/WATER_MONOMER0000_atomicfiles/o1.int").moments
    for label, value in _local_dipole_and_quadrupole(o1, _frame(o, h3, h2)).items():
        assert abs(swapped.xy("O1", label)[1][0] - value) < 1e-12
    # swapping the x-axis and xy-plane atoms turns ẑ, the normal of the same plane, into −ẑ
    assert np.allclose(swapped.xy("O1", "q10")[1], -default.xy("O1", "q10")[1], rtol=0, atol=1e-12)
    assert np.array_equal(swapped.xy("H2", "q21c")[1], default.xy("H2", "q21c")[1])


def test_methanol_moments_keep_each_ranks_invariant(shared_data):
    path = shared_data / "ichor-examples/methanol_aimall_ints"
    methanol = load_dataset(path)
    for atom in methanol.atom_names:
        file_moments = read_int(path / f"{atom.lower()}.int").moments
        for rank in RANKS:
            labels = MOMENTS[moment_columns(rank)]
            local = sum(methanol.xy(atom, label)[1][0] ** 2 for label in labels)
            assert np.isclose(local, sum(file_moments[label] ** 2 for label in labels), rtol=1e-12, atol=0)
