"""Tasks on a Dask cluster: a scheduler address, or ``local`` for a LocalCluster on this machine.

Dask's own machinery does the work: each task is a future keyed by the task's key (submitting the
same task twice is one computation), ``retries`` covers passing errors (a full disk on a shared
file system), the scheduler reruns the task of a worker that died, and results stream back with
``as_completed``. Tasks write their models into the campaign folder themselves, so on a real
cluster that folder must be on a file system every worker sees. Every worker runs BLAS with
``blas_threads`` threads (a worker plugin, so workers that join later get it too). A LocalCluster
made here is closed on every way out.
"""

from __future__ import annotations

import os
import queue
import time
import uuid

from threadpoolctl import threadpool_limits

from fflux_studio.campaign.executors import cancelled_record, failed_record
from fflux_studio.campaign.train import train_task

try:
    from distributed import Client, Event, LocalCluster, as_completed, get_worker
    from distributed.diagnostics.plugin import WorkerPlugin
except ImportError:  # the optional ``dask`` extra
    Client = None
    WorkerPlugin = object

TOPIC = "fflux-campaign-started"
CONNECT_SECONDS = 10


class BlasThreads(WorkerPlugin):
    """Bound BLAS threads in every worker process (the default of several fits per machine)."""

    name = "fflux-blas-threads"

    def __init__(self, threads: int):
        self.threads = threads

    def setup(self, worker):
        threadpool_limits(self.threads)


class ThrottledEvent:
    """A Dask Event looked at no more than every ``interval`` seconds: the optimiser asks at every
    likelihood evaluation, and each look is a round trip to the scheduler."""

    def __init__(self, name: str, interval: float = 1.0):
        self.name, self.interval = name, interval
        self._event = None
        self._looked = float("-inf")
        self._set = False

    def is_set(self) -> bool:
        now = time.monotonic()
        if not self._set and now - self._looked >= self.interval:
            self._event = self._event or Event(self.name)
            self._set, self._looked = self._event.is_set(), now
        return self._set


def _run_on_worker(task, folder, donor_log_theta, cancel_name) -> dict:
    get_worker().log_event(TOPIC, task.key)
    return train_task(task, folder, donor_log_theta, ThrottledEvent(cancel_name))


class DaskExecutor:
    """Tasks as keyed Dask futures on ``address`` (``local``: a LocalCluster of ``workers`` processes)."""

    def __init__(self, address: str, workers: int | None = None, blas_threads: int = 1, retries: int = 2):
        if Client is None:
            raise RuntimeError("Dask is not installed: pip install 'fflux-studio[dask]'")
        self.retries = retries
        self._cluster = self.client = None
        self._futures = {}
        self._started = queue.SimpleQueue()
        self._cancel_name = f"fflux-cancel-{uuid.uuid4().hex}"
        try:
            if address == "local":
                self._cluster = LocalCluster(n_workers=workers or os.cpu_count() or 1, threads_per_worker=1,
                                             processes=True, dashboard_address=":0")
            self.client = Client(self._cluster if self._cluster is not None else address, timeout=CONNECT_SECONDS)
            self.client.register_plugin(BlasThreads(blas_threads))
            self.client.subscribe_topic(TOPIC, lambda event: self._started.put(event[1]))
            self._cancel = Event(self._cancel_name, client=self.client)
        except BaseException:
            self.close()
            raise
        self._completed = as_completed()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.cancel()
        self.close()

    def close(self) -> None:
        """Close the client and the LocalCluster made here (never a cluster at an address)."""
        try:
            if self.client is not None:
                self.client.unsubscribe_topic(TOPIC)
                self.client.close()
        finally:
            if self._cluster is not None:
                self._cluster.close()

    @property
    def outstanding(self) -> int:
        return len(self._futures)

    def submit(self, task, folder, donor_log_theta=None) -> None:
        future = self.client.submit(_run_on_worker, task, str(folder), donor_log_theta, self._cancel_name,
                                    key=f"fflux-task-{task.key}", retries=self.retries)
        self._futures[future.key] = (future, task)
        self._completed.add(future)

    def cancel(self) -> None:
        """Tell every task to stop; each still reports, so a model finished meanwhile is recorded as trained
        (cancelling the futures instead would drop the record of a model already written)."""
        if self._futures:
            self._cancel.set()

    def poll(self, timeout: float = 0.0) -> list:
        events = [("running", key) for key in self._started_keys(0.0 if self._completed.has_ready() else timeout)]
        for future in self._completed.next_batch(block=False) if self._completed.has_ready() else []:
            _, task = self._futures.pop(future.key)
            if future.status == "cancelled":
                events.append(("finished", cancelled_record(task)))
            elif future.status == "error":
                events.append(("finished", failed_record(task, future.exception())))
            else:
                events.append(("finished", future.result()))
        return events

    def _started_keys(self, timeout: float) -> list:
        """Keys of tasks that workers started, waiting up to ``timeout`` for the first."""
        keys = []
        try:
            keys.append(self._started.get(timeout=timeout) if timeout > 0 else self._started.get_nowait())
            while True:
                keys.append(self._started.get_nowait())
        except queue.Empty:
            return keys
