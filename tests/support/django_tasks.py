"""Functions decorated with Django's own `@task`, run by our workers in the tests."""

from __future__ import annotations

import asyncio
import os
from pathlib import Path
from typing import Any

from django.tasks import TaskContext, task
from django.tasks.signals import task_enqueued, task_finished, task_started


@task
def add(a: int, b: int) -> int:
    return a + b


@task
def explode(message: str) -> None:
    raise ValueError(message)


@task
async def async_double(x: int) -> int:
    await asyncio.sleep(0)
    return 2 * x


@task(backend="retrying", takes_context=True)
def flaky_with_context(context: TaskContext[..., Any], succeed_on: int) -> int:
    """Fail until the given attempt; return the attempt number Django reports."""
    if context.attempt < succeed_on:
        raise RuntimeError(f"attempt {context.attempt} fails")
    return context.attempt


@task
def record_order(marker: str, label: str) -> str:
    with Path(marker).open("a") as handle:
        handle.write(f"{label}\n")
    return label


def _log_signal(name: str, task_result: Any) -> None:
    path = os.environ.get("DTQ_SIGNAL_LOG")
    if path:
        with Path(path).open("a") as handle:
            handle.write(f"{name} {os.getpid()} {task_result.id} {task_result.status}\n")


task_enqueued.connect(
    lambda sender, task_result, **_: _log_signal("enqueued", task_result), weak=False
)
task_started.connect(
    lambda sender, task_result, **_: _log_signal("started", task_result), weak=False
)
task_finished.connect(
    lambda sender, task_result, **_: _log_signal("finished", task_result), weak=False
)
