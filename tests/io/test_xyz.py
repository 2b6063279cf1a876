"""XYZ / extended XYZ through ASE: targets from per-atom arrays, compression, one clear error per bad file."""

import gzip

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fflux_studio.io.errors import InputError
from fflux_studio.io.load import load_dataset
from fflux_studio.io.xyz import read_trajectory

HEADER = "Properties=species:S:1:pos:R:3:atomic_energy:R:1:charge:R:1 system=water atomic_energy_unit=Ha"
FRAME = "3\n{header}\nO 0.0 0.0 {z}\nH 0.96 0.0 0.0 \nH -0.24 0.93 0.0\n"
GOOD = (
    f"3\n{HEADER}\nO 0.0 0.0 0.0 -75.40 -1.10\nH 0.96 0.0 0.0 -0.48 0.55\nH -0.24 0.93 0.0 -0.49 0.56\n"
    f"3\n{HEADER}\nO 0.0 0.0 0.1 -75.41 -1.11\nH 0.97 0.0 0.0 -0.47 0.54\nH -0.24 0.94 0.0 -0.46 0.57\n"
)


def test_reads_the_ichor_water_trajectory(shared_data):
    water = load_dataset(shared_data / "ichor-examples/WATER-3000.xyz")
    assert water.n_frames == 10001 and water.elements == ("O", "H", "H")
    assert {name: atom.alf for name, atom in water.atoms.items()} == {"O1": (1, 2, 3), "H2": (2, 1, 3), "H3": (3, 1, 2)}
    assert water.geometries.shape == (10001, 3, 3) and water.atom("O1").features.shape == (10001, 3)
    assert any("no per-atom properties" in note for note in water.notes)


def test_extxyz_per_atom_arrays_become_targets(tmp_path):
    path = tmp_path / "w.extxyz"
    path.write_text(GOOD)
    water = load_dataset(path)
    assert water.system == "water" and water.atom_names == ["O1", "H2", "H3"]
    assert water.xy("O1", "atomic_energy")[1].tolist() == [-75.40, -75.41]
    assert water.xy("H3", "charge")[1].tolist() == [0.56, 0.57]
    assert water.unit("atomic_energy") == "Ha" and water.unit("charge") == "e"
    assert water.atom("O1").features.shape == (2, 3) and water.atom("O1").alf == (1, 2, 3)


def test_gzip_compressed_and_alf_override(tmp_path):
    path = tmp_path / "w.extxyz.gz"
    with gzip.open(path, "wt") as handle:
        handle.write(GOOD)
    water = load_dataset(path, alf={"H2": (2, 3, 1)})
    assert water.system == "water" and water.atom("H2").alf == (2, 3, 1)
    assert np.isclose(water.xy("H2", "charge")[1][0], 0.55)


def test_extxyz_info_names_any_property(tmp_path):
    path = tmp_path / "m.xyz"
    header = "Properties=species:S:1:pos:R:3:iqa:R:1:q00:R:1"
    path.write_text(f"3\n{header}\nO 0 0 0 -75.4 -1.1\nH 0.96 0 0 -0.4 0.5\nH -0.24 0.93 0 -0.4 0.6\n")
    water = read_trajectory(path)
    assert sorted(water.properties("H3")) == ["iqa", "q00"] and water.unit("q00") == "e"


@pytest.mark.parametrize("text,message", [
    ("3\n\nO 0 0 0\nH 1 0 0\n", "line 1: truncated frame 1"),
    ("3\n\nO 0 0 0\nXx 1 0 0\nH 0 1 0\n", "line 1: frame 1: unknown element"),
    ("3\n\nO 0 0 0\nH 1 0 zz\nH 0 1 0\n", "line 1: frame 1: could not convert"),
    ("x\n\nO 0 0 0\n", "line 1: expected the number of atoms"),
    (FRAME.format(header="", z=0) + "4\n\nO 0 0 0\nH 1 0 0\nH 0 1 0\nH 1 1 1\n", "line 6: frame 2 has 4 atoms"),
    (FRAME.format(header="", z=0) + "3\n\nH 0 0 0\nO 1 0 0\nH 0 1 0\n", "line 8: frame 2: atom 1 is H"),
    (FRAME.format(header="", z=0) + "\n" + FRAME.format(header="", z=0), "line 6: blank line"),
    (FRAME.format(header="", z="nan"), "line 3: frame 1: coordinates of atom 1 are not finite"),
    (FRAME.format(header="", z=0) + "3\n\nO 0 0 0\nH 0 0 0\nH 0 1 0\n", "line 6: no local frame: frame 2"),
    (GOOD.replace("-0.46 0.57", "-0.46 inf"), "line 10, field 'charge': frame 2: charge of atom 3 is not finite"),
    (GOOD.rsplit("3\n", 1)[0] + "3\nProperties=species:S:1:pos:R:3:charge:R:1\nO 0 0 0 1\nH 1 0 0 1\nH 0 1 0 1\n",
     "line 6, field 'atomic_energy': frame 2: property 'atomic_energy' of frame 1 is missing"),
    ("0\n\n", "line 1: atom count 0 must be positive"),
])
def test_malformed_files_name_file_and_line(tmp_path, text, message):
    path = tmp_path / "bad.xyz"
    path.write_text(text)
    with pytest.raises(InputError) as err:
        read_trajectory(path)
    assert str(err.value).startswith(str(path)) and message in str(err.value)


