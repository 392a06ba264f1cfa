"""The broker on a Redis Cluster of three masters (make test-redis-cluster): queues whose keys
live on different nodes run their tasks, an idle worker blocked on queues of several nodes
wakes for a task on any of them, and a token it took too is given back; a node that loses its
data is rebuilt from PostgreSQL."""

from __future__ import annotations

import threading
import time

from django_task_queue.broker import events
from django_task_queue.broker.client import Broker
from django_task_queue.models import Task
from django_task_queue.services import enqueue
from django_task_queue.worker.maintenance import Maintenance
from tests.conftest import session_cluster
from tests.support.drain import drain
from tests.support.maintenance import run_only
from tests.support.redis_cluster import RedisCluster


def queues_on_each_node(broker: Broker, cluster: RedisCluster) -> dict[int, str]:
    """A queue name per node (port), each found by where its keys' slot lives."""
    found: dict[int, str] = {}
    for i in range(200):
        name = f"spread{i}"
        found.setdefault(cluster.port_of_key(broker.keys.queue(name).ready), name)
        if len(found) == len(cluster.ports):
            return found
    raise AssertionError("no queue name found for every node")


def test_tasks_of_queues_on_three_different_nodes_run_to_success(stores: Broker) -> None:
    cluster = session_cluster()
    by_port = queues_on_each_node(stores, cluster)
    names = tuple(by_port.values())
    tasks = [enqueue("add_numbers", [i, 1], queue_name=name) for i, name in enumerate(names * 3)]

    drain(queues=names)

    assert sorted(by_port) == sorted(cluster.ports)
    for name in names:
        # Every key of a queue, its wake-up list included, lives on the node of its ready set.
        q = stores.keys.queue(name)
        assert {cluster.port_of_key(key) for key in (q.ready, q.notify, q.events, q.epoch)} == {
            cluster.port_of_key(q.ready)
        }
    assert [Task.objects.get(pk=t.pk).status for t in tasks] == ["success"] * len(tasks)


def _wake_after(broker: Broker, queue_names: tuple[str, ...], push: str) -> float:
    """Seconds from a task's push on `push` until a wait on every queue returns."""
    woke: list[float] = []
    waiting = threading.Thread(
        target=lambda: (
            woke.append(time.monotonic()) if broker.wait_for_work(queue_names, 5.0) else None
        )
    )
    waiting.start()
    time.sleep(0.2)  # the waits are blocked on every node by now
    pushed_at = time.monotonic()
    enqueue("add_numbers", [1, 1], queue_name=push)
    waiting.join(timeout=10)
    assert woke, "the wait ended without a token"
    return woke[0] - pushed_at


def test_a_wait_on_queues_of_two_nodes_wakes_within_milliseconds_for_either(
    stores: Broker,
) -> None:
    by_port = queues_on_each_node(stores, session_cluster())
    first, second = list(by_port.values())[:2]

    waits_s = [
        _wake_after(Broker.from_url(*_where(stores)), (first, second), push)
        for push in (second, first)
    ]

    assert max(waits_s) < 0.3, waits_s


def test_a_token_taken_by_an_ended_wait_is_given_back(stores: Broker) -> None:
    by_port = queues_on_each_node(stores, session_cluster())
    names = tuple(by_port.values())
    for name in names:
        enqueue("add_numbers", [1, 1], queue_name=name)

    assert stores.wait_for_work(names, 1.0)

    # Each push left one token; one wait took one, and whatever the others took came back.
    left = sum(int(stores.client.llen(stores.keys.queue(name).notify)) for name in names)
    assert left == len(names) - 1


def _where(broker: Broker) -> tuple[str, str]:
    from django_task_queue.conf import get_settings

    return get_settings().REDIS_URL, broker.keys.prefix


def test_the_rebuild_after_one_node_lost_its_data_runs_that_nodes_tasks(stores: Broker) -> None:
    cluster = session_cluster()
    by_port = queues_on_each_node(stores, cluster)
    names = tuple(by_port.values())
    tasks = [enqueue("add_numbers", [i, 1], queue_name=name) for i, name in enumerate(names)]
    maintenance = Maintenance()
    run_only(maintenance, "promoter")  # every queue's epoch marker is set
    lost_port, lost_queue = next(iter(by_port.items()))

    cluster.flush_node(lost_port)
    assert stores.depths([lost_queue])[lost_queue].ready == 0
    # The periodic reconciler would find the task only after its grace: the promoter's look at
    # the markers rebuilds at once.
    run_only(maintenance, "promoter")

    assert stores.depths([lost_queue])[lost_queue].ready == 1
    drain(queues=names)
    assert [Task.objects.get(pk=t.pk).status for t in tasks] == ["success"] * len(tasks)


def test_a_queue_first_seen_after_the_first_look_is_not_taken_for_a_loss(
    stores: Broker,
) -> None:
    session_cluster()
    stores.mark_built()

    enqueue("add_numbers", [1, 1], queue_name="new-queue")

    assert stores.mark_built() is False


def test_a_tail_blocked_on_streams_of_two_nodes_reads_an_event_of_either_at_once(
    stores: Broker,
) -> None:
    first, second = list(queues_on_each_node(stores, session_cluster()).values())[:2]
    after = stores.latest_event_ids([first, second])
    read: list[tuple[float, list[str]]] = []

    def tail() -> None:
        found = stores.read_events(after, block_ms=5_000)
        read.append((time.monotonic(), [event.queue_name for event in found]))

    reader = threading.Thread(target=tail)
    reader.start()
    time.sleep(0.2)  # the reads are blocked on both nodes by now
    written_at = time.monotonic()
    events.record([events.TaskEvent("enqueued", "t1", "add_numbers", second, "pending", 0, 0)])
    reader.join(timeout=10)

    assert read, "the read did not end"
    (returned_at, queue_names) = read[0]
    assert queue_names == [second]
    assert returned_at - written_at < 0.5
