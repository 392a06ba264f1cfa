"""A queue's own limits (TASK_QUEUE["QUEUES"]): at most so many of its tasks running at once,
and its starts spaced by a rate, across every worker, on top of each task function's limits.

Settings hold them; Redis holds a copy in each queue's `queue_limits` hash, which claim.lua
reads. The supervisors' pause keeper puts the copies in step with the settings every
PAUSE_SYNC_INTERVAL_S, so a new limit (a deploy) or a Redis flush is followed within a second.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django_task_queue.conf import get_settings
from django_task_queue.exceptions import TaskValidationError
from django_task_queue.flow_control.limits import Rules, describe_rate, parse_rules

if TYPE_CHECKING:
    from django_task_queue.broker.client import Broker

QUEUE_LIMIT_KEYS = frozenset({"concurrency_limit", "rate_limit"})


@dataclass(frozen=True)
class QueueLimits:
    """A queue's limits for people and the API: None where it has none of that kind."""

    concurrency_limit: int | None
    rate_limit: str | None


def check_queue_limits(queue_name: str, value: object) -> Rules:
    """One entry of TASK_QUEUE["QUEUES"], checked (TaskValidationError names the field)."""
    from django_task_queue.services.validation import check_queue_name

    check_queue_name(queue_name)
    if not isinstance(value, Mapping):
        raise TaskValidationError(queue_name, "must be a dict of concurrency_limit, rate_limit")
    unknown = sorted(set(value) - QUEUE_LIMIT_KEYS)
    if unknown:
        raise TaskValidationError(
            unknown[0], "is not a queue setting (concurrency_limit, rate_limit)"
        )
    return parse_rules(value.get("concurrency_limit"), value.get("rate_limit"))


def configured() -> dict[str, Rules]:
    """Every queue with limits in the settings, and its limits."""
    return {name: check_queue_limits(name, value) for name, value in get_settings().QUEUES.items()}


def limits_of(queue_name: str) -> QueueLimits:
    rules = configured().get(queue_name)
    if rules is None:
        return QueueLimits(None, None)
    return QueueLimits(
        rules.concurrency or None,
        describe_rate(rules.interval_ms) if rules.interval_ms else None,
    )


def keep_queue_limits(broker: Broker) -> None:
    """Make each queue's limits in Redis say what the settings say (the pause keeper runs it)."""
    wanted = {
        name: (rules.concurrency, rules.interval_ms)
        for name, rules in configured().items()
        if rules.concurrency or rules.interval_ms  # an empty dict in the settings: no limits
    }
    names = sorted(broker.queue_names() | set(wanted))
    held = broker.queue_limits(names)
    for name in names:
        if name in wanted and held.get(name) != wanted[name]:
            broker.set_queue_limits(name, *wanted[name])
        elif name not in wanted and name in held:
            broker.drop_queue_limits(name)


def waiting_reason(queue_name: str, now_ms: int, broker: Broker) -> str | None:
    """Why the queue's limits hold its next task back now, or None when they do not."""
    rules = configured().get(queue_name)
    if rules is None:
        return None
    if rules.concurrency and broker.running_in_queue(queue_name, now_ms) >= rules.concurrency:
        return f"waiting: concurrency limit {rules.concurrency} of queue {queue_name} reached"
    if rules.interval_ms and broker.queue_next_start_ms(queue_name) > now_ms:
        return f"waiting: rate limit {describe_rate(rules.interval_ms)} of queue {queue_name}"
    return None
