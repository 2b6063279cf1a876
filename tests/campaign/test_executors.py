"""Local worker processes give the models this process gives, bit for bit, and stop when cancelled."""

import threading

import pytest

from fflux_studio.campaign import InProcessExecutor, ProcessExecutor, run_campaign


@pytest.fixture(scope="module")
def tasks(plan):
    return plan(["C1", "C2", "H7"], transfer="all")


@pytest.fixture(scope="module")
def serial(tasks, tmp_path_factory, written_models):
    folder = tmp_path_factory.mktemp("serial")
    run_campaign(tasks, folder, InProcessExecutor())
    return written_models(folder)


def test_two_processes_write_the_same_files(tasks, serial, tmp_path, written_models):
    seen = []
    document = run_campaign(tasks, tmp_path, ProcessExecutor(2), on_event=seen.append)
    assert document["counts"] == {"trained": 6}
    assert written_models(tmp_path) == serial
    assert {e.state for e in seen} == {"queued", "running", "trained"}


def test_cancel_stops_running_workers_and_keeps_finished_models(tasks, tmp_path):
    cancel = threading.Event()

    def stop_at_first_result(event):
        if event.final:
            cancel.set()
    document = run_campaign(tasks, tmp_path, ProcessExecutor(2), on_event=stop_at_first_result, cancel=cancel)
    status = [r["status"] for r in document["models"]]
    assert status.count("cancelled") >= 3 and set(status) <= {"trained", "cancelled"}
    assert sorted(p.name for p in tmp_path.glob("*.model")) == sorted(
        t.file_name for t, s in zip(tasks, status) if s == "trained")
