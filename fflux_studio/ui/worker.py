"""One background thread per browser session, so training never blocks the page.

The thread runs a job ``job(emit, cancel)`` and ``emit`` puts plain dicts on a SimpleQueue; the page
drains the queue on a periodic callback. Nothing here touches a Panel or HoloViews object, and
nothing is shared between sessions: each session builds its own Worker.
"""

from __future__ import annotations

import queue
import threading
import traceback

from fflux_studio.dataset import DatasetError
from fflux_studio.gpr import NotPositiveDefinite
from fflux_studio.io.errors import InputError
from fflux_studio.optimize.events import Cancelled

EXPECTED = (NotPositiveDefinite, InputError, DatasetError, ValueError, ArithmeticError)


class Busy(RuntimeError):
    """A job is already running in this session."""


class Worker:
    """Runs one job at a time in a daemon thread; messages come back through :meth:`drain`.

    Every job ends with exactly one ``{"kind": "finished", "status": ...}`` message, status being
    ``done``, ``cancelled`` or ``failed`` (with ``message``), so the page always learns the outcome.
    """

    def __init__(self):
        self.queue: queue.SimpleQueue = queue.SimpleQueue()
        self.cancel = threading.Event()
        self.thread: threading.Thread | None = None
        self.task = ""

    @property
    def busy(self) -> bool:
        return self.thread is not None and self.thread.is_alive()

    def start(self, task: str, job) -> None:
        if self.busy:
            raise Busy(f"{self.task} is still running; cancel it first")
        self.cancel = threading.Event()
        self.task = task
        self.thread = threading.Thread(target=self._run, args=(job, self.cancel), name=f"fflux-{task}",
                                       daemon=True)
        self.thread.start()

    def _run(self, job, cancel) -> None:
        emit = self.queue.put
        try:
            job(emit, cancel)
        except Cancelled:
            emit({"kind": "finished", "task": self.task, "status": "cancelled", "message": "run cancelled"})
        except EXPECTED as err:
            emit({"kind": "finished", "task": self.task, "status": "failed", "message": f"{type(err).__name__}: {err}"})
        except Exception as err:  # a bug must still reach the page as a message, not kill it silently
            traceback.print_exc()
            emit({"kind": "finished", "task": self.task, "status": "failed",
                  "message": f"unexpected {type(err).__name__}: {err}"})
        else:
            emit({"kind": "finished", "task": self.task, "status": "done", "message": ""})

    def drain(self, limit: int = 100_000) -> list[dict]:
        """Everything queued so far (at most ``limit`` messages), oldest first."""
        messages = []
        while len(messages) < limit:
            try:
                messages.append(self.queue.get_nowait())
            except queue.Empty:
                break
        return messages

    def stop(self, timeout: float = 5.0) -> None:
        """Cancel the running job and wait (briefly) for its thread; used when the session closes."""
        self.cancel.set()
        if self.thread is not None:
            self.thread.join(timeout)
