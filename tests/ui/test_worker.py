"""The session's worker process and the jobs it runs: typed messages flow, cancel stops, errors
become messages (and their tracebacks go to the log), and two sessions never see each other's
messages. No browser needed.

Jobs given to a Worker run in another process, so they are module-level functions (they pickle).
"""

from __future__ import annotations

import functools
import logging
import multiprocessing
import subprocess
import sys
import threading
import time

import numpy as np
import psutil
import pytest

from threadpoolctl import threadpool_info, threadpool_limits

from fflux_studio.dataset import AtomFeatures, Dataset
from fflux_studio.gpr import NotPositiveDefinite
from fflux_studio.optimize.events import check_cancel
from fflux_studio.protocols import ProtocolSettings
from fflux_studio.ui import jobs
from fflux_studio.ui.landscape import LandscapeTracker
from fflux_studio.ui.messages import (ChoosePair, Finished, Iteration, LandscapeGrid, Loaded, RunDone, Started)
from fflux_studio.ui.worker import NICENESS, Busy, Worker


def finish(worker, timeout=120.0) -> list:
    """Every message of the current job, up to and including its Finished."""
    messages, deadline = [], time.monotonic() + timeout
    while not any(isinstance(m, Finished) for m in messages):
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


def count(emit, cancel, inbox, owner=0):
    for k in range(50):
        emit(Loaded(k, f"owner {owner}"))


def spin_on_cancel(emit, cancel, inbox):
    """Check the cancel token as fast as possible: a kill lands while a check is under way."""
    emit(Loaded(None, "spinning"))
    while True:
        check_cancel(cancel)


def loop_until_cancelled(emit, cancel, inbox):
    emit(Loaded(None, "looping"))
    while True:
        check_cancel(cancel)
        time.sleep(0.01)


def not_positive_definite(emit, cancel, inbox):
    raise NotPositiveDefinite("R is not positive definite")


def bad_value(emit, cancel, inbox):
    raise ValueError("subset of 63 points is not smaller than the training set")


def dies(emit, cancel, inbox):
    import os

    os._exit(3)


def blas_threads() -> set[int]:
    return {pool["num_threads"] for pool in threadpool_info() if pool["user_api"] == "blas"}


def report_blas_threads(emit, cancel, inbox):
    emit(Loaded(blas_threads(), "BLAS threads in the worker"))


def test_jobs_run_on_one_blas_thread_and_leave_the_servers_setting_alone():
    with threadpool_limits(2):
        worker = Worker()
        worker.start("probe", report_blas_threads)
        first = finish(worker)[0]
        assert first.dataset == {1}
        assert blas_threads() == {2}


def report_niceness(emit, cancel, inbox):
    emit(Loaded(psutil.Process().nice(), "scheduling niceness of the worker"))


def test_jobs_run_below_the_servers_priority():
    worker = Worker()
    worker.start("probe", report_niceness)
    first = finish(worker)[0]
    assert first.dataset == min(19, psutil.Process().nice() + NICENESS), "the page's work comes first"


def test_messages_arrive_in_order_and_end_with_finished():
    worker = Worker()
    worker.start("demo", count)
    messages = finish(worker)
    assert [m.dataset for m in messages[:-1]] == list(range(50))
    assert messages[-1] == Finished("demo", "done", "")


def test_cancel_stops_a_running_job():
    worker = Worker()
    worker.start("loop", loop_until_cancelled)
    deadline = time.monotonic() + 60
    while not worker.drain():
        assert time.monotonic() < deadline
        time.sleep(0.02)
    with pytest.raises(Busy):
        worker.start("second", loop_until_cancelled)
    worker.cancel.set()
    assert finish(worker)[-1].status == "cancelled"
    assert not worker.busy


def test_killing_a_worker_mid_check_never_blocks_the_next_cancel():
    """A closed tab kills its worker at once; the cancel token must stay usable afterwards (a
    multiprocessing.Event was left locked by the killed process and the next set() hung for ever)."""
    worker = Worker()
    for _ in range(5):
        worker.start("spin", spin_on_cancel)
        deadline = time.monotonic() + 60
        while not worker.drain():
            assert time.monotonic() < deadline
            time.sleep(0.02)
        time.sleep(0.2)
        worker.process.kill()
        assert finish(worker)[-1].status == "failed"
        stopper = threading.Thread(target=worker.stop, kwargs={"timeout": 1}, daemon=True)
        stopper.start()
        stopper.join(10)
        assert not stopper.is_alive(), "stop() blocked on the cancel token of a killed worker"


