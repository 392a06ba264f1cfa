"""The seed's sample task functions, with the seed's behaviour."""

import asyncio
import random
import time
from collections.abc import Callable
from typing import Any

from django_task_queue.task_registry import task_registry


@task_registry.register("add_numbers")
def add_numbers(a: float, b: float) -> float:
    """Add two numbers."""
    return a + b


@task_registry.register("multiply_numbers")
def multiply_numbers(a: float, b: float) -> float:
    """Multiply two numbers."""
    return a * b


@task_registry.register("slow_task")
def slow_task(duration: float = 5, message: str = "Processing...") -> dict[str, Any]:
    """Sleep for `duration` seconds, then report the message."""
    time.sleep(duration)
    return {"message": message, "duration": duration}


@task_registry.register("random_task")
def random_task(min_val: int = 1, max_val: int = 100) -> int:
    """Return a random integer between min_val and max_val."""
    return random.randint(min_val, max_val)  # noqa: S311  (not used for security)


@task_registry.register("failing_task", max_retries=2, retry_delay=1)
def failing_task(should_fail: bool = True, error_message: str = "Task failed intentionally") -> str:
    """Raise an error when should_fail is true; used to show retries and failures."""
    if should_fail:
        raise RuntimeError(error_message)
    return "Task completed successfully"


_OPERATIONS: dict[str, Callable[[list[float]], float]] = {
    "sum": sum,
    "avg": lambda values: sum(values) / len(values),
    "max": max,
    "min": min,
}


@task_registry.register("process_data")
def process_data(data: list[float], operation: str = "sum") -> dict[str, Any]:
    """Apply sum, avg, max or min to a list of numbers."""
    if operation not in _OPERATIONS:
        raise ValueError(f"Unknown operation {operation!r}; use one of {sorted(_OPERATIONS)}")
    if not data:
        raise ValueError("data must not be empty")
    return {"operation": operation, "result": _OPERATIONS[operation](data), "count": len(data)}


@task_registry.register("send_notification")
def send_notification(
    recipient: str, message: str, notification_type: str = "email"
) -> dict[str, Any]:
    """Pretend to send a notification; fails about 10% of the time, as the seed's did."""
    if random.random() < 0.1:  # noqa: S311  (simulated flakiness, not security)
        raise ConnectionError(f"Failed to send {notification_type} to {recipient}")
    return {"recipient": recipient, "type": notification_type, "status": "sent"}


@task_registry.register("fetch_url", timeout=30)
async def fetch_url(url: str, latency_ms: float = 100) -> dict[str, Any]:
    """Pretend to call an HTTP API: an `async def` task awaits instead of holding a thread, so
    a worker with `--concurrency 500` can wait on 500 of these at once with no thread each."""
    await asyncio.sleep(latency_ms / 1000)
    return {"url": url, "status": 200, "latency_ms": latency_ms}


@task_registry.register("record_heartbeat", timeout=30)
def record_heartbeat() -> dict[str, Any]:
    """The example project's schedule runs this every minute (TASK_QUEUE["SCHEDULES"] in
    config/settings.py): how many tasks finished in the minute before, as the dashboard shows."""
    from datetime import timedelta

    from django.utils import timezone

    from django_task_queue.models import Task

    since = timezone.now() - timedelta(minutes=1)
    finished = Task.objects.filter(completed_at__gte=since)
    return {
        "succeeded_last_minute": finished.filter(status="success").count(),
        "failed_last_minute": finished.filter(status="failed").count(),
    }
