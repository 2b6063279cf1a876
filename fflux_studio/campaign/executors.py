"""Where tasks run: in this process, or in local worker processes (Dask: dask_executor.py).

Every executor has the same small interface, which the campaign runner drives:
``submit(task, folder, donor_log_theta)``; ``poll(timeout)`` -> list of ("running", key) and
("finished", record); ``cancel()`` (running tasks stop at their next likelihood evaluation, queued
ones are dropped, each reported as a ``cancelled`` record); ``outstanding``; and ``with`` closes it.
"""

from __future__ import annotations

import multiprocessing
import queue
import signal
import threading
from collections import deque
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait

from threadpoolctl import threadpool_limits

from fflux_studio.campaign.train import describe, train_task
from fflux_studio.optimize.cancel_flag import CancelFlag
from fflux_studio.orphans import exit_with_parent


def cancelled_record(task) -> dict:
    return {**describe(task), "status": "cancelled", "seconds": {"total": 0.0}}


def failed_record(task, error: BaseException) -> dict:
    return {**describe(task), "status": "failed", "message": f"{type(error).__name__}: {error}",
            "seconds": {"total": 0.0}}


class InProcessExecutor:
    """One task after another in the calling thread (the ``callback`` sees every optimiser iteration).

    Give it the campaign's ``cancel`` token: the runner only looks at that token between tasks, and
    a task trained here holds the thread, so only the task itself can see a cancel that comes mid-fit.
    """

    def __init__(self, blas_threads: int = 1, callback=None, cancel=None):
        self.blas_threads = blas_threads
        self.callback = callback
        self._queue = deque()
        self._cancel = cancel if cancel is not None else threading.Event()
        self._announced = None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self._queue.clear()

    @property
    def outstanding(self) -> int:
        return len(self._queue)

    def submit(self, task, folder, donor_log_theta=None) -> None:
        self._queue.append((task, folder, donor_log_theta))

    def cancel(self) -> None:
        self._cancel.set()

    def poll(self, timeout: float = 0.0) -> list:
        if not self._queue:
            return []
        task, folder, donor = self._queue[0]
        if self._cancel.is_set():
            self._queue.popleft()
            return [("finished", cancelled_record(task))]
        if self._announced is not task:
            self._announced = task
            return [("running", task.key)]
        self._queue.popleft()
        with threadpool_limits(self.blas_threads):
            return [("finished", train_task(task, folder, donor, self._cancel, self.callback))]


_worker = {}


def _start_worker(blas_threads, cancel, started) -> None:
    """Pool initialiser: BLAS threads bounded, SIGINT left to the parent (it cancels through ``cancel``),
    and the worker ends with its parent (a killed CLI or Studio campaign process leaves no pool behind)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    exit_with_parent()
    threadpool_limits(blas_threads)
    _worker.update(cancel=cancel, started=started)


def _run_in_worker(task, folder, donor_log_theta) -> dict:
    _worker["started"].put(task.key)
    return train_task(task, folder, donor_log_theta, _worker["cancel"])


class ProcessExecutor:
    """A local pool of ``workers`` processes (spawned), each with ``blas_threads`` BLAS threads."""

    def __init__(self, workers: int, blas_threads: int = 1):
        context = multiprocessing.get_context("spawn")
        self._cancel = CancelFlag(context)
        self._started = context.Queue()
        self._pool = ProcessPoolExecutor(max_workers=workers, mp_context=context, initializer=_start_worker,
                                         initargs=(blas_threads, self._cancel, self._started))
        self._futures = {}

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.cancel()
        self._pool.shutdown(wait=True, cancel_futures=True)
        self._started.close()

    @property
    def outstanding(self) -> int:
        return len(self._futures)

    def submit(self, task, folder, donor_log_theta=None) -> None:
        self._futures[self._pool.submit(_run_in_worker, task, folder, donor_log_theta)] = task

    def cancel(self) -> None:
        self._cancel.set()
        for future in self._futures:
            future.cancel()

    def poll(self, timeout: float = 0.0) -> list:
        done, _ = wait(self._futures, timeout=timeout, return_when=FIRST_COMPLETED) if self._futures else ((), ())
        events = []
        while True:
            try:
                events.append(("running", self._started.get_nowait()))
            except queue.Empty:
                break
        for future in done:
            task = self._futures.pop(future)
            if future.cancelled():
                events.append(("finished", cancelled_record(task)))
            elif future.exception() is not None:
                events.append(("finished", failed_record(task, future.exception())))
            else:
                events.append(("finished", future.result()))
        return events
