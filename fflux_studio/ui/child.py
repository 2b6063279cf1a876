"""Run an engine call (``run_protocol``, ``learning_curve``) in a child process, as if it ran here.

The optimisers are Python loops that hold the GIL; in a thread of the web server they slow every
page of every session (measured in benchmarks/ui_rates.py). In a child process they compete for
cores only. The session's worker thread calls :func:`call_in_child` exactly like the function it
wraps: events come back to ``callback`` as they happen, ``cancel`` (a threading.Event) stops the
child, and the result or the error is returned or raised here.
"""

from __future__ import annotations

import multiprocessing
import queue as queues

from fflux_studio.optimize.events import Cancelled

# "__main__" first: the forkserver imports the main script once, instead of every child doing it.
PRELOAD = ["__main__", "fflux_studio.protocols", "fflux_studio.evaluation"]


class ChildError(ValueError):
    """An error raised in the child; the message names its type (exceptions need not pickle)."""


def _context():
    """Forkserver: children fork from a clean process that imported only the engine, never the
    web server's threads and sockets."""
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(PRELOAD)
    return context


def _child(function, args, kwargs, events, cancel) -> None:
    from threadpoolctl import threadpool_limits

    threadpool_limits(1)
    try:
        result = function(*args, callback=lambda e: events.put(("event", e.as_dict())), cancel=cancel, **kwargs)
    except Cancelled:
        events.put(("cancelled", None))
    except Exception as err:  # handed to the parent as text: not every exception pickles
        events.put(("error", f"{type(err).__name__}: {err}"))
    else:
        events.put(("result", result))


def call_in_child(function, *args, callback=None, cancel=None, poll: float = 0.1, **kwargs):
    """``function(*args, callback=..., cancel=..., **kwargs)`` in a child process; see the module."""
    context = _context()
    events = context.Queue()
    stop = context.Event()
    process = context.Process(target=_child, args=(function, args, kwargs, events, stop), daemon=True)
    process.start()
    try:
        while True:
            if cancel is not None and cancel.is_set():
                stop.set()
            try:
                kind, payload = events.get(timeout=poll)
            except queues.Empty:
                if not process.is_alive() and events.empty():
                    raise ChildError(f"the training process ended unexpectedly (exit code {process.exitcode})")
                continue
            if kind == "event":
                if callback is not None:
                    callback(payload)
            elif kind == "result":
                return payload
            elif kind == "cancelled":
                raise Cancelled("cancelled")
            else:
                raise ChildError(payload)
    finally:
        stop.set()
        process.join(5)
        if process.is_alive():
            process.kill()
            process.join()
