"""Pausing a queue: PostgreSQL stores the pause; Redis' flag, which claim.lua reads, follows on
commit, and the supervisors' pause keeper puts every flag back in step with PostgreSQL each
PAUSE_SYNC_INTERVAL_S (after a Redis flush, or a commit whose flag Redis never got)."""

from __future__ import annotations

import logging
from datetime import datetime

from django.db import transaction
from django.utils import timezone

from django_task_queue import store
from django_task_queue.broker.client import Broker, get_broker
from django_task_queue.exceptions import BrokerUnavailableError
from django_task_queue.services.validation import check_queue_name

logger = logging.getLogger(__name__)


def pause_queue(queue_name: str) -> bool:
    """No worker starts a task of this queue until it is resumed; the queue still accepts
    tasks, and those running finish. False when it was paused already."""
    check_queue_name(queue_name)
    with transaction.atomic():
        paused = bool(store.write("pause_queue", {"queue_name": queue_name, "now": timezone.now()}))
        transaction.on_commit(lambda: _flag(queue_name, paused=True))
    return paused


def resume_queue(queue_name: str) -> bool:
    """Workers start this queue's tasks again at once; False when it was not paused."""
    check_queue_name(queue_name)
    with transaction.atomic():
        resumed = bool(store.write("resume_queue", {"queue_name": queue_name}))
        transaction.on_commit(lambda: _flag(queue_name, paused=False))
    return resumed


def paused_queues() -> dict[str, datetime]:
    """Every paused queue and when it was paused."""
    return dict(store.read("paused_queues"))


def keep_flags(broker: Broker) -> None:
    """Make Redis' pause flags say what PostgreSQL says (the pause keeper's one job).

    Redis is read before PostgreSQL's second look, so that a pause or resume committed in
    between is never undone here: its own flag write, or the next run, agrees with it.
    """
    names = broker.queue_names() | set(paused_queues())
    flagged = broker.paused_flags(names)
    paused = set(paused_queues())
    for queue_name in sorted(paused - flagged):
        broker.pause(queue_name)
    for queue_name in sorted(flagged - paused):
        broker.resume(queue_name)


def _flag(queue_name: str, *, paused: bool) -> None:
    try:
        broker = get_broker()
        if paused:
            broker.pause(queue_name)
        else:
            broker.resume(queue_name)
    except BrokerUnavailableError as exc:
        logger.warning(
            "Redis is unreachable; the pause keeper will set %s's flag: %s", queue_name, exc
        )
