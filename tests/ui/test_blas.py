"""BLAS threads: one while any session's job runs, the kernel's own setting before and after."""

import threading

import numpy as np  # noqa: F401  (loads the BLAS whose threads are counted)
from threadpoolctl import threadpool_info, threadpool_limits

from fflux_studio.ui import blas
from fflux_studio.ui.studio import Studio


def blas_threads() -> set[int]:
    return {pool["num_threads"] for pool in threadpool_info() if pool["user_api"] == "blas"}


def seen_by_a_thread() -> set[int]:
    seen = []
    thread = threading.Thread(target=lambda: seen.append(blas_threads()))
    thread.start()
    thread.join()
    return seen[0]


def test_sessions_share_one_limit_until_the_last_releases_it():
    first, second = object(), object()
    with threadpool_limits(2):
        blas.hold(first)
        blas.hold(second)
        blas.release(first)
        blas.release(first)
        assert seen_by_a_thread() == {1}
        blas.release(second)
        assert seen_by_a_thread() == blas_threads() == {2}


def test_a_studio_limits_blas_only_while_its_job_runs():
    with threadpool_limits(2):
        studio = Studio(demo=None)
        assert blas_threads() == {2}
        started, seen = threading.Event(), []

        def job(emit, cancel):
            started.set()
            seen.append(blas_threads())
            cancel.wait(10)

        studio._launch("probe", job)
        started.wait(10)
        studio.cancel()
        studio.worker.thread.join(10)
        studio.drain()
        assert seen == [{1}]
        assert blas_threads() == {2}
