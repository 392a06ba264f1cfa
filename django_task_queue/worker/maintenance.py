"""The maintenance loops, each named for its one job and run on its own interval:
Promoter (delayed → ready), Reaper (expired leases → waiting), Reconciler (PostgreSQL → Redis),
Rollup (finished work → the statistics' per-minute rows), Pruner (finished tasks past their
retention → deleted), Pause keeper (PostgreSQL's paused queues → Redis' flags)."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass

from django.utils import timezone

from django_task_queue.broker.client import Broker, get_broker
from django_task_queue.conf import get_settings
from django_task_queue.exceptions import BrokerUnavailableError, StoreUnavailableError
from django_task_queue.flow_control import pausing, queue_limits
from django_task_queue.monitoring import rollup
from django_task_queue.services import recovery, retention
from django_task_queue.store import ensure_usable_connection
from django_task_queue.transitions import reap_expired_leases

logger = logging.getLogger(__name__)


# The pruner deletes for this long at most per turn, so that the supervisor's loop (leases,
# schedules) is never held up for long; while behind, it comes back after BEHIND_AGAIN_S.
PRUNE_BUDGET_S = 0.5
BEHIND_AGAIN_S = 1.0


@dataclass
class _Loop:
    name: str
    interval_s: float
    job: Callable[[], object]  # returns False when it stopped with work left
    next_run: float = 0.0


class Maintenance:
    """Runs each loop when it is due; `tick()` is called by the supervisor's main loop."""

    def __init__(self, broker: Callable[[], Broker] = get_broker) -> None:
        conf = get_settings()
        self._broker = broker  # this thread's, called at each run
        self.loops = [
            _Loop("promoter", conf.PROMOTE_INTERVAL_S, self._promote),
            _Loop("reaper", conf.REAP_INTERVAL_S, self._reap),
            _Loop("reconciler", conf.RECONCILE_INTERVAL_S, self._reconcile),
            _Loop("rollup", conf.ROLLUP_INTERVAL_S, self._roll_up),
            _Loop("pruner", conf.PRUNE_INTERVAL_S, self._prune),
            _Loop("pause keeper", conf.PAUSE_SYNC_INTERVAL_S, self._keep_pauses),
        ]
        self._outages: set[str] = set()  # the loops whose store outage was logged

    def tick(self) -> float:
        """Run the loops that are due; returns seconds until the next one is."""
        now = time.monotonic()
        for loop in self.loops:
            if now >= loop.next_run:
                behind = self._run(loop) is False
                again_s = min(loop.interval_s, BEHIND_AGAIN_S) if behind else loop.interval_s
                loop.next_run = time.monotonic() + again_s
        return max(0.0, min(loop.next_run for loop in self.loops) - time.monotonic())

    def run_all(self) -> None:
        for loop in self.loops:
            self._run(loop)

    def _run(self, loop: _Loop) -> object:
        try:
            done = loop.job()
        except (BrokerUnavailableError, StoreUnavailableError) as exc:
            # Once per loop and outage: a loop that needs only the other store goes on.
            if loop.name not in self._outages:
                logger.error(
                    "maintenance (%s) cannot reach a store, will retry: %s", loop.name, exc
                )
                self._outages.add(loop.name)
            ensure_usable_connection()
            return None
        if loop.name in self._outages:
            logger.info("maintenance (%s): stores reachable again", loop.name)
            self._outages.discard(loop.name)
        return done

    def _promote(self) -> None:
        broker = self._broker()
        if broker.mark_built():
            # The epoch marker was missing: Redis is new or lost its data. Rebuild at once.
            logger.warning("Redis index is empty or was flushed; rebuilding it from PostgreSQL")
            broker.forget_known_queues()
            pausing.keep_flags(broker)  # before any task is ready again
            queue_limits.keep_queue_limits(broker)
            recovery.reconcile(broker, grace_s=0)
        recovery.promote_due(broker)

    def _reap(self) -> None:
        reap_expired_leases(self._broker())

    def _reconcile(self) -> None:
        broker = self._broker()
        recovery.reconcile(broker)
        recovery.sweep_stale_leases(broker)
        broker.forget_dead_workers()  # so that reading the registry never has to write

    def _keep_pauses(self) -> None:
        broker = self._broker()
        pausing.keep_flags(broker)
        queue_limits.keep_queue_limits(broker)

    def _roll_up(self) -> None:
        rollup.fold(timezone.now())

    def _prune(self) -> bool:
        result = retention.prune(timezone.now(), budget_s=PRUNE_BUDGET_S)
        if result.tasks:
            logger.info(
                "pruner: deleted %d finished task(s) and %d attempt(s) past their retention%s",
                result.tasks,
                result.attempts,
                "" if result.caught_up else "; more to go",
            )
        return result.caught_up
