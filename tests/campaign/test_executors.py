"""Local worker processes give the models this process gives, bit for bit, and stop when cancelled."""

import multiprocessing
import threading
import time

import psutil
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


def test_in_process_a_cancel_mid_fit_stops_that_fit(tasks, tmp_path):
    """The runner checks its token between tasks only; the executor given the same token stops the
    task that holds the thread at its next likelihood evaluation."""
    cancel = threading.Event()
    iterations = []

    def cancel_at_third_iteration(event):
        iterations.append(event)
        if len(iterations) == 3:
            cancel.set()
    document = run_campaign(tasks, tmp_path, InProcessExecutor(callback=cancel_at_third_iteration, cancel=cancel),
                            cancel=cancel)
    assert [r["status"] for r in document["models"]] == ["cancelled"] * len(tasks)
    assert len(iterations) == 3 and not list(tmp_path.glob("*.model"))


def _hold_pool(tasks, folder, pids):
    """A stand-in for a campaign process: a 2-worker pool busy with ``tasks``, then killed."""
    with ProcessExecutor(2) as executor:
        for task in tasks:
            executor.submit(task, folder)
        pids.put([child.pid for child in psutil.Process().children()])
        time.sleep(600)


def test_pool_workers_end_when_the_process_holding_the_pool_is_killed(tasks, tmp_path):
    """A killed campaign process (a Studio session closed, a CLI killed with -9) leaves no pool
    worker computing, or waiting on its task queue, for ever."""
    context = multiprocessing.get_context("spawn")
    pids = context.SimpleQueue()
    holder = context.Process(target=_hold_pool, args=(tasks * 20, tmp_path, pids))
    holder.start()
    try:
        workers = pids.get()
        assert workers
        holder.kill()
        deadline = time.monotonic() + 60
        while any(psutil.pid_exists(p) and psutil.Process(p).status() != psutil.STATUS_ZOMBIE for p in workers):
            assert time.monotonic() < deadline, "a pool worker outlived the process that held its pool"
            time.sleep(0.1)
    finally:
        holder.kill()
        holder.join(10)
