"""check_model against the twelve FEREBUS reference models and their known defects (SPEC section 3)."""

import json

import pytest

from fflux_studio.cli import main
from fflux_studio.io.model_file import read_model
from fflux_studio.model_check import check_model

SYSTEMS = {"water": "WATER_iqa_O1", "ammonia": "AMMONIA_iqa_N1", "methanol": "METHANOL_iqa_C1",
           "nma": "NMA_iqa_C1", "glycine": "GLYCINE_iqa_C1", "ibuprofen": "IBUPROFEN_iqa_C1"}
CASES = [(system, kind) for system in SYSTEMS for kind in ("concentrated", "marginal")]


def reference(shared_data, system, kind):
    return shared_data / "ferebus-paper-data/likelihood" / system / kind / f"{SYSTEMS[system]}.model"


@pytest.mark.parametrize("system,kind", CASES)
def test_reference_models_agree(shared_data, system, kind):
    result = check_model(read_model(reference(shared_data, system, kind)))
    expected_kind = "concentrated" if system == "nma" else kind
    assert result.likelihood == expected_kind
    assert result.relative_difference < 1e-6
    assert result.weights_max_relative_difference < 1e-4
    assert result.ok
    assert result.mean_consistent is not (system == "glycine" and kind == "concentrated")


def test_glycine_mean_defect_is_measured(shared_data):
    result = check_model(read_model(reference(shared_data, "glycine", "concentrated")))
    assert result.stored_mean == pytest.approx(-38.0748, abs=1e-4)
    assert result.weights_mean == pytest.approx(-38.0180, abs=1e-4)
    assert result.prediction_offset * 2625.4996394799 == pytest.approx(-149.1, abs=0.1)


def test_cli_check_reports_defect_and_writes_json(shared_data, tmp_path, capsys):
    out = tmp_path / "check.json"
    status = main(["check", str(reference(shared_data, "glycine", "concentrated")), "--json", str(out)])
    assert status == 0
    assert "DEFECT: the stored [mean] value" in capsys.readouterr().out
    document = json.loads(out.read_text())
    assert document["likelihood"] == "concentrated" and document["mean_consistent"] is False
    assert document["stored_log_likelihood"] == 15881.45869939004
    assert document["relative_difference"] < 1e-6 and document["weights_max_relative_difference"] < 1e-4


def test_cli_check_fails_on_a_tampered_model(shared_data, tmp_path, capsys):
    text = reference(shared_data, "water", "concentrated").read_text()
    tampered = tmp_path / "WATER_iqa_O1.model"
    tampered.write_text(text.replace("# likelihood 453.3619290147578", "# likelihood 453.5"))
    assert main(["check", str(tampered)]) == 1
    assert "DISAGREES" in capsys.readouterr().out


def test_cli_check_missing_file(tmp_path, capsys):
    assert main(["check", str(tmp_path / "none.model")]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "none.model: cannot read model file" in err