def test_errors_become_messages_in_words():
    worker = Worker()
    worker.start("train", not_positive_definite)
    last = finish(worker)[-1]
    assert last.status == "failed" and last.message == "R is not positive definite"


def test_a_value_error_is_shown_in_words_and_its_traceback_logged(caplog):
    worker = Worker()
    with caplog.at_level(logging.ERROR, logger="fflux_studio.ui.worker"):
        worker.start("learning curve", bad_value)
        last = finish(worker)[-1]
    assert last.status == "failed" and last.message == "subset of 63 points is not smaller than the training set"
    (record,) = caplog.records
    assert "Traceback" in record.getMessage() and "in bad_value" in record.getMessage()


def test_a_process_that_dies_still_ends_its_job():
    worker = Worker()
    worker.start("train", dies)
    last = finish(worker)[-1]
    assert last.status == "failed" and "exit code 3" in last.message
    assert not worker.busy


def test_two_workers_keep_their_messages_apart():
    workers = [Worker(), Worker()]
    for k, worker in enumerate(workers):
        worker.start("tag", functools.partial(count, owner=k))
    for k, worker in enumerate(workers):
        assert {m.source for m in finish(worker) if isinstance(m, Loaded)} == {f"owner {k}"}


def test_train_job_sends_its_result_before_the_final_landscape():
    worker = Worker()
    settings = ProtocolSettings(n_seeds=2, subset=20)
    worker.start("train", functools.partial(jobs.train, "tl", toy_problem(), settings))
    messages = finish(worker)
    assert isinstance(messages[0], Started) and messages[-1] == Finished("train", "done", "")
    phases = {m.event["phase"] for m in messages if isinstance(m, Iteration)}
    assert {"seeding", "selection", "relaxation"} <= phases
    kinds = [type(m) for m in messages]
    assert kinds.index(RunDone) < len(kinds) - 1 - kinds[::-1].index(LandscapeGrid)
    final = [m for m in messages if isinstance(m, LandscapeGrid)][-1]
    run = next(m.run for m in messages if isinstance(m, RunDone))
    assert np.allclose(final.centre, run.result.log_theta)
    assert run.unit == "kJ/mol" and len(run.errors) == 30
    assert run.metrics["test_rmse"] > 0 and run.model.atom == "A1"


def test_the_landscape_pair_can_be_chosen_during_a_run():
    worker = Worker()
    settings = ProtocolSettings(seed_optimizer="pso", n_seeds=2, subset=20, pso_max_iterations=300,
                                seed_max_iterations=300)
    worker.start("train", functools.partial(jobs.train, "tl", toy_problem(), settings))
    messages, deadline = [], time.monotonic() + 60
    while not any(isinstance(m, Iteration) for m in messages):
        assert time.monotonic() < deadline
        messages += worker.drain()
        time.sleep(0.02)
    worker.send(ChoosePair((0, 2)))
    messages += finish(worker)
    assert [m.pair for m in messages if isinstance(m, LandscapeGrid)][-1] == (0, 2)


def test_cancelled_training_ends_its_process():
    worker = Worker()
    settings = ProtocolSettings(seed_optimizer="pso", n_seeds=3, subset=20, pso_max_iterations=10_000,
                                seed_max_iterations=10_000)
    worker.start("train", functools.partial(jobs.train, "tl", toy_problem(), settings))
    deadline = time.monotonic() + 60
    while not any(isinstance(m, Iteration) for m in worker.drain()):
        assert time.monotonic() < deadline
        time.sleep(0.02)
    worker.cancel.set()
    assert finish(worker)[-1].status == "cancelled"
    worker.process.join(10)
    assert not worker.process.is_alive()


def test_landscape_tracker_follows_the_best_point():
    x, y = toy(40)
    grids = []
    tracker = LandscapeTracker(x, y, "rbf", "concentrated", 1e-10, grids.append, rest=0.0, pair=(0, 2))
    tracker.follow(np.zeros(3))
    tracker.start().finish()
    tracker.thread.join(30)
    (grid,) = grids
    assert grid.pair == (0, 2)
    assert grid.values.shape == (tracker.n, tracker.n) and np.isfinite(grid.values).any()
    assert list(grid.centre) == [0.0, 0.0, 0.0]


