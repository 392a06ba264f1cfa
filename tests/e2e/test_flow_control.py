"""Flow control with real `run_worker` processes: pausing a queue, unique tasks, concurrency
limits."""

from __future__ import annotations

import itertools
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from django.utils import timezone

from django_task_queue import store
from django_task_queue.broker.client import Broker
from django_task_queue.flow_control.pausing import pause_queue, resume_queue
from django_task_queue.models import Attempt, Task
from django_task_queue.services import TaskSpec, enqueue, enqueue_many
from tests.support.markers import labels
from tests.support.processes import ROOT, WorkerProcess, process_env, wait_for

pytestmark = pytest.mark.e2e

StartWorker = Callable[..., WorkerProcess]


def _statuses(tasks: list[Task]) -> set[str]:
    return set(Task.objects.filter(pk__in=[t.pk for t in tasks]).values_list("status", flat=True))


def test_a_pause_holds_a_queue_for_5_s_with_a_worker_running_and_resume_drains_it(
    start_worker: StartWorker, marker_dir: Path
) -> None:
    start_worker("--workers=2", "--concurrency=2")
    warm_up = enqueue("add_numbers", [1, 1])
    wait_for(lambda: _statuses([warm_up]) == {"success"}, what="the workers to be up")
    pause_queue("default")

    tasks = enqueue_many([TaskSpec("test_record", [str(marker_dir), f"t{i}"]) for i in range(20)])
    held_until = time.monotonic() + 5.0
    while time.monotonic() < held_until:
        assert _statuses(tasks) == {"pending"}
        assert labels(marker_dir) == []
        time.sleep(0.2)
    resume_queue("default")

    wait_for(lambda: _statuses(tasks) == {"success"}, timeout_s=10, what="the queue to drain")
    assert sorted(labels(marker_dir)) == sorted(f"t{i}" for i in range(20))


def test_a_pause_redis_missed_reaches_every_worker_within_a_second(
    start_worker: StartWorker, stores: Broker, marker_dir: Path
) -> None:
    start_worker("--workers=1", overrides={"PAUSE_SYNC_INTERVAL_S": 0.5})
    warm_up = enqueue("add_numbers", [1, 1])
    wait_for(lambda: _statuses([warm_up]) == {"success"}, what="the worker to be up")

    # The row alone, as when Redis was down at the commit: the supervisor's pause keeper
    # sets the flag that every worker's claim reads.
    store.write("pause_queue", {"queue_name": "default", "now": timezone.now()})

    wait_for(lambda: stores.paused_flags(["default"]), timeout_s=1.0, what="the flag")
    task = enqueue("test_record", [str(marker_dir), "held"])
    resume_queue("default")
    wait_for(lambda: _statuses([task]) == {"success"}, timeout_s=5, what="the resumed queue")


# Each producer process says it is ready, waits for the start file, then enqueues 1,000 times
# over 50 keys.
RACING_PRODUCER = """
import os, pathlib, sys, time
from django_task_queue.services import enqueue
start = pathlib.Path(sys.argv[-1])
(start.parent / f"ready-{os.getpid()}").touch()
while not start.exists():
    time.sleep(0.005)
for i in range(1000):
    enqueue("add_numbers", [i, 0], unique_key=f"race-{i % 50}")
"""


def test_two_producer_processes_racing_1000_times_on_50_keys_make_50_tasks(
    stores: Broker, tmp_path: Path
) -> None:
    start = tmp_path / "start"
    producers = [
        subprocess.Popen(
            [sys.executable, "-c", _in_django(RACING_PRODUCER), str(start)],
            cwd=ROOT,
            env={**process_env(), "DJANGO_SETTINGS_MODULE": "config.settings"},
        )
        for _ in range(2)
    ]
    wait_for(lambda: len(list(tmp_path.glob("ready-*"))) == 2, timeout_s=30, what="producers")
    start.touch()

    assert [producer.wait(timeout=120) for producer in producers] == [0, 0]
    assert Task.objects.filter(task_name="add_numbers").count() == 50
    assert stores.depths(["default"])["default"].ready == 50


def _in_django(code: str) -> str:
    return "import django; django.setup()\n" + code


def test_unique_for_blocks_the_key_after_a_worker_ran_the_task_then_lets_it_through(
    start_worker: StartWorker,
) -> None:
    start_worker("--workers=1")
    first = enqueue("add_numbers", [1, 2], unique_key="nightly", unique_for=2.0)
    wait_for(lambda: _statuses([first]) == {"success"}, what="the first run")

    blocked = enqueue("add_numbers", [1, 2], unique_key="nightly", unique_for=2.0)
    later = wait_for(
        lambda: (
            (task := enqueue("add_numbers", [1, 2], unique_key="nightly", unique_for=2.0)).id
            != first.id
            and task
        ),
        timeout_s=10,
        what="the throttle to let the key through",
    )

    assert blocked.id == first.id
    completed_at = Task.objects.get(pk=first.id).completed_at
    assert completed_at is not None
    assert (later.created_at - completed_at).total_seconds() >= 2.0
    wait_for(lambda: _statuses([later]) == {"success"}, what="the second run")


def _intervals(tasks: list[Task]) -> list[tuple[float, float]]:
    """(start, finish) of every attempt of these tasks, by start."""
    attempts = Attempt.objects.filter(task__in=[t.pk for t in tasks]).order_by("started_at")
    return [
        (a.started_at.timestamp(), a.finished_at.timestamp()) for a in attempts if a.finished_at
    ]


