"""A run's worker ids must be its own: `host:pid-N` is unique while every host has a host name
of its own. Two live hosts under one host name (container replicas given one fixed `hostname`,
each its supervisor as pid 1) would share ids, and each would take the other's running tasks
for an earlier run's and give them back: tasks run twice at once.

So before it settles an earlier run's tasks, a supervisor looks in the worker registry: an id
of its own whose record is still heartbeating belongs to a live process elsewhere, and this
run takes ids with a random suffix instead (and says so). A record that stops beating is an
earlier run's (a quick restart): its tasks are this run's to settle.
"""

from __future__ import annotations

import logging
import secrets
import time
from collections.abc import Sequence

from django_task_queue.broker.client import Broker
from django_task_queue.conf import get_settings
from django_task_queue.exceptions import BrokerUnavailableError

logger = logging.getLogger("django_task_queue.supervisor")


def live_elsewhere(broker: Broker, worker_ids: Sequence[str]) -> list[str]:
    """The ids among `worker_ids` that a live process is heartbeating now (none of this run's
    processes has started yet, so it is another's). Waits one heartbeat interval, and only
    when a record of one of them is fresh (a quick restart, or a clash)."""
    conf = get_settings()
    wanted = set(worker_ids)
    try:
        seen = {r.worker_id: r.last_seen_ms for r in broker.workers() if r.worker_id in wanted}
        now_ms = time.time_ns() // 1_000_000
        fresh = {i: ms for i, ms in seen.items() if now_ms - ms < conf.WORKER_TTL_S * 1000}
        if not fresh:
            return []
        time.sleep(conf.HEARTBEAT_INTERVAL_S * 1.5)
        again = {r.worker_id: r.last_seen_ms for r in broker.workers() if r.worker_id in fresh}
    except BrokerUnavailableError:
        return []  # the run starts anyway; the reaper and the fences keep it safe
    return sorted(i for i, ms in again.items() if ms > fresh[i])


def own_base_id(broker: Broker, base_id: str, worker_ids: Sequence[str]) -> str:
    """`base_id`, or, when a live process elsewhere uses one of this run's ids, `base_id` with
    a random suffix."""
    clashing = live_elsewhere(broker, worker_ids)
    if not clashing:
        return base_id
    unique = f"{base_id}~{secrets.token_hex(3)}"
    logger.error(
        "worker id %s is in use by a live process elsewhere (two hosts with one host name?); "
        "this run uses %s: give each host a name of its own",
        clashing[0],
        unique,
    )
    return unique
