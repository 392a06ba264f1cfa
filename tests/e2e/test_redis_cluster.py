"""A real worker on a Redis Cluster (make test-redis-cluster): idle, serving queues whose keys
live on different nodes, it starts a task on either within a few hundred milliseconds."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

import pytest

from django_task_queue.broker.client import Broker
from django_task_queue.models import Task
from django_task_queue.services import enqueue
from tests.conftest import session_cluster
from tests.integration.test_redis_cluster import queues_on_each_node
from tests.support.processes import WorkerProcess, wait_for

pytestmark = pytest.mark.e2e

StartWorker = Callable[..., WorkerProcess]


def _done(task: Task) -> bool:
    return Task.objects.get(pk=task.pk).status == "success"


def _idle(broker: Broker) -> bool:
    return [worker.state for worker in broker.workers()] == ["idle"]


@pytest.mark.parametrize("concurrency", [1, 4])
def test_an_idle_worker_on_queues_of_two_nodes_starts_a_task_on_either_at_once(
    start_worker: StartWorker, stores: Broker, concurrency: int
) -> None:
    first, second = list(queues_on_each_node(stores, session_cluster()).values())[:2]
    # A 30 s poll interval could not explain a start within the bound: the push woke it.
    start_worker(f"--queue={first},{second}", f"--concurrency={concurrency}", "--poll-interval=30")
    warmup = enqueue("add_numbers", [0, 0], queue_name=first)
    wait_for(lambda: _done(warmup), what="the worker to start")

    for queue_name in (second, first, second):
        wait_for(lambda: _idle(stores), what="the worker to be idle")
        task = enqueue("add_numbers", [1, 1], queue_name=queue_name)
        wait_for(partial(_done, task), timeout_s=5, what=f"a task on {queue_name}")

        stored = Task.objects.get(pk=task.pk)
        assert stored.started_at is not None
        waited_s = (stored.started_at - stored.created_at).total_seconds()
        assert waited_s < 0.5, (queue_name, waited_s)
