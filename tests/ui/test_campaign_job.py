"""The Studio's campaign job: a real 2-worker campaign on the ethanol demo, run in a session's
worker process (whose pool is its own children), with each model's held-out errors and the
molecule's total energy error checked against independent routes to the same numbers."""

from __future__ import annotations

import functools
import json
import time

import numpy as np
import psutil
import pytest

from fflux_studio.campaign import TaskEvent
from fflux_studio.campaign.manifest import MANIFEST_NAME
from fflux_studio.demo import demo_path
from fflux_studio.forcefield import load_model_set
from fflux_studio.forcefield.energy import evaluate
from fflux_studio.io.load import load_dataset
from fflux_studio.io.model_file import read_model
from fflux_studio.protocols import ProtocolSettings
from fflux_studio.splits import random_split
from fflux_studio.ui import campaign_job
from fflux_studio.ui.messages import CampaignPlan, Finished, ModelErrors, TotalErrors
from fflux_studio.ui.worker import NICENESS, Worker
from fflux_studio.units import HARTREE_TO_KJMOL

PROPERTIES = ("atomic_energy", "charge")


@pytest.fixture(scope="module")
def ethanol():
    return load_dataset(demo_path("ethanol"))


def request_for(dataset, folder, atoms=None, workers=2, train_size=60):
    train, test = random_split(dataset.n_frames, 40, train_size, 0)
    return campaign_job.CampaignRequest(dataset, "demo", tuple(atoms or dataset.atom_names), PROPERTIES, "dl",
                                        ProtocolSettings(n_starts=1), train, test, "none", workers, str(folder))


def run_in_worker(request, on_message=None, timeout=300.0) -> list:
    """The job in a session's Worker, as the Studio runs it; every message up to Finished."""
    worker = Worker()
    worker.start("campaign", functools.partial(campaign_job.run, request), children=True)
    messages, deadline = [], time.monotonic() + timeout
    try:
        while not any(isinstance(m, Finished) for m in messages):
            assert time.monotonic() < deadline, "the campaign did not finish"
            for message in worker.drain():
                messages.append(message)
                if on_message is not None:
                    on_message(worker, message)
            time.sleep(0.02)
    finally:
        worker.stop(timeout=10)
    return messages


def test_a_two_worker_campaign_trains_in_the_pool_of_its_own_process(ethanol, tmp_path):
    pools = []

    def watch(worker, message):
        if isinstance(message, TaskEvent) and message.state == "running" and not pools:
            pool = [p for p in psutil.Process(worker.process.pid).children() if "spawn_main" in " ".join(p.cmdline())]
            pools.append([p.nice() for p in pool])

    messages = run_in_worker(request_for(ethanol, tmp_path), watch)
    assert messages[-1].status == "done", messages[-1]
    assert isinstance(messages[0], CampaignPlan) and messages[0].energy == "atomic_energy"
    assert len(pools[0]) == 2, "the campaign process's own two pool workers train"
    assert min(pools[0]) >= min(19, psutil.Process().nice() + NICENESS), "the page's work comes first"
    manifest = json.loads((tmp_path / MANIFEST_NAME).read_text())
    assert manifest["counts"] == {"trained": 18}
    records = {(r["atom"], r["property"]): r for r in manifest["models"]}
    errors = {(m.atom, m.property): m for m in messages if isinstance(m, ModelErrors)}
    assert set(errors) == set(records)
    for key, message in errors.items():  # read back from the file here; measured in the pool from memory
        assert np.sqrt(np.mean(message.errors ** 2)) == pytest.approx(records[key]["test"]["rmse"], rel=1e-9)
        assert message.unit == records[key]["test"]["unit"]

    total, = [m for m in messages if isinstance(m, TotalErrors)]
    request = request_for(ethanol, tmp_path)
    summed = np.zeros(len(request.test))
    for atom in ethanol.atom_names:
        x, y = ethanol.xy(atom, "atomic_energy")
        model = read_model(tmp_path / f"ETHANOL_atomic_energy_{atom}.model")
        summed += model.predict(x[request.test]) - y[request.test]
    assert total.unit == "kJ/mol"
    np.testing.assert_allclose(total.errors, summed * HARTREE_TO_KJMOL, rtol=1e-9, atol=1e-9)
    # and from the geometries, as the force field computes a molecule's energy
    energy_models = tmp_path / "energy"
    energy_models.mkdir()
    for path in tmp_path.glob("*_atomic_energy_*.model"):
        (energy_models / path.name).write_text(path.read_text())
    force_field = load_model_set([energy_models])
    reference = sum(ethanol.xy(atom, "atomic_energy")[1] for atom in ethanol.atom_names)
    from_geometry = [evaluate(force_field, ethanol.geometries[frame]).energy - reference[frame]
                     for frame in request.test]
    np.testing.assert_allclose(total.errors, np.array(from_geometry) * HARTREE_TO_KJMOL, rtol=1e-6, atol=1e-6)


def test_no_total_without_every_atom(ethanol, tmp_path):
    messages = run_in_worker(request_for(ethanol, tmp_path, atoms=["C1", "H4"], workers=1))
    assert messages[-1].status == "done" and messages[0].energy is None
    assert not [m for m in messages if isinstance(m, TotalErrors)]
    assert len([m for m in messages if isinstance(m, ModelErrors)]) == 4


def test_cancel_keeps_finished_models_and_ends_as_cancelled(ethanol, tmp_path):
    def cancel_at_first_model(worker, message):
        if isinstance(message, TaskEvent) and message.state == "trained":
            worker.cancel.set()

    messages = run_in_worker(request_for(ethanol, tmp_path, train_size=300), cancel_at_first_model)
    assert messages[-1].status == "cancelled"
    manifest = json.loads((tmp_path / MANIFEST_NAME).read_text())
    status = {(r["atom"], r["property"]): r["status"] for r in manifest["models"]}
    trained = {key for key, s in status.items() if s == "trained"}
    assert trained and "cancelled" in status.values() and set(status.values()) <= {"trained", "cancelled"}
    assert {p.name for p in tmp_path.glob("*.model")} == {f"ETHANOL_{p}_{a}.model" for a, p in trained}
    for atom, prop in trained:
        assert read_model(tmp_path / f"ETHANOL_{prop}_{atom}.model").atom == atom
