"""A slot thread's soft timeout: raised inside the task's call, never after it."""

from __future__ import annotations

import threading
import time

from django_task_queue.worker.executor import TaskTimeout
from django_task_queue.worker.thread_timeouts import ThreadTimeouts


def _in_thread(timeouts: ThreadTimeouts, body: float, after_s: float) -> list[str]:
    """Run a Python loop of `body` seconds under a 0.05 s timeout in a thread, then keep the
    thread busy `after_s` more; what the thread saw."""
    seen: list[str] = []

    def run() -> None:
        try:
            with timeouts.soft_timeout(0.05):
                deadline = time.monotonic() + body
                while time.monotonic() < deadline:
                    pass
            seen.append("returned")
        except TaskTimeout:
            seen.append("timed out")
        try:
            deadline = time.monotonic() + after_s
            while time.monotonic() < deadline:
                pass
            seen.append("after")
        except TaskTimeout:
            seen.append("stray timeout")

    thread = threading.Thread(target=run)
    thread.start()
    while thread.is_alive():
        timeouts.fire_due(time.monotonic())
        time.sleep(0.01)
    return seen


def test_python_code_past_its_deadline_is_interrupted_in_its_thread() -> None:
    assert _in_thread(ThreadTimeouts(), body=5.0, after_s=0.0) == ["timed out", "after"]


def test_a_call_that_returns_in_time_never_sees_its_timeout_afterwards() -> None:
    assert _in_thread(ThreadTimeouts(), body=0.0, after_s=0.3) == ["returned", "after"]


def test_the_next_deadline_is_reported_and_a_passed_one_fires_once() -> None:
    timeouts = ThreadTimeouts()
    with timeouts.soft_timeout(30.0):
        upcoming = timeouts.fire_due(time.monotonic())
        assert upcoming is not None
        assert 29 < upcoming - time.monotonic() <= 30
    assert timeouts.fire_due(time.monotonic()) is None
