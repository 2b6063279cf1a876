"""``fflux-studio train`` end to end on real FEREBUS data, and its one-line errors for bad input."""

import json

import numpy as np
import pytest
from ase import Atoms
from ase.io import write

from fflux_studio.chem.multipoles import MOMENTS
from fflux_studio.cli import main
from fflux_studio.io.model_file import read_model
from fflux_studio.model_check import check_model
from fflux_studio.units import default_unit


def water(shared_data, kind="TRAINING"):
    return shared_data / f"ferebus-paper-data/likelihood/water/WATER_O1_{kind}_SET.csv"


@pytest.mark.parametrize("protocol", ["tl", "dl"])
def test_trains_water_and_writes_a_checkable_model(shared_data, tmp_path, protocol, capsys):
    summary_file = tmp_path / "run.json"
    status = main(["train", str(water(shared_data)), "--property", "iqa", "--test",
                   str(water(shared_data, "VALIDATION")), "--protocol", protocol, "--subset", "20",
                   "--out", str(tmp_path / "models"), "--json", str(summary_file), "--random-state", "3"])
    assert status == 0
    summary = json.loads(summary_file.read_text())["models"][0]
    for key in ("protocol", "settings", "n_train", "n_features", "log_likelihood", "convergence", "evaluations",
                "seconds", "test", "model_file"):
        assert key in summary
    assert summary["n_train"] == 59 and summary["n_features"] == 3 and summary["test"]["n"] == 500
    assert set(summary["seconds"]) >= {"seeding", "relaxation", "total"}
    # FEREBUS's PSO reached ln L 453.3619 and a validation RMSE of 0.096 kJ/mol on this set.
    assert summary["log_likelihood"] >= 453.3619 - 1e-3
    assert summary["test"]["rmse"] <= 0.096 * 1.05 and summary["test"]["unit"] == "kJ/mol"
    model = read_model(summary["model_file"])
    assert model.log_likelihood == pytest.approx(summary["log_likelihood"], rel=1e-12)
    assert check_model(model).ok and check_model(model).mean_consistent
    assert "ln L" in capsys.readouterr().out


def one_error_line(capsys):
    err = capsys.readouterr().err
    assert err.count("\n") == 1, err
    return err


def test_missing_file(tmp_path, capsys):
    assert main(["train", str(tmp_path / "none.csv"), "--property", "iqa"]) == 2
    assert "none.csv: no such file or directory" in one_error_line(capsys)


@pytest.mark.parametrize("text,message", [
    ("a,b,iqa\n1,2,3\n", "X_C1_TRAINING_SET.csv, line 1: no feature columns"),
    ("f1,f2,iqa\n1,2,3\n1,two,3\n", "line 3, field 'f2': non-numeric value 'two'"),
    ("f1,f2,f3,iqa\n1,2,3,4\n2,3,4,5\n", "2 training points for atom C1 but 3 features"),
])
def test_bad_csv_is_one_line_and_status_2(tmp_path, capsys, text, message):
    path = tmp_path / "X_C1_TRAINING_SET.csv"
    path.write_text(text)
    assert main(["train", str(path), "--property", "iqa"]) == 2
    assert message in one_error_line(capsys)


def test_unknown_property(shared_data, capsys):
    assert main(["train", str(water(shared_data)), "--property", "q99"]) == 2
    assert "no property 'q99' for atom O1" in one_error_line(capsys)


def test_test_size_too_large(shared_data, capsys):
    assert main(["train", str(water(shared_data)), "--property", "iqa", "--test-size", "100"]) == 2
    assert "test size 100 exceeds the 59 frames" in one_error_line(capsys)


def _multipole_csv(path, rows=24):
    """An ICHOR features_with_properties CSV whose 26 properties are smooth functions of 3 features."""
    rng = np.random.default_rng(5)
    features = rng.uniform([1.7, 1.7, 1.6], [2.0, 2.0, 2.0], size=(rows, 3))
    names = ["iqa", "q00", *MOMENTS]
    values = np.stack([np.sin((k + 1) * features[:, 0]) * features[:, 1] - features[:, 2] / (k + 2)
                       for k in range(len(names))], axis=1)
    header = "f1,f2,f3,integration_error," + ",".join(names)
    body = np.hstack([features, np.full((rows, 1), 1e-5), values])
    path.write_text(header + "\n" + "\n".join(",".join(repr(float(v)) for v in row) for row in body) + "\n")
    return names


def test_property_all_trains_a_model_per_multipole_moment(tmp_path, capsys):
    path = tmp_path / "WATER" / "O1_features_with_properties.csv"
    path.parent.mkdir()
    names = _multipole_csv(path)
    out = tmp_path / "models"
    assert main(["train", str(path), "--property", "all", "--protocol", "dl", "--starts", "1",
                 "--out", str(out), "--quiet"]) == 0
    assert f"{len(names)} trained" in capsys.readouterr().out
    for prop in names:
        model = read_model(out / f"WATER_{prop}_O1.model")
        assert model.property_name == prop and model.atom == "O1" and model.n_train == 24
        assert model.target_unit == default_unit(prop) and check_model(model).ok
    assert read_model(out / "WATER_q32s_O1.model").target_unit == "e*bohr^3"
    assert "units.y e*bohr^4" in (out / "WATER_q44c_O1.model").read_text()
    assert main(["check", str(out / "WATER_q21c_O1.model")]) == 0


