"""A child that called exit_with_parent ends when its parent is killed, and not before."""

from __future__ import annotations

import multiprocessing
import time

import psutil

from fflux_studio.orphans import exit_with_parent


def _orphan_to_be():
    exit_with_parent()
    time.sleep(600)


def _parent(pids):
    child = multiprocessing.get_context("spawn").Process(target=_orphan_to_be)
    child.start()
    pids.put(child.pid)
    time.sleep(600)


def wait_gone(pid: int, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while psutil.pid_exists(pid) and psutil.Process(pid).status() != psutil.STATUS_ZOMBIE:
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True


def test_a_child_ends_when_its_parent_is_killed():
    context = multiprocessing.get_context("spawn")
    pids = context.SimpleQueue()
    parent = context.Process(target=_parent, args=(pids,))
    parent.start()
    try:
        child = pids.get()
        time.sleep(0.5)
        assert psutil.pid_exists(child), "the child lives while its parent does"
        parent.kill()
        assert wait_gone(child, 30), "the orphan kept running"
    finally:
        parent.kill()
        parent.join(10)
