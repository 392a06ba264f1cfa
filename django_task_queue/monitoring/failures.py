"""Failed attempts grouped by error and task function, for GET /api/failures/."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.utils import timezone

from django_task_queue import store
from django_task_queue.timeutil import iso

MAX_FAILURE_GROUPS = 100


def failure_groups(window_minutes: int) -> list[dict[str, Any]]:
    """Failed attempts of the window grouped by error and task function, most frequent first."""
    since = timezone.now() - timedelta(minutes=window_minutes)
    rows = store.read("failure_groups", {"since": since, "limit": MAX_FAILURE_GROUPS})
    return [
        {
            "error_type": error_type,
            "error_message": error_message,
            "task_name": task_name,
            "count": count,
            "last_seen_at": iso(last_seen_at),
            "example_task_id": example_task_id,
        }
        for error_type, error_message, task_name, count, last_seen_at, example_task_id in rows
    ]
