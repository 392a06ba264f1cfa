"""A supervisor's verbs: renew its children's leases, settle what a child held when it ended."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone
from pytest_django.fixtures import Settings

from django_task_queue import store
from django_task_queue.broker.client import Broker
from django_task_queue.models import Attempt, Task
from django_task_queue.outcomes import ClaimedTask, Completed, Failure
from django_task_queue.services import enqueue
from django_task_queue.states import AttemptOutcome
from django_task_queue.transitions import claim_batch, complete_many, fail, reap_expired_leases
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
    renewed = renew_worker_leases(stores, ["host:1-1"]).renewed

    # then only that child's lease moves forward
    assert renewed == 1
    renewed_until = Task.objects.get(pk=mine.id).lease_expires_at
    assert renewed_until is not None
    assert renewed_until > soon + timedelta(seconds=5)
    assert Task.objects.get(pk=other.id).lease_expires_at == soon


def _lose_the_outcome(task: ClaimedTask) -> None:
    """What a PostgreSQL crash leaves of an outcome committed without waiting for the WAL flush
    (Redis has already dropped the lease): the task and its attempt are still running."""
    Task.objects.filter(pk=task.id).update(
        status="processing", result=None, completed_at=None, next_retry_at=None,
        lease_expires_at=timezone.now() + timedelta(seconds=1),
    )  # fmt: skip
    Attempt.objects.filter(task_id=task.id, number=task.attempt).update(outcome="running")


def test_a_success_whose_commit_was_lost_runs_again_though_its_worker_lives(
    stores: Broker,
) -> None:
    # given a success recorded and acknowledged in Redis, then lost by PostgreSQL
    task = enqueue("add_numbers", [1, 2])
    (claimed,) = _claim(stores, "host:3-1", 1)
    complete_many(stores, [Completed(claimed, "3", duration_ms=1, finished_at=timezone.now())])
    _lose_the_outcome(claimed)

    # when the supervisor renews the leases of the live child that ran it, twice, without
    # seeing it on the child's board in between
    first = renew_worker_leases(stores, ["host:3-1"])
    second = renew_worker_leases(stores, ["host:3-1"], end_if_unheld=first.unheld)

    # then the first look only notes it, the second ends its lease, and the reaper reruns it
    assert (first.renewed, first.unheld) == (1, frozenset({str(task.id)}))
    assert (second.renewed, second.unheld) == (0, frozenset())
    assert reap_expired_leases(stores) == 1
    (again,) = _claim(stores, "host:3-1", 1)
    assert (again.id, again.attempt) == (task.id, 2)


def test_a_retry_whose_commit_was_lost_is_skipped_by_the_claim_and_reaped(
    stores: Broker,
) -> None:
    # given a failure scheduled for retry in Redis, then lost by PostgreSQL
    task = enqueue("add_numbers", [1, 2], retry_delay=0)
    (claimed,) = _claim(stores, "host:4-1", 1)
    failure = Failure(AttemptOutcome.ERROR, "ValueError", "boom", "")
    fail(stores, claimed, failure, duration_ms=1)
    _lose_the_outcome(claimed)

    # when a worker pops the retry from Redis, and the supervisor renews its child's leases
    assert claim_batch(stores, ["default"], "host:4-2", 1) == []
    first = renew_worker_leases(stores, ["host:4-1"])
    renew_worker_leases(stores, ["host:4-1"], end_if_unheld=first.unheld)

    # then the reaper makes it waiting again, and it runs
    assert reap_expired_leases(stores) == 1
    (again,) = _claim(stores, "host:4-2", 1)
    assert (again.id, again.attempt) == (task.id, 2)


def test_a_running_task_whose_redis_lease_was_lost_keeps_its_lease_while_seen_running(
    stores: Broker,
) -> None:
    # given a task a live child runs, whose Redis lease was lost (Redis lost its data)
    enqueue("add_numbers", [1, 2])
    (claimed,) = _claim(stores, "host:6-1", 1)
    stores.forget_leases("default", [str(claimed.id)])

    # when the supervisor renews twice, seeing it running on the child's board (so it never
    # passes it in `end_if_unheld`)
    first = renew_worker_leases(stores, ["host:6-1"])
    second = renew_worker_leases(stores, ["host:6-1"], end_if_unheld=set())

    # then its lease is renewed both times: a live run is never handed to another worker
    assert first.unheld == {str(claimed.id)}
    assert second.renewed == 1
    assert reap_expired_leases(stores) == 0


def test_a_task_claimed_again_since_the_renewal_keeps_its_lease(stores: Broker) -> None:
    # given a task claimed again (a new deadline) after the supervisor renewed it
    enqueue("add_numbers", [1, 2])
    (claimed,) = _claim(stores, "host:5-1", 1)
    stored = Task.objects.get(pk=claimed.id)
    assert stored.lease_expires_at is not None

    # when the supervisor ends the leases Redis lacked, naming the deadline it had renewed
    ended = store.write(
        "end_unheld_leases",
        {
            "ids": [claimed.id],
            "renewed_until": stored.lease_expires_at - timedelta(seconds=1),
            "now": timezone.now(),
        },
    )

    # then the new claim's lease stands
    assert ended == []
    assert Task.objects.get(pk=claimed.id).lease_expires_at == stored.lease_expires_at


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
