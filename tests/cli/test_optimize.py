"""``fflux-studio optimize`` end to end: ICHOR's ammonia set and a small ethanol set against the
shipped GFN2-xTB reference; bad input ends with exit status 2 and a message naming the file."""

import json
import shutil

import numpy as np
import pytest
from ase.build import molecule
from ase.io import read, write

from fflux_studio.cli import main
from fflux_studio.demo import DEMO_DIR, demo_path
from fflux_studio.forcefield.comparison import kabsch_rmsd, read_reference
from fflux_studio.forcefield.energy import evaluate
from fflux_studio.forcefield.model_set import load_model_set

from ..forcefield.model_sets import write_model_set


@pytest.fixture(scope="module")
def ethanol_models(tmp_path_factory):
    from fflux_studio.io.xyz import read_trajectory
    return write_model_set(read_trajectory(demo_path("ethanol")), tmp_path_factory.mktemp("models"), "rbf-cyclic",
                           frames=np.arange(150))


def test_ichor_ammonia_optimises_and_gives_six_frequencies(shared_data, tmp_path, capsys):
    write(tmp_path / "nh3.xyz", molecule("NH3"))
    out = tmp_path / "result.json"
    assert main(["optimize", str(shared_data / "ichor-examples"), "--geometry", str(tmp_path / "nh3.xyz"),
                 "--frequencies", "--json", str(out)]) == 0
    result = json.loads(out.read_text())
    assert result["converged"] and result["max_force"] <= 1e-4 and result["symbols"] == ["N", "H", "H", "H"]
    assert len(result["frequencies_cm1"]) == 6 and result["frequencies_cm1"] == sorted(result["frequencies_cm1"])
    # the measurement of this set's (unphysical) minimum
    assert result["energy"] == pytest.approx(-56.7077, abs=1e-4)
    model_set = load_model_set([shared_data / "ichor-examples"])
    assert evaluate(model_set, np.array(result["geometry"])).energy == pytest.approx(result["energy"], abs=1e-12)
    # the minimum is flagged by its energies, not by its variance: the models are confident there
    assert any("below its training energies" in w for w in result["warnings"])
    assert not any("predictive std" in w for w in result["warnings"])
    assert "warning: outside the models' domain" in capsys.readouterr().err


def test_ethanol_against_the_shipped_reference(ethanol_models, tmp_path, capsys):
    out, xyz = tmp_path / "result.json", tmp_path / "minimum.xyz"
    reference_path = DEMO_DIR / "ethanol.reference.json"
    assert main(["optimize", str(ethanol_models), "--geometry", str(demo_path("ethanol")), "--frame", "3",
                 "--fmax", "1e-3", "--frequencies", "--reference", str(reference_path), "--out", str(xyz),
                 "--json", str(out)]) == 0
    result = json.loads(out.read_text())
    geometry = np.array(result["geometry"])
    assert {"energy", "converged", "steps", "symbols", "geometry", "frequencies_cm1", "rmsd_angstrom",
            "frequency_errors_cm1", "frequency_mae_cm1", "warnings"} <= set(result)
    reference = read_reference(reference_path)
    assert result["rmsd_angstrom"] == pytest.approx(kabsch_rmsd(geometry, reference.minimum), rel=1e-12)
    errors = np.sort(result["frequencies_cm1"]) - reference.frequencies
    np.testing.assert_allclose(result["frequency_errors_cm1"], errors, rtol=1e-12)
    assert result["frequency_mae_cm1"] == pytest.approx(np.abs(errors).mean())
    np.testing.assert_allclose(read(xyz).positions, geometry, atol=1e-6)
    assert f"E = {result['energy']!r} Ha" in xyz.read_text().splitlines()[1]
    assert "vs reference: RMSD" in capsys.readouterr().out


@pytest.mark.parametrize("problem", ["atoms", "frame", "mixed", "reference"])
def test_bad_input_exits_2_naming_the_file(problem, ethanol_models, tmp_path, capsys):
    models, geometry = ethanol_models, demo_path("ethanol")
    if problem == "atoms":
        geometry = tmp_path / "nh3.xyz"
        write(geometry, molecule("NH3"))
    elif problem == "mixed":
        models = tmp_path / "models"
        shutil.copytree(ethanol_models, models)
        (models / "ETHANOL_atomic_energy_O3.model").unlink()
    frame = "2000" if problem == "frame" else "1"
    extra = ["--reference", str(DEMO_DIR / "benzene.reference.json")] if problem == "reference" else []
    assert main(["optimize", str(models), "--geometry", str(geometry), "--frame", frame, *extra]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""  # refused before any optimisation
    expected = {"atoms": "nh3.xyz: its atoms (NHHH) are not the models'", "frame": "has frames 1..1500",
                "mixed": "no model for atom(s) 3",
                "reference": "benzene.reference.json: its atoms (CCCCCCHHHHHH) are not the models'"}[problem]
    message = captured.err
    assert expected in message
