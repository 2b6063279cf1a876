"""One BLAS thread while any session's job runs, the kernel's own setting otherwise.

Sessions, the landscape and the optimiser run side by side: with threaded BLAS they fight over the
cores (measured: 300x slower on a busy 2-core box). But BLAS limits are process-wide, so capping
them when a Studio is built slows every later computation of a notebook kernel, and one limit per
job would restore the threads while another session's job still runs. So sessions share one
limit, taken when the first job starts and given back when the last one ends.

Both happen on the page's thread (the server's or the kernel's): with OpenBLAS's process-wide pool,
threadpoolctl lets only one thread set limits, and silently ignores the others.
"""

from __future__ import annotations

from contextlib import ExitStack

from threadpoolctl import threadpool_limits

_holders: set[int] = set()
_limit = ExitStack()


def hold(holder) -> None:
    """``holder`` (a session) runs a job: BLAS at one thread until every holder has released."""
    if not _holders:
        _limit.enter_context(threadpool_limits(1))
    _holders.add(id(holder))


def release(holder) -> None:
    """``holder``'s jobs are over (releasing twice, or without holding, does nothing)."""
    if id(holder) in _holders:
        _holders.discard(id(holder))
        if not _holders:
            _limit.close()
