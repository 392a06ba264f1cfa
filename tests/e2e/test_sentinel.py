"""Redis behind Sentinel: when the master dies and the replica is promoted, workers and
producers follow, every task runs (the reconciler re-pushes what the failover lost), and none
runs twice at once."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from pathlib import Path

import pytest
from pytest_django.fixtures import Settings

from django_task_queue.broker.client import Broker, reset_broker
from django_task_queue.models import Task
from django_task_queue.services import enqueue
from tests.api.conftest import set_task_queue
from tests.conftest import skip_on_cluster
from tests.support.markers import labels
from tests.support.processes import WorkerProcess, wait_for
from tests.support.sentinel import MASTER_NAME, sentinel_set

pytestmark = pytest.mark.e2e

StartWorker = Callable[..., WorkerProcess]


def test_workers_and_producers_follow_a_failover_and_every_task_runs_once(
    start_worker: StartWorker, stores: Broker, settings: Settings, marker_dir: Path
) -> None:
    skip_on_cluster(
        "Sentinel watches a single master; a cluster fails over by itself, and REDIS_SENTINELS "
        "excludes REDIS_CLUSTER"
    )
    with sentinel_set() as servers:
        through = {
            # Only the database number of the URL counts: the Sentinel names the server.
            "REDIS_URL": "redis://sentinel-managed/0",
            "REDIS_SENTINELS": [servers.sentinels],
            "REDIS_SENTINEL_MASTER": MASTER_NAME,
            # Leases outlast a failover, as the defaults' 15 s do.
            "LEASE_S": 10.0,
            "HEARTBEAT_INTERVAL_S": 1.0,
        }
        set_task_queue(settings, **through)
        reset_broker()
        workers = [start_worker("--workers=2", overrides=through) for _ in range(2)]
        before = [
            enqueue("test_sleep_then_record", [str(marker_dir), f"a{i}", 0.2]) for i in range(30)
        ]
        wait_for(lambda: len(labels(marker_dir)) >= 6, timeout_s=30, what="tasks to start")

        servers.kill_master()
        wait_for(
            lambda: servers.master_address() == ("127.0.0.1", servers.replica_port),
            timeout_s=30,
            what="the Sentinel to promote the replica",
        )
        reset_broker()
        after = [
            enqueue("test_sleep_then_record", [str(marker_dir), f"b{i}", 0.05]) for i in range(10)
        ]

        every = before + after
        wait_for(
            lambda: (
                Task.objects.filter(pk__in=[t.pk for t in every], status="success").count()
                == len(every)
            ),
            timeout_s=90,
            what="every task to succeed",
        )
        for task in Task.objects.filter(pk__in=[t.pk for t in every]).prefetch_related("attempts"):
            runs = sorted(task.attempts.all(), key=lambda a: a.number)
            for earlier, later in itertools.pairwise(runs):
                assert earlier.finished_at is not None
                assert earlier.finished_at <= later.started_at, f"{task.id} ran twice at once"
        logs = "\n".join(worker.log() for worker in workers)
        assert "Traceback" not in logs
        assert "exited with" not in logs  # no worker process died: no crash loop
        assert "outcome dropped" not in logs  # no live run was given to another worker
        # Each part of each process says that Redis is away once (twice when a first try on the
        # new master fails), not at every try: per supervisor its lease keeper and 3
        # maintenance loops, per worker its loop and heartbeat.
        complaints = [line for line in logs.splitlines() if "Redis is unreachable" in line]
        assert len(complaints) <= 2 * (2 * 4 + 4 * 2), "\n".join(complaints)
    reset_broker()
