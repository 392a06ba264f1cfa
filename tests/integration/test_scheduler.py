"""The scheduler against real PostgreSQL and Redis, on a fake clock: each tick is one task
however many schedulers pass, and pause, resume, catch-up and skip-while-running hold."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from pytest_django.fixtures import Settings

from django_task_queue.broker.client import Broker
from django_task_queue.models import Schedule, Task
from django_task_queue.schedules import control
from django_task_queue.schedules.scheduler import Scheduler
from tests.api.conftest import set_task_queue

T0 = datetime(2030, 1, 1, 12, 0, tzinfo=UTC)


class FakeClock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(T0 - timedelta(seconds=0.5))


@pytest.fixture
def define(settings: Settings) -> Callable[..., None]:
    def define(**entries: dict[str, Any]) -> None:
        set_task_queue(settings, SCHEDULES=entries)

    return define


def made(name: str) -> list[datetime]:
    found = (
        Task.objects.filter(schedule_name=name)
        .order_by("scheduled_for")
        .values_list("scheduled_for", flat=True)
    )
    return [tick for tick in found if tick is not None]


def test_two_schedulers_passing_at_each_tick_make_one_task_per_tick(
    stores: Broker, clock: FakeClock, define: Callable[..., None]
) -> None:
    define(sums={"task": "add_numbers", "args": [1, 2], "every": 2})
    first, second = Scheduler(clock), Scheduler(clock)
    first.run_pass()
    second.run_pass()

    for _ in range(10):
        clock.advance(seconds=1)
        first.run_pass()
        second.run_pass()

    assert made("sums") == [T0 + timedelta(seconds=s) for s in range(0, 10, 2)]
    waiting = stores.ready_ids("default", 100)
    assert sorted(waiting) == sorted(str(t.id) for t in Task.objects.filter(schedule_name="sums"))


def test_a_scheduler_that_read_an_old_clock_inserts_nothing(
    stores: Broker, clock: FakeClock, define: Callable[..., None]
) -> None:
    define(sums={"task": "add_numbers", "args": [1, 2], "every": 2})
    Scheduler(clock).run_pass()
    clock.advance(seconds=1)
    Scheduler(clock).run_pass()
    # A clock set back (a restore, a hand edit): the tick's task exists, the index keeps it one.
    Schedule.objects.filter(name="sums").update(next_tick_at=T0)

    Scheduler(clock).run_pass()

    assert made("sums") == [T0]
    assert Schedule.objects.get(name="sums").next_tick_at == T0 + timedelta(seconds=2)


def test_a_paused_schedule_makes_no_task_and_resumes_from_its_next_tick_without_a_burst(
    stores: Broker, clock: FakeClock, define: Callable[..., None]
) -> None:
    define(sums={"task": "add_numbers", "args": [1, 2], "every": 1})
    scheduler = Scheduler(clock)
    scheduler.run_pass()
    control.pause("sums")

    for _ in range(5):
        clock.advance(seconds=1)
        scheduler.run_pass()
    assert made("sums") == []

    control.resume("sums")  # on the real clock: its next tick is in the real future
    Schedule.objects.filter(name="sums").update(next_tick_at=clock.now + timedelta(seconds=0.5))
    clock.advance(seconds=1)
    scheduler.run_pass()
    assert len(made("sums")) == 1


@pytest.mark.parametrize(("catch_up", "expected"), [("none", 0), ("latest", 1), ("all", 61)])
def test_after_an_hour_with_no_scheduler_catch_up_decides_what_runs(
    stores: Broker, clock: FakeClock, define: Callable[..., None], catch_up: str, expected: int
) -> None:
    define(minutely={"task": "add_numbers", "args": [1, 2], "every": 60, "catch_up": catch_up})
    Scheduler(clock).run_pass()  # waits for T0

    clock.advance(hours=1, seconds=30)
    Scheduler(clock).run_pass()

    assert len(made("minutely")) == expected
    if expected:
        assert made("minutely")[-1] == T0 + timedelta(hours=1)
    assert Schedule.objects.get(name="minutely").next_tick_at == T0 + timedelta(hours=1, minutes=1)


def test_a_tick_is_skipped_and_counted_while_the_previous_run_is_unfinished(
    stores: Broker, clock: FakeClock, define: Callable[..., None]
) -> None:
    define(exclusive={"task": "add_numbers", "args": [1, 2], "every": 1, "skip_if_running": True})
    scheduler = Scheduler(clock)
    scheduler.run_pass()
    clock.advance(seconds=1)
    scheduler.run_pass()  # the first run, left pending
    clock.advance(seconds=1)
    scheduler.run_pass()
    assert len(made("exclusive")) == 1
    assert Schedule.objects.get(name="exclusive").skipped_ticks == 1

    Task.objects.filter(schedule_name="exclusive").update(status="success")
    clock.advance(seconds=1)
    scheduler.run_pass()

    assert len(made("exclusive")) == 2


def test_run_now_makes_one_task_whatever_the_clock_and_an_orphan_cannot_run(
    stores: Broker, clock: FakeClock, define: Callable[..., None]
) -> None:
    define(sums={"task": "add_numbers", "args": [1, 2], "cron": "0 3 * * *"})

    task_id = control.run_now("sums")

    task = Task.objects.get(pk=task_id)
    assert (task.schedule_name, task.args, task.status) == ("sums", [1, 2], "pending")
    assert str(task_id) in stores.ready_ids("default", 10)
    define()  # the definition is gone from the settings: its row stays, orphaned
    with pytest.raises(control.OrphanedScheduleError):
        control.run_now("sums")
    with pytest.raises(control.UnknownScheduleError):
        control.pause("nothing-of-the-kind")


def test_a_changed_trigger_restarts_the_clock_at_its_next_tick(
    stores: Broker, clock: FakeClock, define: Callable[..., None]
) -> None:
    define(sums={"task": "add_numbers", "args": [1, 2], "every": 60})
    Scheduler(clock).run_pass()
    assert Schedule.objects.get(name="sums").next_tick_at == T0

    define(sums={"task": "add_numbers", "args": [1, 2], "every": 3600})
    Scheduler(clock).run_pass()

    assert Schedule.objects.get(name="sums").next_tick_at == T0
    define(sums={"task": "add_numbers", "args": [1, 2], "cron": "30 12 * * *"})
    Scheduler(clock).run_pass()
    assert Schedule.objects.get(name="sums").next_tick_at == T0 + timedelta(minutes=30)


def test_a_scheduler_records_how_late_it_enqueued_each_tick(
    stores: Broker, clock: FakeClock, define: Callable[..., None]
) -> None:
    define(sums={"task": "add_numbers", "args": [1, 2], "every": 1})
    scheduler = Scheduler(clock)
    scheduler.run_pass()
    clock.advance(seconds=1)

    wait_s = scheduler.run_pass()

    row = Schedule.objects.get(name="sums")
    assert row.last_tick_at == T0
    assert row.last_lag_s is not None
    assert 0 < wait_s <= 1