@pytest.mark.parametrize("name,content,message", [
    ("empty.xyz", "", "not a format this program reads"),
    ("binary.xyz", "\x00\xff\xfe", "cannot read as text"),
    ("nothing.weird", "hello", "not a format this program reads"),
])
def test_unreadable_inputs(tmp_path, name, content, message):
    path = tmp_path / name
    path.write_bytes(content.encode("latin-1"))
    with pytest.raises(InputError, match=message):
        load_dataset(path)


def test_missing_file():
    with pytest.raises(InputError, match="no such file"):
        load_dataset("/nonexistent/x.xyz")


def _corrupt(data, text: str) -> str:
    lines = text.splitlines(keepends=True)
    for _ in range(data.draw(st.integers(1, 3))):
        i = data.draw(st.integers(0, max(0, len(lines) - 1)))
        action = data.draw(st.sampled_from(["drop", "dup", "edit", "cut", "swap"]))
        if not lines:
            break
        if action == "drop":
            del lines[i]
        elif action == "dup":
            lines.insert(i, lines[i])
        elif action == "swap" and len(lines) > 1:
            j = data.draw(st.integers(0, len(lines) - 1))
            lines[i], lines[j] = lines[j], lines[i]
        elif action == "cut":
            lines = lines[:i] + [lines[i][: data.draw(st.integers(0, len(lines[i])))]]
        else:
            fields = lines[i].split(" ")
            k = data.draw(st.integers(0, len(fields) - 1))
            fields[k] = data.draw(st.sampled_from(["", "nan", "inf", "X", "Xx", "1e999", "-0", "3", "\t", "\"", "="]))
            lines[i] = " ".join(fields)
    return "".join(lines)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_fuzz_only_input_error_or_success(tmp_path, data):
    path = tmp_path / "fuzz.extxyz"
    path.write_text(_corrupt(data, GOOD))
    try:
        dataset = read_trajectory(path)
    except InputError as err:
        assert str(path) in str(err)
    else:
        assert all(np.isfinite(a.features).all() for a in dataset.atoms.values())


def test_calculator_results_are_targets(tmp_path):
    """Per-atom charges that ASE keeps as a calculator's results, not as arrays."""
    from ase import Atoms
    from ase.calculators.singlepoint import SinglePointCalculator
    from ase.io import write

    frames = []
    for z in (0.0, 0.1):
        atoms = Atoms("OH2", positions=[[0, 0, z], [0.96, 0, 0], [-0.24, 0.93, 0]])
        atoms.calc = SinglePointCalculator(atoms, charges=np.array([-1.1, 0.55, 0.55 + z]), energy=-76.0)
        atoms.arrays["select"] = np.array([1, 0, 1])  # an integer array is not a target
        frames.append(atoms)
    path = tmp_path / "water.extxyz"
    write(path, frames)
    water = load_dataset(path)
    assert water.n_frames == 2 and water.properties("H3") == ["charge"]
    assert water.xy("H3", "charge")[1].tolist() == [0.55, 0.65]


@pytest.mark.parametrize("name,format_name", [("water.traj", "traj"), ("water.pckl", "pckl"), ("setup.py", "py"),
                                              ("water.json", "json"), ("water.cif", "cif")])
def test_formats_outside_the_allow_list_are_refused(tmp_path, name, format_name):
    from ase import Atoms
    from ase.io import write

    path = tmp_path / name
    if format_name == "py":
        path.write_text("import os\nos.mkdir('ran')\n")
    elif format_name == "pckl":
        path.write_bytes(b"\x80\x04K\x01.")
    else:
        write(path, Atoms("OH2", positions=[[0, 0, 0], [0.96, 0, 0], [-0.24, 0.93, 0]]), format=format_name)
    with pytest.raises(InputError) as err:
        load_dataset(path)
    assert str(err.value) == (f"{path}: not a format this program reads (ASE calls it {format_name!r}); it reads "
                              "XYZ, extended XYZ, Gaussian input only, since reading some other formats could run "
                              "code from the file")
    assert not (tmp_path / "ran").exists()


def test_loading_twice_gives_independent_datasets(tmp_path):
    path = tmp_path / "w.extxyz"
    path.write_text(GOOD)
    first = load_dataset(path)
    first.targets["O1"]["charge"][:] = 0.0
    first.atoms["O1"].features[:] = 0.0
    second = load_dataset(path)
    assert second.xy("O1", "charge")[1].tolist() == [-1.10, -1.11] and second.atom("O1").features.min() > 0
