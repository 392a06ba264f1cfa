"""Run one of the supervisor's maintenance loops in the test process."""

from __future__ import annotations

import math

from django_task_queue.worker.maintenance import Maintenance


def run_only(maintenance: Maintenance, name: str) -> None:
    """One turn of the named loop, the other loops left for later."""
    assert name in {loop.name for loop in maintenance.loops}, name
    for loop in maintenance.loops:
        loop.next_run = 0.0 if loop.name == name else math.inf
    maintenance.tick()
