"""When a schedule ticks: a cron expression in a time zone, or a fixed interval.

Every scheduler must compute the same ticks, since the tick is half of the key that makes a
schedule's task unique (see models.Task's dtq_task_schedule_tick): so intervals count from the
Unix epoch, not from whenever a process started, and cron ticks are whole minutes.

A cron expression reads the wall clock of its time zone, the way Debian's cron does (cronsim):
on a day that skips 02:30, a `30 2 * * *` tick fires once, at the transition (03:00); on a day
that repeats 02:30, it fires once, the first time. Expressions with a wildcard hour (`*/15 * * *
*`) follow real time: they tick through the repeated hour too.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import NamedTuple
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from cronsim import CronSim, CronSimError

from django_task_queue.exceptions import ConfigurationError

MIN_PERIOD_S = 1
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_CRON_FIELDS = 5


class TriggerColumns(NamedTuple):
    """A trigger as the Schedule row and the API hold it."""

    cron: str | None
    every_s: int | None
    timezone: str


@dataclass(frozen=True, slots=True)
class Cron:
    """A standard 5-field cron expression, read in `timezone` (an IANA name)."""

    expression: str
    timezone: str = "UTC"

    def __post_init__(self) -> None:
        if not isinstance(self.expression, str) or len(self.expression.split()) != _CRON_FIELDS:
            raise ConfigurationError(
                f"cron expression {self.expression!r} must have 5 fields "
                "(minute hour day-of-month month day-of-week)"
            )
        try:
            zone = ZoneInfo(self.timezone)
        except (ZoneInfoNotFoundError, ValueError, TypeError) as exc:
            raise ConfigurationError(f"unknown time zone {self.timezone!r}") from exc
        try:
            CronSim(self.expression, datetime.now(zone))
        except CronSimError as exc:
            raise ConfigurationError(f"cron expression {self.expression!r}: {exc}") from exc

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def next_after(self, instant: datetime) -> datetime:
        """The first tick strictly after `instant`, in UTC."""
        local = instant.astimezone(self.zone)
        return next(CronSim(self.expression, local)).astimezone(UTC)

    def latest_at_or_before(self, instant: datetime) -> datetime:
        """The last tick at or before `instant`, in UTC."""
        # cronsim's reverse walk counts a start on a whole second as a tick, and skips it when
        # the start has microseconds: start one microsecond after, so both cases include it.
        local = (instant + timedelta(microseconds=1)).astimezone(self.zone)
        return next(CronSim(self.expression, local, reverse=True)).astimezone(UTC)

    def describe(self) -> str:
        return f"cron {self.expression} ({self.timezone})"

    @property
    def columns(self) -> TriggerColumns:
        return TriggerColumns(self.expression, None, self.timezone)


@dataclass(frozen=True, slots=True)
class Every:
    """A tick every `period_s` seconds, at the multiples of it since the Unix epoch (UTC)."""

    period_s: int

    def __post_init__(self) -> None:
        if (
            isinstance(self.period_s, bool)
            or not isinstance(self.period_s, int)
            or self.period_s < MIN_PERIOD_S
        ):
            raise ConfigurationError(
                f"an interval must be a whole number of seconds, at least {MIN_PERIOD_S}; "
                f"got {self.period_s!r}"
            )

    def next_after(self, instant: datetime) -> datetime:
        return self.latest_at_or_before(instant) + timedelta(seconds=self.period_s)

    def latest_at_or_before(self, instant: datetime) -> datetime:
        # Whole microseconds, so that every process rounds the same way.
        elapsed_us = (instant - _EPOCH) // timedelta(microseconds=1)
        period_us = self.period_s * 1_000_000
        return _EPOCH + timedelta(microseconds=elapsed_us - elapsed_us % period_us)

    def describe(self) -> str:
        return f"every {_duration(self.period_s)}"

    @property
    def columns(self) -> TriggerColumns:
        return TriggerColumns(None, self.period_s, "UTC")


type Trigger = Cron | Every


def _duration(seconds: int) -> str:
    for unit, size in (("d", 86_400), ("h", 3_600), ("min", 60)):
        if seconds % size == 0:
            return f"{seconds // size} {unit}"
    return f"{seconds} s"
