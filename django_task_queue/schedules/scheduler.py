"""The scheduler every run_worker supervisor runs: at each tick's instant it enqueues what is
due, and PostgreSQL lets one scheduler of many make each tick's task (state.advance).

It passes when the earliest clock of its schedules is due, and at least once a second, so that
a pause, a resume or another scheduler's progress is seen within a second. No leader is chosen:
the schedulers that lose a tick spend one statement on it (docs/decisions.md).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from datetime import datetime, timedelta

from django.utils import timezone

from django_task_queue.exceptions import (
    BrokerUnavailableError,
    ConfigurationError,
    StoreUnavailableError,
)
from django_task_queue.schedules import state
from django_task_queue.schedules.definitions import Definition, load_definitions
from django_task_queue.schedules.planning import Plan, plan
from django_task_queue.store import ensure_usable_connection

logger = logging.getLogger("django_task_queue.scheduler")

PASS_AT_LEAST_EVERY_S = 1.0


class Scheduler:
    """Call `tick()` from a loop; it returns the seconds until it wants to be called again."""

    def __init__(self, clock: Callable[[], datetime] = timezone.now) -> None:
        self._clock = clock
        self._definitions: dict[str, Definition] | None = None
        self._next_pass = 0.0  # monotonic
        self._outage_logged = False

    def tick(self) -> float:
        wait_s = self._next_pass - time.monotonic()
        if wait_s > 0:
            return wait_s
        try:
            wait_s = self.run_pass()
        except (StoreUnavailableError, BrokerUnavailableError) as exc:
            if not self._outage_logged:
                logger.error("scheduler cannot reach a store, will retry: %s", exc)
                self._outage_logged = True
            ensure_usable_connection()
            wait_s = PASS_AT_LEAST_EVERY_S
        except Exception:
            # A bug of ours or a schedule's must not end the supervisor, and with it its workers.
            logger.exception("scheduler pass failed; the next one is in a second")
            ensure_usable_connection()
            wait_s = PASS_AT_LEAST_EVERY_S
        else:
            if self._outage_logged:
                logger.info("scheduler: stores reachable again")
                self._outage_logged = False
        self._next_pass = time.monotonic() + wait_s
        return wait_s

    def run_pass(self) -> float:
        """Enqueue every due tick; the seconds until the earliest next one (at most one)."""
        definitions = self._loaded()
        if not definitions:
            return PASS_AT_LEAST_EVERY_S
        now = self._clock()
        plans: list[tuple[Definition, datetime, Plan]] = []
        next_at = now + _seconds(PASS_AT_LEAST_EVERY_S)
        found = state.clocks(list(definitions.values()), now)
        if len(found) < len(definitions):  # a row deleted (the admin): write it again
            rowless = definitions.keys() - {clock.name for clock in found}
            state.sync([definitions[name] for name in rowless], now)
        for clock in found:
            definition = definitions[clock.name]
            if not clock.enabled:
                continue
            if clock.next_tick_at <= now:
                running = clock.previous_running
                decided = plan(definition.rule, clock.next_tick_at, now, previous_running=running)
                plans.append((definition, clock.next_tick_at, decided))
                _log(definition, decided)
                next_at = min(next_at, decided.next_tick_at)
            else:
                next_at = min(next_at, clock.next_tick_at)
        made = state.advance(plans)
        if made and logger.isEnabledFor(logging.DEBUG):
            ticks = ", ".join(f"{t.definition.name}@{t.scheduled_for.isoformat()}" for t in made)
            logger.debug("scheduler enqueued %d tick(s): %s", len(made), ticks)
        return max(0.0, (next_at - self._clock()).total_seconds())

    def _loaded(self) -> dict[str, Definition]:
        if self._definitions is None:
            now = self._clock()
            try:
                definitions = load_definitions(now)
            except ConfigurationError as exc:
                # The system checks refuse to start with a bad schedule; this is a last word.
                logger.error("schedules are not run: %s", exc)
                definitions = {}
            state.sync(definitions.values(), now)
            if definitions:
                names = ", ".join(definitions)
                logger.info("scheduler: %d schedule(s): %s", len(definitions), names)
            self._definitions = definitions
        return self._definitions


def _log(definition: Definition, decided: Plan) -> None:
    if decided.missed_from is not None:
        logger.warning(
            "schedule %s missed its ticks from %s (no scheduler ran); catch_up=%s: %s",
            definition.name,
            decided.missed_from.isoformat(),
            definition.rule.catch_up,
            "running the latest" if decided.ticks else "not running them",
        )
    if decided.skipped:
        logger.info(
            "schedule %s skipped %d tick(s): its previous run has not finished",
            definition.name,
            decided.skipped,
        )


def _seconds(value: float) -> timedelta:
    return timedelta(seconds=value)