def test_landscape_grid_spans_the_full_set_path_not_the_seeds():
    x, y = toy(40)
    grids = []
    tracker = LandscapeTracker(x, y, "rbf", "concentrated", 1e-10, grids.append, rest=0.0, pair=(0, 1))
    tracker.follow(np.array([-270.0, -20.0, 0.0]), "seeding")
    for point in ([-6.0, 1.0, 0.0], [-2.0, -1.0, 0.0], [0.0, 0.0, 0.0]):
        tracker.follow(np.array(point), "direct")
    tracker.start().finish()
    tracker.thread.join(30)
    grid = grids[-1]
    assert (grid.grid_i[0], grid.grid_i[-1]) == pytest.approx((-6.5, 0.5))
    assert (grid.grid_j[0], grid.grid_j[-1]) == pytest.approx((-3.0, 3.0))


def test_landscape_defaults_to_the_most_influential_pair():
    x, y = toy(40)
    x[:, 1] *= 10
    grids = []
    tracker = LandscapeTracker(x, y, "rbf", "concentrated", 1e-10, grids.append, rest=0.0)
    tracker.follow(np.array([0.0, 0.0, -3.0]))
    tracker.start().finish()
    tracker.thread.join(30)
    assert grids[0].pair == (1, 0)


def test_landscape_tracker_takes_a_new_pair_from_its_inbox():
    x, y = toy(40)
    grids = []
    tracker = LandscapeTracker(x, y, "rbf", "concentrated", 1e-10, grids.append, rest=0.0, pair=(0, 1))
    tracker.follow(np.zeros(3))
    tracker.choose((1, 2))
    tracker.start().finish()
    tracker.thread.join(30)
    assert [g.pair for g in grids] == [(1, 2)]


def test_load_job_hands_over_the_dataset():
    x, y = toy()
    worker = Worker()
    worker.start("loading", functools.partial(jobs.load, functools.partial(toy_dataset, x, y), "toy"))
    first = finish(worker)[0]
    assert isinstance(first, Loaded) and first.source == "toy"
    assert np.array_equal(first.dataset.xy("A1", "iqa")[0], x)


def toy_dataset(x, y):
    return Dataset("toy", {"A1": AtomFeatures("A1", x)}, {"A1": {"iqa": y}})


def _child_square(value, answer):
    answer.put(value * value)


def start_a_process(emit, cancel, inbox):
    """What a campaign job does: start processes of its own (a daemon process may not)."""
    context = multiprocessing.get_context("spawn")
    answer = context.SimpleQueue()
    child = context.Process(target=_child_square, args=(7, answer))
    child.start()
    emit(Loaded(answer.get(), "from a grandchild"))
    child.join()


def test_a_job_with_children_may_start_processes_and_a_plain_job_may_not():
    worker = Worker()
    worker.start("pool", start_a_process, children=True)
    messages = finish(worker)
    assert messages[0].dataset == 49 and messages[-1].status == "done"
    worker.start("pool", start_a_process)
    assert "daemonic processes are not allowed to have children" in finish(worker)[-1].message


EXITING = """
import sys, time
sys.path.insert(0, {folder!r})
from fflux_studio.ui.worker import Worker
from endless import endless
if __name__ == "__main__":
    worker = Worker()
    worker.start("campaign", endless, children=True)
    while not worker.drain():
        time.sleep(0.05)
    print(worker.process.pid, flush=True)
"""

ENDLESS = """
import time
from fflux_studio.optimize.events import check_cancel
from fflux_studio.ui.messages import Loaded

def endless(emit, cancel, inbox):
    emit(Loaded(None, "started"))
    while True:
        check_cancel(cancel)
        time.sleep(0.01)
"""


def test_the_server_exits_while_a_job_with_children_runs(tmp_path):
    """A non-daemon job process would be waited for at interpreter exit; the exit hook stops it."""
    (tmp_path / "endless.py").write_text(ENDLESS)
    script = tmp_path / "server.py"
    script.write_text(EXITING.format(folder=str(tmp_path)))
    done = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    job = int(done.stdout.split()[0])
    deadline = time.monotonic() + 30
    while psutil.pid_exists(job) and psutil.Process(job).status() != psutil.STATUS_ZOMBIE:
        assert time.monotonic() < deadline, "the job's process outlived the server"
        time.sleep(0.05)
