"""A supervisor's verbs: renew its children's leases, settle what a child held when it ended."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone
from pytest_django.fixtures import Settings

from django_task_queue.broker.client import Broker
from django_task_queue.models import Task
from django_task_queue.outcomes import ClaimedTask
from django_task_queue.services import enqueue
from django_task_queue.transitions import claim_batch
from django_task_queue.transitions.supervised import release_worker_tasks, renew_worker_leases


def _claim(broker: Broker, worker_id: str, count: int) -> list[ClaimedTask]:
    claimed = claim_batch(broker, ["default"], worker_id, count)
    assert claimed is not None
    assert len(claimed) == count
    return claimed


def test_leases_are_renewed_for_the_live_children_only(stores: Broker) -> None:
    # given tasks held by two children, their leases about to run out
    enqueue("add_numbers", [1, 2])
    enqueue("add_numbers", [3, 4])
    (mine,) = _claim(stores, "host:1-1", 1)
    (other,) = _claim(stores, "host:1-2", 1)
    soon = timezone.now() + timedelta(seconds=1)
    Task.objects.filter(pk__in=[mine.id, other.id]).update(lease_expires_at=soon)

    # when the supervisor renews the leases of one of them
    renewed = renew_worker_leases(stores, ["host:1-1"])

    # then only that child's lease moves forward
    assert renewed == 1
    renewed_until = Task.objects.get(pk=mine.id).lease_expires_at
    assert renewed_until is not None
    assert renewed_until > soon + timedelta(seconds=5)
    assert Task.objects.get(pk=other.id).lease_expires_at == soon


def test_a_dead_childs_running_task_is_lost_and_the_tasks_it_never_started_go_back_unspent(
    stores: Broker,
) -> None:
    # given a child that claimed three tasks and started the first
    for i in range(3):
        enqueue("add_numbers", [i, 1])
    running, *unstarted = _claim(stores, "host:2-1", 3)

    # when it dies and its supervisor settles what it held
    count = release_worker_tasks(
        stores, "host:2-1", [(running.id, running.attempt)], outcome="lost", reason="died"
    )

    # then the running task's attempt is lost and the others are as if never claimed
    assert count == 3
    lost = Task.objects.get(pk=running.id)
    assert (lost.status, lost.attempt, lost.worker_id) == ("pending", 1, None)
    assert [(a.outcome, a.error_message) for a in lost.attempts.all()] == [("lost", "died")]
    for task in unstarted:
        back = Task.objects.get(pk=task.id)
        assert (back.status, back.attempt, back.attempts.count()) == ("pending", 0, 0)
    # and all three are ready in Redis again, best first
    again = _claim(stores, "host:2-2", 3)
    assert [t.id for t in again] == [running.id, *(t.id for t in unstarted)]


def test_a_task_killed_with_its_process_at_shutdown_is_interrupted_not_lost(
    stores: Broker, settings: Settings
) -> None:
    settings.TASK_QUEUE = {**settings.TASK_QUEUE, "MAX_LOST_ATTEMPTS": 1}
    enqueue("add_numbers", [1, 2])
    (running,) = _claim(stores, "host:3-1", 1)

    release_worker_tasks(
        stores, "host:3-1", [(running.id, running.attempt)], outcome="interrupted", reason="stop"
    )

    task = Task.objects.get(pk=running.id)
    assert task.status == "pending"
    assert task.attempts.get().outcome == "interrupted"


def test_a_task_whose_process_died_too_often_fails_as_a_poison_pill(
    stores: Broker, settings: Settings
) -> None:
    settings.TASK_QUEUE = {**settings.TASK_QUEUE, "MAX_LOST_ATTEMPTS": 2}
    enqueue("add_numbers", [1, 2])
    for attempt in (1, 2):
        (running,) = _claim(stores, f"host:4-{attempt}", 1)
        release_worker_tasks(
            stores, f"host:4-{attempt}", [(running.id, attempt)], outcome="lost", reason="died"
        )

    task = Task.objects.get(pk=running.id)
    assert task.status == "failed"
    assert task.error_message == "Lost 2 times: its worker process died each time it ran it."
    assert stores.claim(["default"], "token", 0, 1000, 1) == []


def test_an_earlier_runs_tasks_under_the_same_id_count_as_lost(stores: Broker) -> None:
    enqueue("add_numbers", [1, 2])
    (held,) = _claim(stores, "fixed-id", 1)

    release_worker_tasks(stores, "fixed-id", None, outcome="lost", reason="earlier run")

    assert Task.objects.get(pk=held.id).attempts.get().outcome == "lost"
