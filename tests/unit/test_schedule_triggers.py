"""When schedules tick: cron expressions in a time zone (across DST changes) and intervals."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from cronsim import CronSim
from hypothesis import given, settings
from hypothesis import strategies as st

from django_task_queue.exceptions import ConfigurationError
from django_task_queue.schedules import cron, every
from django_task_queue.schedules.planning import plan
from django_task_queue.schedules.triggers import Cron, Every

PARIS = ZoneInfo("Europe/Paris")
# Not Australia/Lord_Howe: its DST moves the clock by 30 minutes, and cronsim's forward walk
# then skips ticks its reverse walk finds (`* 2 * 4,5 0` on 2006-04-02 skips 02:00-02:29 after
# the clocks went back; docs/schedules.md says so).
ZONES = ["UTC", "Europe/Paris", "America/New_York", "America/Sao_Paulo", "Asia/Kolkata"]


def paris(  # noqa: PLR0913  (a wall-clock time, as datetime takes it)
    year: int, month: int, day: int, hour: int, minute: int, *, fold: int = 0
) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=PARIS, fold=fold).astimezone(UTC)


def _field(low: int, high: int) -> st.SearchStrategy[str]:
    single = st.integers(low, high).map(str)
    span = st.tuples(st.integers(low, high), st.integers(low, high)).map(
        lambda ab: f"{min(ab)}-{max(ab)}"
    )
    step = st.tuples(st.sampled_from(["*", f"{low}-{high}"]), st.integers(1, high - low + 1)).map(
        lambda base_step: f"{base_step[0]}/{base_step[1]}"
    )
    listed = st.lists(st.integers(low, high), min_size=2, max_size=4, unique=True).map(
        lambda values: ",".join(map(str, sorted(values)))
    )
    return st.one_of(st.just("*"), single, span, step, listed)


expressions = st.tuples(
    _field(0, 59), _field(0, 23), _field(1, 28), _field(1, 12), _field(0, 6)
).map(" ".join)
instants = st.datetimes(
    min_value=datetime(2000, 1, 1), max_value=datetime(2060, 1, 1), timezones=st.just(UTC)
)


@settings(max_examples=300, deadline=None)
@given(expressions, st.sampled_from(ZONES), instants)
def test_the_next_tick_is_the_cron_librarys_next_match_and_no_tick_lies_between(
    expression: str, zone: str, instant: datetime
) -> None:
    trigger = Cron(expression, zone)

    following = trigger.next_after(instant)

    expected = next(CronSim(expression, instant.astimezone(ZoneInfo(zone))))
    assert following == expected.astimezone(UTC)
    assert following > instant
    assert trigger.latest_at_or_before(following) == following
    assert trigger.latest_at_or_before(following - timedelta(microseconds=1)) <= instant


@settings(max_examples=200, deadline=None)
@given(st.integers(1, 100_000), instants)
def test_an_interval_ticks_at_its_multiples_since_the_epoch(
    period_s: int, instant: datetime
) -> None:
    trigger = Every(period_s)

    latest, following = trigger.latest_at_or_before(instant), trigger.next_after(instant)

    assert latest <= instant < following
    assert following - latest == timedelta(seconds=period_s)
    assert (latest - datetime(1970, 1, 1, tzinfo=UTC)) % timedelta(seconds=period_s) == timedelta()


def test_a_daily_tick_in_the_hour_that_spring_skips_fires_once_at_the_transition() -> None:
    # Europe/Paris skipped 02:00-03:00 on 2026-03-29.
    trigger = Cron("30 2 * * *", "Europe/Paris")

    ticks = [trigger.next_after(paris(2026, 3, 28, 12, 0))]
    ticks.append(trigger.next_after(ticks[-1]))

    assert ticks == [paris(2026, 3, 29, 3, 0), paris(2026, 3, 30, 2, 30)]


def test_a_daily_tick_in_the_hour_that_autumn_repeats_fires_once() -> None:
    # Europe/Paris lived 02:00-03:00 twice on 2026-10-25.
    trigger = Cron("30 2 * * *", "Europe/Paris")

    ticks = [trigger.next_after(paris(2026, 10, 24, 12, 0))]
    ticks.append(trigger.next_after(ticks[-1]))

    assert ticks == [paris(2026, 10, 25, 2, 30), paris(2026, 10, 26, 2, 30)]


def test_a_scheduler_on_a_fake_clock_enqueues_the_dst_days_tick_once() -> None:
    # A scheduler passing every 10 minutes through both DST nights makes one task per night.
    rule = cron("30 2 * * *", tz="Europe/Paris")
    for start in (paris(2026, 3, 28, 12, 0), paris(2026, 10, 24, 12, 0)):
        clock, waiting_for, enqueued = start, rule.trigger.next_after(start), []
        while clock < start + timedelta(days=1):
            clock += timedelta(minutes=10)
            if waiting_for <= clock:
                decided = plan(rule, waiting_for, clock, previous_running=False)
                enqueued += decided.ticks
                waiting_for = decided.next_tick_at
        assert len(enqueued) == 1, enqueued


def test_an_hourly_wildcard_expression_ticks_through_the_repeated_hour_in_real_time() -> None:
    trigger = Cron("0 * * * *", "Europe/Paris")
    ticks = [trigger.next_after(paris(2026, 10, 25, 0, 30))]
    while len(ticks) < 4:
        ticks.append(trigger.next_after(ticks[-1]))

    assert [b - a for a, b in itertools.pairwise(ticks)] == [timedelta(hours=1)] * 3
    assert ticks[2] == paris(2026, 10, 25, 2, 0, fold=1)


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda: cron("0 3 * *"), "5 fields"),
        (lambda: cron("0 0 3 * * *"), "5 fields"),
        (lambda: cron("61 * * * *"), "cron expression"),
        (lambda: cron("0 3 * * *", tz="Mars/Olympus"), "time zone"),
        (lambda: every(seconds=0), "at least 1"),
        (lambda: every(seconds=1.5), "whole number"),  # type: ignore[arg-type]
        (lambda: every(minutes=1, catch_up="some"), "catch_up"),  # type: ignore[arg-type]
    ],
)
def test_a_bad_schedule_is_refused_with_what_is_wrong(make: object, message: str) -> None:
    with pytest.raises(ConfigurationError, match=message):
        make()  # type: ignore[operator]


def test_intervals_add_up_their_units_and_describe_themselves() -> None:
    assert every(minutes=1, seconds=30).trigger == Every(90)
    assert every(hours=2).trigger.describe() == "every 2 h"
    assert every(seconds=30).trigger.describe() == "every 30 s"
    assert (
        cron("0 3 * * *", tz="Europe/Paris").trigger.describe() == "cron 0 3 * * * (Europe/Paris)"
    )
