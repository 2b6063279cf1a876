"""A cancel token shared between processes that a killed process cannot leave locked.

``multiprocessing.Event`` guards its flag with a shared lock; a worker killed while it checks the
flag (``is_set`` in an optimiser's loop, many times a second) dies holding that lock, and the next
``set()`` from any process waits for ever. A one-byte shared value read and written without a lock
has no such state: the flag is only ever set, cleared or read whole.
"""

from __future__ import annotations

import multiprocessing
import time

POLL_SECONDS = 0.05


class CancelFlag:
    """``set()``/``is_set()``/``clear()``/``wait()`` like an Event, without a lock; pass it to a child process
    when the process (or pool) is created, as any shared ctypes object."""

    def __init__(self, context=None):
        self._value = (context or multiprocessing).RawValue("b", 0)

    def set(self) -> None:
        self._value.value = 1

    def clear(self) -> None:
        self._value.value = 0

    def is_set(self) -> bool:
        return bool(self._value.value)

    def wait(self, timeout: float) -> bool:
        """Sleep up to ``timeout`` s, waking within POLL_SECONDS of the flag being set; return the flag."""
        deadline = time.monotonic() + timeout
        while not self.is_set():
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return False
            time.sleep(min(POLL_SECONDS, remaining))
        return True
