"""Real `run_worker` supervisors running the scheduler: each tick of a schedule is one task,
however many supervisors run and whichever of them dies; pause, resume and catch-up hold."""

from __future__ import annotations

import re
import time
from collections import Counter
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

import pytest
from django.utils import timezone
from pytest_django.fixtures import Settings

from django_task_queue.models import Schedule, Task
from django_task_queue.schedules import control
from django_task_queue.schedules.planning import ON_TIME_S
from tests.api.conftest import set_task_queue
from tests.support.processes import WorkerProcess, wait_for

pytestmark = pytest.mark.e2e

StartWorker = Callable[..., WorkerProcess]
EVERY_2_S = {"sums": {"task": "add_numbers", "args": [1, 2], "every": 2}}


def scheduling(schedules: dict[str, Any]) -> dict[str, Any]:
    return {"SCHEDULER": True, "SCHEDULES": schedules}


def ticks(name: str) -> list[datetime]:
    found = (
        Task.objects.filter(schedule_name=name)
        .order_by("scheduled_for")
        .values_list("scheduled_for", flat=True)
    )
    return [tick for tick in found if tick is not None]


def who_enqueued(processes: list[WorkerProcess], tick: datetime) -> WorkerProcess:
    """The supervisor whose scheduler logged the tick's task (at DEBUG)."""
    mark = f"sums@{tick.isoformat()}"
    (found,) = [p for p in processes if re.search(re.escape(mark), p.log())]
    return found


def test_three_supervisors_make_exactly_one_task_per_tick_for_30_s(
    start_worker: StartWorker,
) -> None:
    supervisors = [start_worker("--workers=1", overrides=scheduling(EVERY_2_S)) for _ in range(3)]
    wait_for(lambda: ticks("sums"), timeout_s=20, what="the first tick")
    started = timezone.now()

    time.sleep(30)
    ended = timezone.now()

    made = ticks("sums")
    duplicates = [tick for tick, n in Counter(made).items() if n > 1]
    assert not duplicates, duplicates
    # Every tick from the first to the last is there, and none is missing at either end but
    # the tick being enqueued as the test ends.
    expected = [made[0] + timedelta(seconds=2 * i) for i in range(len(made))]
    assert made == expected
    assert made[0] <= started
    assert made[-1] >= ended - timedelta(seconds=2.5)
    enqueuers = {who_enqueued(supervisors, tick).pid for tick in made[-5:]}
    assert enqueuers <= {p.pid for p in supervisors}
    wait_for(
        lambda: not Task.objects.filter(schedule_name="sums").exclude(status="success").exists(),
        what="every tick's task to run",
    )


def test_killing_the_supervisor_that_enqueued_the_last_tick_does_not_stop_the_next(
    start_worker: StartWorker,
) -> None:
    supervisors = [start_worker("--workers=1", overrides=scheduling(EVERY_2_S)) for _ in range(2)]
    wait_for(lambda: len(ticks("sums")) >= 2, timeout_s=20, what="two ticks")
    last = ticks("sums")[-1]
    victim = who_enqueued(supervisors, last)

    victim.kill_group()

    wait_for(lambda: len([t for t in ticks("sums") if t > last]) >= 2, timeout_s=8, what="more")
    after = [t for t in ticks("sums") if t > last]
    assert after[:2] == [last + timedelta(seconds=2), last + timedelta(seconds=4)]


def test_pause_stops_the_ticks_and_resume_restarts_them_without_a_burst(
    start_worker: StartWorker, settings: Settings
) -> None:
    fast = {"fast": {**EVERY_2_S["sums"], "every": 1}}
    set_task_queue(settings, SCHEDULES=fast)  # this process pauses and resumes it, as the API
    start_worker("--workers=1", overrides=scheduling(fast))
    wait_for(lambda: ticks("fast"), timeout_s=20, what="the first tick")

    control.pause("fast")
    paused_at = timezone.now()
    time.sleep(4)
    control.resume("fast")
    resumed_at = timezone.now()
    time.sleep(3)

    made = ticks("fast")
    # A pass already under way when the pause landed may finish its tick.
    assert not [t for t in made if paused_at + timedelta(seconds=1) < t < resumed_at]
    after = [t for t in made if t >= resumed_at]
    assert 2 <= len(after) <= 4, after
    assert Counter(made).most_common(1)[0][1] == 1


@pytest.mark.parametrize(("catch_up", "missed_run"), [("none", 0), ("latest", 1), ("all", 60)])
def test_after_an_hour_with_every_scheduler_stopped_catch_up_decides_what_runs(
    start_worker: StartWorker, catch_up: str, missed_run: int
) -> None:
    schedules = {
        "hourly": {"task": "add_numbers", "args": [1, 2], "every": 60, "catch_up": catch_up}
    }
    first = start_worker("--workers=1", overrides=scheduling(schedules))
    wait_for(lambda: Schedule.objects.filter(name="hourly").exists(), timeout_s=20, what="sync")
    first.stop()
    Task.objects.filter(schedule_name="hourly").delete()  # a tick it may have made meanwhile
    # Restart well inside a minute: the latest missed tick is then past ON_TIME_S (so "none"
    # must not run it), and no next tick falls before the new scheduler's first pass.
    wait_for(
        lambda: ON_TIME_S + 3 <= timezone.now().second <= 40,
        timeout_s=65,
        what="the middle of a minute",
    )
    latest = timezone.now().replace(second=0, microsecond=0)
    # As if every supervisor had been down for the hour up to that minute's tick: 60 ticks due.
    Schedule.objects.filter(name="hourly").update(next_tick_at=latest - timedelta(minutes=59))
    restarted_at = timezone.now()

    start_worker("--workers=1", overrides=scheduling(schedules))
    wait_for(
        lambda: Schedule.objects.get(name="hourly").next_tick_at > restarted_at,
        timeout_s=20,
        what="the scheduler's first pass",
    )

    missed = [t for t in ticks("hourly") if t < restarted_at]
    assert len(missed) == missed_run
    assert len(set(missed)) == len(missed)
