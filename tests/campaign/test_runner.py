"""A campaign in this process: trains, resumes, records failures and goes on, stops when cancelled."""

import json
import threading
from dataclasses import replace

import numpy as np
import pytest

from fflux_studio.campaign import run_campaign
from fflux_studio.campaign.manifest import MANIFEST_NAME
from fflux_studio.io.model_file import read_model


class Recorder:
    """Collects events; optionally sets ``cancel`` after ``stop_after`` tasks finished."""

    def __init__(self, cancel=None, stop_after=None):
        self.events, self.cancel, self.stop_after = [], cancel, stop_after

    def __call__(self, event):
        self.events.append(event)
        if self.cancel is not None and sum(e.final for e in self.events) >= self.stop_after:
            self.cancel.set()

    def states(self, atom, prop):
        return [e.state for e in self.events if (e.atom, e.property) == (atom, prop)]


@pytest.fixture(scope="module")
def trained(tmp_path_factory, plan):
    folder = tmp_path_factory.mktemp("campaign")
    tasks = plan(["C1", "C2", "H7"], transfer="all")
    recorder = Recorder()
    document = run_campaign(tasks, folder, on_event=recorder, data="benzene")
    return tasks, folder, document, recorder


def test_every_model_written_and_described(trained):
    tasks, folder, document, recorder = trained
    assert document["counts"] == {"trained": 6}
    assert json.loads((folder / MANIFEST_NAME).read_text()) == json.loads(json.dumps(document))
    for task, record in zip(tasks, document["models"]):
        assert (record["atom"], record["property"], record["key"]) == (task.atom, task.property, task.key)
        model = read_model(folder / task.file_name)
        assert model.log_likelihood == pytest.approx(record["log_likelihood"], rel=1e-12)
        assert record["test"]["n"] == 100
        assert recorder.states(task.atom, task.property) == ["queued", "running", "trained"]
    seeded = {(r["atom"], r["property"]): r["transfer_from"] for r in document["models"]}
    assert seeded[("C2", "atomic_energy")] == "C1 atomic_energy" and seeded[("C1", "atomic_energy")] is None


def test_rerun_skips_everything_without_training(trained):
    tasks, folder, document, _ = trained
    recorder = Recorder()
    again = run_campaign(tasks, folder, on_event=recorder)
    assert again["counts"] == {"skipped": 6}
    assert {e.state for e in recorder.events} == {"skipped"}
    assert [r["log_likelihood"] for r in again["models"]] == [r["log_likelihood"] for r in document["models"]]


def test_changed_or_missing_models_are_retrained(trained, tmp_path):
    tasks, folder, _, _ = trained
    for path in folder.iterdir():
        (tmp_path / path.name).write_bytes(path.read_bytes())
    (tmp_path / tasks[2].file_name).unlink()
    tasks = [tasks[0], replace(tasks[1], settings=replace(tasks[1].settings, nugget=1e-9), key=""), *tasks[2:]]
    again = run_campaign(tasks, tmp_path)
    assert [r["status"] for r in again["models"]] == ["skipped", "trained", "trained", "skipped", "skipped",
                                                      "skipped"]


def test_a_failing_task_is_recorded_and_the_rest_go_on(benzene, plan, tmp_path):
    constant = {**benzene.targets["H7"], "atomic_energy": np.full(benzene.n_frames, -0.5)}
    broken = replace(benzene, targets={**benzene.targets, "H7": constant})
    tasks = plan(["C1", "H7"], dataset=broken, transfer="all")
    document = run_campaign(tasks, tmp_path)
    status = {(r["atom"], r["property"]): r for r in document["models"]}
    assert status["H7", "atomic_energy"]["status"] == "failed"
    assert "constant" in status["H7", "atomic_energy"]["message"]
    assert document["counts"] == {"trained": 3, "failed": 1}
    # H7's charge was to be seeded by its energy model: it trains alone, under its own key
    alone = status["H7", "charge"]
    assert alone["status"] == "trained" and alone["transfer_from"] is None and alone["key"] != tasks[3].key
    assert sorted(p.name for p in tmp_path.glob("*.model")) == sorted(
        t.file_name for t in tasks if (t.atom, t.property) != ("H7", "atomic_energy"))
    again = run_campaign(tasks, tmp_path)
    assert [r["status"] for r in again["models"]] == ["skipped", "failed", "skipped", "skipped"]


def test_cancel_keeps_finished_models_and_a_rerun_trains_only_the_rest(plan, tmp_path):
    tasks = plan(["C1", "H7"])
    cancel = threading.Event()
    document = run_campaign(tasks, tmp_path, on_event=Recorder(cancel, stop_after=1), cancel=cancel)
    assert [r["status"] for r in document["models"]] == ["trained", "cancelled", "cancelled", "cancelled"]
    assert [p.name for p in tmp_path.glob("*.model")] == [tasks[0].file_name]
    recorder = Recorder()
    again = run_campaign(tasks, tmp_path, on_event=recorder)
    assert [r["status"] for r in again["models"]] == ["skipped", "trained", "trained", "trained"]
    assert recorder.states("C1", "atomic_energy") == ["skipped"]
