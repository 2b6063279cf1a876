"""The session's worker thread and the jobs it runs: messages flow, cancel stops, errors become
messages, and two sessions never see each other's messages. No browser needed."""

from __future__ import annotations

import threading
import time

import numpy as np
import pytest

from fflux_studio.dataset import AtomFeatures, Dataset
from fflux_studio.gpr import NotPositiveDefinite
from fflux_studio.optimize.events import check_cancel
from fflux_studio.protocols import ProtocolSettings
from fflux_studio.ui import jobs
from fflux_studio.ui.landscape import LandscapeTracker
from fflux_studio.ui.worker import Busy, Worker


def finish(worker, timeout=120.0) -> list[dict]:
    """Every message of the current job, up to and including its ``finished``."""
    messages, deadline = [], time.monotonic() + timeout
    while not any(m["kind"] == "finished" for m in messages):
        assert time.monotonic() < deadline, "the job did not finish"
        messages += worker.drain()
        time.sleep(0.02)
    return messages


def toy(n=90, d=3, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.uniform(0, 2, size=(n, d))
    y = np.sin(x[:, 0]) + 0.5 * np.cos(2 * x[:, 1]) + 0.1 * x[:, 2]
    return x, y


def toy_problem():
    x, y = toy()
    return jobs.Problem(x[:60], y[:60], x[60:], y[60:], "Ha", {"system": "TOY", "atom": "A1", "property_name": "iqa"})


def test_messages_arrive_in_order_and_end_with_finished():
    worker = Worker()
    worker.start("demo", lambda emit, cancel: [emit({"kind": "n", "value": k}) for k in range(3)])
    messages = finish(worker)
    assert [m.get("value") for m in messages[:3]] == [0, 1, 2]
    assert messages[-1] == {"kind": "finished", "task": "demo", "status": "done", "message": ""}


def test_cancel_stops_a_running_job():
    worker = Worker()
    started = threading.Event()

    def job(emit, cancel):
        started.set()
        while True:
            check_cancel(cancel)
            time.sleep(0.01)

    worker.start("loop", job)
    started.wait(5)
    with pytest.raises(Busy):
        worker.start("second", job)
    worker.cancel.set()
    assert finish(worker)[-1]["status"] == "cancelled"
    assert not worker.busy


def test_errors_become_messages_not_tracebacks():
    worker = Worker()

    def job(emit, cancel):
        raise NotPositiveDefinite("R is not positive definite")

    worker.start("train", job)
    last = finish(worker)[-1]
    assert last["status"] == "failed" and "not positive definite" in last["message"]


def test_two_workers_keep_their_messages_apart():
    workers = [Worker(), Worker()]
    for k, worker in enumerate(workers):
        worker.start("tag", lambda emit, cancel, k=k: [emit({"kind": "tag", "owner": k}) for _ in range(50)])
    for k, worker in enumerate(workers):
        assert {m["owner"] for m in finish(worker) if m["kind"] == "tag"} == {k}


def test_train_job_streams_iterations_a_landscape_and_the_run():
    worker = Worker()
    settings = ProtocolSettings(n_seeds=2, subset=20)
    worker.start("train", lambda emit, cancel: jobs.train("tl", toy_problem(), settings, emit, cancel))
    messages = finish(worker)
    kinds = [m["kind"] for m in messages]
    assert kinds[0] == "start" and kinds[-1] == "finished" and messages[-1]["status"] == "done"
    phases = {m["phase"] for m in messages if m["kind"] == "iteration"}
    assert {"seeding", "selection", "relaxation"} <= phases
    assert "landscape" in kinds
    run = next(m["run"] for m in messages if m["kind"] == "run")
    assert run.unit == "kJ/mol" and len(run.errors) == 30
    assert run.metrics["test_rmse"] > 0 and run.model.atom == "A1"


def test_cancelled_training_stops_its_landscape_thread_too():
    worker = Worker()
    box = []
    settings = ProtocolSettings(seed_optimizer="pso", n_seeds=3, subset=20, pso_max_iterations=10_000,
                                seed_max_iterations=10_000)
    worker.start("train", lambda emit, cancel: jobs.train("tl", toy_problem(), settings, emit, cancel, tracker_box=box))
    deadline = time.monotonic() + 60
    while not box or not any(m["kind"] == "iteration" for m in worker.drain()):
        assert time.monotonic() < deadline
        time.sleep(0.02)
    worker.cancel.set()
    assert finish(worker)[-1]["status"] == "cancelled"
    box[0].thread.join(10)
    assert not box[0].thread.is_alive()


def test_landscape_tracker_follows_the_best_point():
    x, y = toy(40)
    grids = []
    tracker = LandscapeTracker(x, y, "rbf", "concentrated", 1e-10, grids.append, rest=0.0)
    tracker.choose((0, 2))
    tracker.follow(np.zeros(3))
    tracker.start().finish()
    tracker.thread.join(30)
    (grid,) = grids
    assert (grid["i"], grid["j"]) == (0, 2)
    values = np.array(grid["values"])
    assert values.shape == (tracker.n, tracker.n) and np.isfinite(values).any()
    assert grid["centre"] == [0.0, 0.0, 0.0]


def test_landscape_defaults_to_the_most_influential_pair():
    x, y = toy(40)
    x[:, 1] *= 10
    grids = []
    tracker = LandscapeTracker(x, y, "rbf", "concentrated", 1e-10, grids.append, rest=0.0)
    tracker.follow(np.array([0.0, 0.0, -3.0]))
    tracker.start().finish()
    tracker.thread.join(30)
    assert (grids[0]["i"], grids[0]["j"]) == (1, 0)


def test_load_job_hands_over_the_dataset():
    x, y = toy()
    dataset = Dataset("toy", {"A1": AtomFeatures("A1", x)}, {"A1": {"iqa": y}})
    worker = Worker()
    worker.start("loading", lambda emit, cancel: jobs.load(lambda: dataset, "toy", emit, cancel))
    first = finish(worker)[0]
    assert first["kind"] == "dataset" and first["dataset"] is dataset
