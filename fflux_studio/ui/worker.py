"""The boundary between a browser session and the engine: each job runs in its own worker process.

The engine's optimisers are Python loops that hold the GIL; in a thread of the web server they
slowed every tab of every session. Here a job runs in a child forked from a forkserver (a clean
process that imported only the engine, never the server's threads and sockets) and talks to the
page through typed messages only (ui/messages.py): results and events come back on a process queue,
which a reader thread moves onto the session's SimpleQueue for the page to drain; commands
(ChoosePair) go the other way; cancelling sets the job's cancel token (a lock-free CancelFlag: a
process killed while checking it cannot leave it locked). Nothing here touches a
Panel or HoloViews object, and each session builds its own Worker.

Worker processes run at a lower scheduling priority (NICENESS), and the processes they start (a
campaign's pool) inherit it: on a machine whose cores the jobs fill, the server's page work comes
first, and on an idle machine the jobs lose nothing. Measured with ``benchmarks/ui_rates.py``
(2 cores): a second tab's server time during a 2-worker campaign went from 3.4x to 1.5x that of
the same loads with nothing running, and see benchmarks/README.md for two training tabs.
"""

from __future__ import annotations

import atexit
import logging
import multiprocessing
import os
import queue
import threading
import traceback

from threadpoolctl import threadpool_limits

from fflux_studio.dataset import DatasetError
from fflux_studio.gpr import NotPositiveDefinite
from fflux_studio.io.errors import InputError
from fflux_studio.optimize.cancel_flag import CancelFlag
from fflux_studio.optimize.events import Cancelled
from fflux_studio.orphans import exit_with_parent
from fflux_studio.ui.messages import Finished

# What bad input or a hopeless fit raise: shown to the user as its message. ValueError and
# ArithmeticError may also be bugs, so their traceback comes back too and goes to the server's log.
USER_ERRORS = (NotPositiveDefinite, InputError, DatasetError)
MAYBE_BUGS = (ValueError, ArithmeticError)
PRELOAD = ["fflux_studio.ui.jobs"]
POLL_SECONDS = 0.2
NICENESS = 10

log = logging.getLogger(__name__)


class Busy(RuntimeError):
    """A job is already running in this session."""


def _context():
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(PRELOAD)
    return context


def _forward(commands, inbox) -> None:
    """In the worker process: the page's commands into the job's inbox, until the queue closes."""
    while True:
        try:
            inbox.put(commands.get())
        except (EOFError, OSError):
            return


def _outcome(task: str, job, emit, cancel, inbox) -> Finished:
    try:
        job(emit, cancel, inbox)
    except Cancelled:
        return Finished(task, "cancelled", "run cancelled")
    except USER_ERRORS as err:
        return Finished(task, "failed", str(err))
    except MAYBE_BUGS as err:
        return Finished(task, "failed", str(err), traceback.format_exc())
    except Exception as err:  # a bug must still reach the page as a message, not kill it silently
        return Finished(task, "failed", f"internal error ({type(err).__name__}: {err}); details in the server log",
                        traceback.format_exc())
    return Finished(task, "done")


def run_job(task: str, job, events, commands, cancel) -> None:
    """The worker process's main: below the server's priority, one BLAS thread, the job, and always
    exactly one Finished."""
    os.nice(NICENESS)
    threadpool_limits(1)
    exit_with_parent()  # the server's process gone (killed or stopped): end, do not compute for nobody
    inbox: queue.SimpleQueue = queue.SimpleQueue()
    threading.Thread(target=_forward, args=(commands, inbox), name="fflux-commands", daemon=True).start()
    events.put(_outcome(task, job, events.put, cancel, inbox))
    events.close()
    events.join_thread()


class Worker:
    """Runs one job at a time in a worker process; messages come back through :meth:`drain`.

    Every job ends with exactly one :class:`Finished` message, even when its process dies.
    """

    def __init__(self):
        self.queue: queue.SimpleQueue = queue.SimpleQueue()
        self.context = _context()
        self.cancel = CancelFlag(self.context)
        self.process = None
        self.commands = None
        self.reader: threading.Thread | None = None
        self.idle = threading.Event()
        self.idle.set()
        self.task = ""

    @property
    def busy(self) -> bool:
        """True until the job's process has ended and its Finished message is being queued."""
        return not self.idle.is_set()

    def start(self, task: str, job, children: bool = False) -> None:
        """Run ``job(emit, cancel, inbox)`` (picklable) in a fresh worker process.

        ``children``: the job starts processes of its own (a campaign's pool), which a daemon process
        may not. Such a process is not a daemon, and Python joins non-daemon children when it exits,
        so until the job ends an exit hook cancels it and stops it (else stopping the server would
        wait for a whole campaign).
        """
        if self.busy:
            raise Busy(f"{self.task} is still running; cancel it first")
        cancel, events, commands = CancelFlag(self.context), self.context.Queue(), self.context.Queue()
        process = self.context.Process(target=run_job, args=(task, job, events, commands, cancel),
                                       name=f"fflux-{task}", daemon=not children)
        if children:
            atexit.register(self.stop)
        process.start()
        self.task, self.cancel, self.commands, self.process = task, cancel, commands, process
        self.idle.clear()
        self.reader = threading.Thread(target=self._read, args=(task, self.process, events), name=f"fflux-read-{task}",
                                       daemon=True)
        self.reader.start()

    def _read(self, task: str, process, events) -> None:
        """Move the process's messages onto the session's queue; stand in for a Finished it never sent."""
        while True:
            try:
                message = events.get(timeout=POLL_SECONDS)
            except queue.Empty:
                if process.is_alive():
                    continue
                try:
                    message = events.get(timeout=POLL_SECONDS)
                except queue.Empty:
                    message = Finished(task, "failed",
                                       f"the worker process ended unexpectedly (exit code {process.exitcode})")
            if isinstance(message, Finished):
                if message.details:
                    log.error("%s failed in its worker process:\n%s", task, message.details)
                process.join()
                atexit.unregister(self.stop)
                self.idle.set()
            self.queue.put(message)
            if isinstance(message, Finished):
                return

    def send(self, command) -> None:
        """A command (e.g. ChoosePair) for the running job; ignored when nothing runs."""
        if self.busy:
            self.commands.put(command)

    def drain(self, limit: int = 100_000) -> list:
        """Everything queued so far (at most ``limit`` messages), oldest first."""
        messages = []
        while len(messages) < limit:
            try:
                messages.append(self.queue.get_nowait())
            except queue.Empty:
                break
        return messages

    def stop(self, timeout: float = 5.0) -> None:
        """Cancel the running job and wait (briefly) for it; used when the session closes."""
        self.cancel.set()
        if self.process is not None:
            self.process.join(timeout)
            if self.process.is_alive():
                self.process.kill()
                self.process.join()
        if self.reader is not None:
            self.reader.join(timeout)