def test_a_task_with_concurrency_limit_1_never_overlaps_itself_across_3_processes_of_4_slots(
    start_worker: StartWorker, marker_dir: Path
) -> None:
    for _ in range(3):
        start_worker("--workers=1", "--concurrency=4")
    tasks = enqueue_many(
        [TaskSpec("test_limited_sleep", [str(marker_dir), f"t{i}", 0.3]) for i in range(6)]
    )

    wait_for(lambda: _statuses(tasks) == {"success"}, timeout_s=30, what="the six tasks")

    intervals = _intervals(tasks)
    assert len(intervals) == 6
    for (_, finished), (started, _) in itertools.pairwise(intervals):
        assert started >= finished


def test_a_killed_worker_frees_its_concurrency_slot_within_the_lease(
    start_worker: StartWorker, marker_dir: Path
) -> None:
    first = start_worker("--workers=1")
    enqueue("test_limited_sleep", [str(marker_dir), "holder", 60.0])
    wait_for(lambda: "start:holder" in labels(marker_dir), what="the holder to start")
    enqueue("test_limited_sleep", [str(marker_dir), "next", 0.0])

    second = start_worker("--workers=1")  # up and idle: the slot is taken
    wait_for(lambda: len(second.child_pids()) == 1, what="the second worker to be up")

    first.kill_group()  # the supervisor too: only the lease can free the concurrency slot now
    killed_at = time.monotonic()

    # The concurrency slot frees when the dead holder's lease runs out; then the reaped holder
    # (the older task) or the waiting one starts, and holds it in turn.
    wait_for(lambda: _starts(marker_dir) >= 2, timeout_s=15, what="the concurrency slot to free")
    # LEASE_S (FAST_RECOVERY), the idle worker's poll interval (1 s), and a margin
    assert time.monotonic() - killed_at < 2.0 + 1.0 + 2.0
    assert {"start:holder", "start:next"} & set(labels(marker_dir)[1:])


def _starts(marker_dir: Path) -> int:
    return sum(1 for label in labels(marker_dir) if label.startswith("start:"))


def test_a_rate_limit_of_5_per_s_spreads_20_starts_over_at_least_3_8_s(
    start_worker: StartWorker, marker_dir: Path
) -> None:
    start_worker("--workers=2", "--concurrency=2", "--poll-interval=0.05")
    tasks = enqueue_many(
        [TaskSpec("test_rate_limited", [str(marker_dir), f"r{i}"]) for i in range(20)]
    )

    wait_for(lambda: _statuses(tasks) == {"success"}, timeout_s=30, what="the twenty tasks")

    starts = sorted(start for start, _ in _intervals(tasks))
    assert starts[-1] - starts[0] >= 3.8


def test_an_idle_worker_starts_a_rate_limited_task_when_its_rate_allows_not_at_its_poll(
    start_worker: StartWorker, marker_dir: Path
) -> None:
    # one slot, the default poll interval (1 s): were it waiting for its poll, 10 tasks at 5/s
    # would take 9 s
    start_worker("--workers=1", "--concurrency=1")
    tasks = enqueue_many(
        [TaskSpec("test_rate_limited", [str(marker_dir), f"r{i}"]) for i in range(10)]
    )

    wait_for(lambda: _statuses(tasks) == {"success"}, timeout_s=30, what="the ten tasks")

    starts = sorted(start for start, _ in _intervals(tasks))
    assert 1.8 <= starts[-1] - starts[0] < 4.5


def test_fair_share_starts_all_10_of_a_small_tenant_before_the_100th_of_a_big_one(
    start_worker: StartWorker, marker_dir: Path
) -> None:
    big = [TaskSpec("test_fair_per_tenant", ["big", str(marker_dir), f"b{i}"]) for i in range(1000)]
    enqueue_many(big)
    small = enqueue_many(
        [TaskSpec("test_fair_per_tenant", ["small", str(marker_dir), f"s{i}"]) for i in range(10)]
    )
    start_worker("--workers=2", "--concurrency=2")

    wait_for(lambda: _statuses(small) == {"success"}, timeout_s=60, what="the small tenant")

    order = labels(marker_dir)
    assert all(f"s{i}" in order for i in range(10))
    assert "b99" not in order[: order.index("s9")]


def test_a_queue_with_concurrency_limit_1_runs_one_task_at_a_time_across_3_processes_of_4_slots(
    start_worker: StartWorker, stores: Broker, marker_dir: Path
) -> None:
    # given a queue limited to one running task in the workers' settings, any task function
    queues = {"reports": {"concurrency_limit": 1}}
    for _ in range(3):
        start_worker(
            "--workers=1", "--concurrency=4", "--queue=reports", overrides={"QUEUES": queues}
        )
    wait_for(lambda: stores.queue_limits(["reports"]), what="the keeper to copy the limit")

    # when six sleeping tasks are enqueued at once
    tasks = enqueue_many(
        [
            TaskSpec(
                "test_sleep_then_record", [str(marker_dir), f"t{i}", 0.3], queue_name="reports"
            )
            for i in range(6)
        ]
    )

    # then they ran one after another
    wait_for(lambda: _statuses(tasks) == {"success"}, timeout_s=30, what="the six tasks")
    intervals = _intervals(tasks)
    assert len(intervals) == 6
    for (_, finished), (started, _) in itertools.pairwise(intervals):
        assert started >= finished
