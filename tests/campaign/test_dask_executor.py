"""On a Dask LocalCluster: the same models as in this process, and a killed worker loses no task."""

import os
import signal
import threading

import pytest
from threadpoolctl import threadpool_info

pytest.importorskip("distributed")

from fflux_studio.campaign import DaskExecutor, InProcessExecutor, run_campaign  # noqa: E402


def test_local_cluster_writes_the_same_files_as_this_process(plan, tmp_path, written_models):
    tasks = plan(["C1", "C2"], transfer="all")
    run_campaign(tasks, tmp_path / "serial", InProcessExecutor())
    executor = DaskExecutor("local", workers=2)
    blas = {}

    def look_at_blas_threads(event):
        if not blas:
            blas.update(executor.client.run(lambda: {pool["num_threads"] for pool in threadpool_info()
                                                     if pool["user_api"] == "blas"}))
    document = run_campaign(tasks, tmp_path / "dask", executor, on_event=look_at_blas_threads)
    assert len(blas) == 2 and all(threads == {1} for threads in blas.values())
    assert document["counts"] == {"trained": 4}
    assert written_models(tmp_path / "dask") == written_models(tmp_path / "serial")


def test_a_killed_worker_loses_no_task(plan, tmp_path):
    tasks = plan(["C1", "C2", "H7", "H8"], ["atomic_energy"])
    executor = DaskExecutor("local", workers=2)
    killed = []

    def kill_the_first_busy_worker(event):
        if event.state != "running" or killed:
            return
        busy = [address for address, keys in executor.client.processing().items()
                if f"fflux-task-{event.key}" in keys]
        pids = executor.client.run(os.getpid, workers=busy)
        for pid in pids.values():
            os.kill(pid, signal.SIGKILL)
            killed.append(pid)
    document = run_campaign(tasks, tmp_path, executor, on_event=kill_the_first_busy_worker)
    assert killed
    assert document["counts"] == {"trained": 4}
    assert sorted(p.name for p in tmp_path.glob("*.model")) == sorted(t.file_name for t in tasks)


def test_cancel_stops_the_workers_and_keeps_finished_models(benzene, plan, tmp_path):
    tasks = plan(benzene.atom_names, ["atomic_energy"])  # more than the workers have started or queued
    cancel = threading.Event()

    def stop_at_first_result(event):
        if event.final:
            cancel.set()
    document = run_campaign(tasks, tmp_path, DaskExecutor("local", workers=2), on_event=stop_at_first_result,
                            cancel=cancel)
    status = [r["status"] for r in document["models"]]
    assert status.count("cancelled") >= 6 and set(status) <= {"trained", "cancelled"}
    assert sorted(p.name for p in tmp_path.glob("*.model")) == sorted(
        t.file_name for t, s in zip(tasks, status) if s == "trained")


def test_a_cluster_at_an_address_is_used_and_left_running_and_a_local_one_is_closed_on_error(plan, tmp_path):
    from distributed import LocalCluster
    from distributed.core import Status

    tasks = plan(["C1", "H7"], ["charge"])
    with LocalCluster(n_workers=1, threads_per_worker=1, processes=True, dashboard_address=":0") as cluster:
        document = run_campaign(tasks, tmp_path / "remote", DaskExecutor(cluster.scheduler_address))
        assert document["counts"] == {"trained": 2}
        assert cluster.status == Status.running

    local = DaskExecutor("local", workers=1)

    def fail(event):
        raise RuntimeError("watcher broke")
    with pytest.raises(RuntimeError, match="watcher broke"):
        run_campaign(tasks, tmp_path / "local", local, on_event=fail)
    assert local._cluster.status == Status.closed


def test_an_unreachable_scheduler_is_an_oserror():
    with pytest.raises(OSError):
        DaskExecutor("tcp://127.0.0.1:9", workers=None)
