"""``fflux-studio inspect``: atoms, ALFs, frames, property ranges, dropped points and duplicates."""

import json

from fflux_studio.cli import main

EXTXYZ = ("3\nProperties=species:S:1:pos:R:3:atomic_energy:R:1:charge:R:1 molecule=water\n"
          "O 0.0 0.0 {z} -75.40 -1.10\nH 0.96 0.0 0.0 -0.48 0.55\nH -0.24 0.93 0.0 -0.49 0.56\n")


def test_water_points(shared_data, capsys, tmp_path):
    out = tmp_path / "summary.json"
    assert main(["inspect", str(shared_data / "ichor-examples/water_monomer_points"), "--json", str(out)]) == 0
    text = capsys.readouterr().out
    assert "system WATER_MONOMER, 4 frames, 3 atoms" in text
    assert "O1  ALF 1 2 3" in text and "H2  ALF 2 1 3" in text and "H3  ALF 3 1 2" in text
    assert "iqa -75.45374971 .. -75.44671471 Ha" in text
    summary = json.loads(out.read_text())
    assert summary["n_frames"] == 4 and summary["elements"] == ["O", "H", "H"]
    assert [a["alf"] for a in summary["atoms"]] == [[1, 2, 3], [2, 1, 3], [3, 1, 2]]
    assert summary["atoms"][0]["properties"]["q00"]["unit"] == "e"
    assert summary["atoms"][2]["properties"]["q43s"]["unit"] == "e*bohr^4" and "\n    q44s " in text


def test_duplicates_and_override(tmp_path, capsys):
    path = tmp_path / "w.extxyz"
    path.write_text(EXTXYZ.format(z=0.0) + EXTXYZ.format(z=0.1) + EXTXYZ.format(z=0.0))
    out = tmp_path / "s.json"
    assert main(["inspect", str(path), "--alf", "H2:2,3,1", "--json", str(out)]) == 0
    text = capsys.readouterr().out
    assert "H2  ALF 2 3 1" in text and "1 frames nearly repeat an earlier one" in text and "1~3" in text
    assert json.loads(out.read_text())["duplicates"]["pairs"] == [[1, 3]]


def test_dropped_points_are_shown(tmp_path, capsys):
    path = tmp_path / "O1_features_with_properties.csv"
    path.write_text("f1,f2,f3,iqa,integration_error\n2.0,1.8,1.8,-75.4,1e-5\n2.1,1.8,1.8,-75.5,0.01\n")
    assert main(["inspect", str(path)]) == 0
    assert "note: dropped 1 of 2 rows" in capsys.readouterr().out


def test_bad_input_is_one_line_and_status_2(tmp_path, capsys):
    path = tmp_path / "bad.xyz"
    path.write_text("3\n\nO 0 0 0\n")
    assert main(["inspect", str(path)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "bad.xyz, line 1: truncated frame 1" in err
    assert main(["inspect", str(path), "--alf", "C1=1"]) == 2
    assert "should look like C1:1,3,2" in capsys.readouterr().err
