"""The lock-free cancel token: seen across processes in both directions, like an Event."""

from __future__ import annotations

import multiprocessing
import threading
import time

from fflux_studio.optimize.cancel_flag import CancelFlag


def _set_in_child(flag) -> None:
    flag.set()


def _exit_code_is_flag(flag) -> None:
    raise SystemExit(7 if flag.is_set() else 3)


def test_set_clear_and_read_in_one_process():
    flag = CancelFlag()
    assert not flag.is_set()
    flag.set()
    assert flag.is_set()
    flag.clear()
    assert not flag.is_set()


def test_a_child_sees_the_parents_flag_and_the_parent_sees_the_childs():
    context = multiprocessing.get_context("spawn")
    flag = CancelFlag(context)
    flag.set()
    child = context.Process(target=_exit_code_is_flag, args=(flag,))
    child.start()
    child.join(60)
    assert child.exitcode == 7
    flag.clear()
    child = context.Process(target=_set_in_child, args=(flag,))
    child.start()
    child.join(60)
    assert flag.is_set()


def test_wait_returns_soon_after_another_thread_sets_the_flag_and_times_out_otherwise():
    flag = CancelFlag()
    start = time.monotonic()
    assert flag.wait(0.1) is False
    assert time.monotonic() - start >= 0.1
    threading.Timer(0.2, flag.set).start()
    start = time.monotonic()
    assert flag.wait(30) is True
    assert time.monotonic() - start < 10
