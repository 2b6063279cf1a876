"""One task: a model written and described, or a failure recorded with no file."""

from dataclasses import replace

import numpy as np
import pytest

from fflux_studio.campaign.train import train_task
from fflux_studio.metrics import rmse
from fflux_studio.io.model_file import read_model
from fflux_studio.protocols import run_protocol
from fflux_studio.units import HARTREE_TO_KJMOL


def test_trained_record_matches_the_protocol_and_the_file(plan, tmp_path):
    task = plan(["C1"], ["atomic_energy"])[0]
    record = train_task(task, tmp_path)
    assert record["status"] == "trained" and record["key"] == task.key
    direct = run_protocol("tl", task.x, task.y, task.settings)
    assert record["log_likelihood"] == pytest.approx(direct.log_likelihood, rel=1e-9)
    assert record["convergence"] == direct.status
    model = read_model(tmp_path / "BENZENE_atomic_energy_C1.model")
    assert model.log_likelihood == pytest.approx(record["log_likelihood"], rel=1e-12)
    errors = (model.predict(task.x_test) - task.y_test) * HARTREE_TO_KJMOL
    assert record["test"]["rmse"] == pytest.approx(rmse(errors), rel=1e-9) and record["test"]["unit"] == "kJ/mol"
    assert record["seconds"]["total"] >= record["seconds"]["relaxation"] > 0


@pytest.mark.parametrize("change, message", [
    (lambda t: replace(t, y=np.full_like(t.y, 0.25)), "constant"),
    (lambda t: replace(t, y=np.where(np.arange(len(t.y)) == 4, np.nan, t.y)), "not all finite"),
    (lambda t: replace(t, x=t.x[:20], y=t.y[:20]), "more points than features"),
])
def test_bad_data_is_a_failed_record_and_no_file(plan, tmp_path, change, message):
    record = train_task(change(plan(["H7"], ["charge"])[0]), tmp_path)
    assert record["status"] == "failed" and message in record["message"] and "H7" in record["message"]
    assert list(tmp_path.iterdir()) == []


def test_a_bug_is_a_failed_record_with_its_traceback(plan, tmp_path, monkeypatch):
    """Bad data is reported in words; an error of the code itself keeps where it happened."""
    def broken(*args, **kwargs):
        raise ValueError("shapes do not align")

    monkeypatch.setattr("fflux_studio.campaign.train.run_protocol", broken)
    record = train_task(plan(["H7"], ["charge"])[0], tmp_path)
    assert record["status"] == "failed" and record["message"] == "ValueError: shapes do not align"
    assert "Traceback" in record["traceback"] and "in broken" in record["traceback"]
    task = plan(["H7"], ["charge"])[0]
    bad = train_task(replace(task, y=np.full_like(task.y, 0.25)), tmp_path)
    assert bad["status"] == "failed" and "traceback" not in bad