def test_models_of_every_moment_give_back_the_files_global_dipole(shared_data, tmp_path):
    """Train every property of the water points, then let the models predict their own training
    geometries: the ALF moments rotated back give each atom's dipole as AIMAll wrote it (global
    frame), and the molecular dipole Σ q r + μ of the files."""
    from fflux_studio.chem.predicted_moments import models_by_atom, predict_global_moments, predict_molecular_dipole
    from fflux_studio.io.aimall_int import read_int
    from fflux_studio.io.load import load_dataset
    from fflux_studio.units import BOHR_PER_ANGSTROM

    points = shared_data / "ichor-examples/water_monomer_points"
    out = tmp_path / "models"
    assert main(["train", str(points), "--atom", "all", "--property", "all", "--protocol", "dl",
                 "--starts", "1", "--out", str(out), "--quiet"]) == 0
    models = models_by_atom(read_model(path) for path in out.glob("*.model"))
    assert len(models) == 3 and all(len(props) == 26 for props in models.values())
    positions = load_dataset(points).geometries
    files = [[read_int(path) for path in sorted(point.glob("*_atomicfiles/*.int"))]
             for point in sorted(points.glob("*.pointdir"))]
    order = {"O1": 0, "H2": 1, "H3": 2}
    ints = [sorted(point, key=lambda r: order[r.atom]) for point in files]
    dipoles = np.array([[[r.moments["q10"], r.moments["q11c"], r.moments["q11s"]] for r in point] for point in ints])
    assert np.allclose(predict_global_moments(positions, models, 1), dipoles, atol=1e-6)
    charges = np.array([[r.q00 for r in point] for point in ints])
    expected = np.einsum("fn,fnc->fc", charges, positions * BOHR_PER_ANGSTROM) + dipoles[..., [1, 2, 0]].sum(axis=1)
    assert np.allclose(predict_molecular_dipole(positions, models), expected, atol=1e-6)


def small_csv(path, prop, rng):
    x = rng.uniform(1, 2, size=(40, 3))
    y = np.sin(x).sum(axis=1)
    rows = [",".join(str(v) for v in [i, *row.tolist(), float(target)]) for i, (row, target) in enumerate(zip(x, y))]
    path.write_text(f",f1,f2,f3,{prop}\n" + "\n".join(rows) + "\n")
    return path


def test_an_unknown_unit_stays_unknown(tmp_path):
    data = small_csv(tmp_path / "SPRING_C1_TRAINING_SET.csv", "stiffness", np.random.default_rng(0))
    summary_file = tmp_path / "run.json"
    assert main(["train", str(data), "--property", "stiffness", "--test-size", "10", "--protocol", "dl",
                 "--starts", "1", "--out", str(tmp_path / "models"), "--json", str(summary_file), "--quiet"]) == 0
    summary = json.loads(summary_file.read_text())["models"][0]
    assert summary["test"]["unit"] == "unknown"
    model_text = (tmp_path / "models" / "SPRING_stiffness_C1.model").read_text()
    assert "units.y unknown\n" in model_text and read_model(summary["model_file"]).target_unit == "unknown"


def test_a_system_name_that_leaves_the_folder_is_refused(tmp_path, capsys):
    frames = []
    for shift in np.linspace(0, 0.2, 12):
        atoms = Atoms("OH2", positions=[[0, 0, 0], [0.96 + shift, 0, 0], [-0.24, 0.93 - shift / 2, 0]],
                      info={"system": "../../escaped"})
        atoms.arrays["iqa"] = np.array([-75.0, -0.5, -0.5]) + shift
        frames.append(atoms)
    data = tmp_path / "a" / "b" / "water.extxyz"
    data.parent.mkdir(parents=True)
    write(data, frames, format="extxyz")
    out = tmp_path / "a" / "b" / "models"
    assert main(["train", str(data), "--atom", "O1", "--property", "iqa", "--out", str(out), "--quiet"]) == 2
    assert "water.extxyz, field 'system': the system name '../../escaped'" in one_error_line(capsys)
    assert not list(tmp_path.rglob("*.model"))


@pytest.mark.parametrize("options,message", [
    (["--subset", "5"], "--subset for atom C1: subset of 5 points is smaller than"),
    (["--subset", "40"], "--subset for atom C1: subset of 40 points is not smaller than the training set"),
    (["--nugget", "-1"], "nugget must be >= 0"),
])
def test_argument_errors_are_usage_errors(tmp_path, capsys, options, message):
    data = small_csv(tmp_path / "SPRING_C1_TRAINING_SET.csv", "iqa", np.random.default_rng(1))
    assert main(["train", str(data), "--property", "iqa", "--out", str(tmp_path), "--quiet", *options]) == 2
    assert message in one_error_line(capsys)
