"""A child process that ends at once when its parent process is gone.

A worker whose parent was killed (a closed terminal, ``kill -9``, a Studio session's campaign
process stopped) would otherwise compute on for nobody, or wait for ever on a task queue whose
other end it holds itself (a pool worker gets both ends of its queue).
"""

from __future__ import annotations

import multiprocessing
import multiprocessing.connection
import os
import threading


def _wait_for_parent() -> None:
    multiprocessing.connection.wait([multiprocessing.parent_process().sentinel])
    os._exit(1)


def exit_with_parent() -> None:
    """In a multiprocessing child: a daemon thread that ends this process when its parent ends."""
    if multiprocessing.parent_process() is not None:
        threading.Thread(target=_wait_for_parent, name="fflux-exit-with-parent", daemon=True).start()
