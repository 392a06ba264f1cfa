"""Workflows against the real PostgreSQL and Redis, with an in-process worker: result passing,
the chord's callback, failures, cancel and retry."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone
from pytest_django.fixtures import Settings

import tests.support.django_tasks  # noqa: F401  (imported, its Django tasks can be named)
from django_task_queue.broker.client import Broker
from django_task_queue.exceptions import InvalidTransitionError, TaskValidationError
from django_task_queue.models import Task, Workflow, WorkflowStep
from django_task_queue.outcomes import ClaimedTask, Completed
from django_task_queue.services import TaskSpec, cancel, retry
from django_task_queue.transitions import (
    claim_batch,
    complete_many,
    reap_expired_leases,
    release_worker_tasks,
)
from django_task_queue.workflows import cancel_workflow, chain, chord, group
from tests.support.drain import work_until


def _workflow(workflow: Workflow) -> Workflow:
    return Workflow.objects.get(pk=workflow.pk)


def _finished(workflow: Workflow) -> bool:
    """Ended, and none of its members still running (a success a worker has yet to record)."""
    running = Task.objects.filter(workflow_id=workflow.pk, status="processing")
    return _workflow(workflow).status != "running" and not running.exists()


def _step(workflow: Workflow, path: str) -> WorkflowStep:
    return WorkflowStep.objects.get(workflow_id=workflow.pk, path=path)


def _task(workflow: Workflow, path: str) -> Task:
    task_id = _step(workflow, path).task_id
    assert task_id is not None
    return Task.objects.get(pk=task_id)


def _failing() -> TaskSpec:
    return TaskSpec("failing_task", max_retries=0)


def test_a_chain_passes_each_result_to_the_next_step(stores: Broker) -> None:
    workflow = chain(TaskSpec("add_numbers", [1, 2]), TaskSpec("add_numbers", [10])).enqueue()

    work_until(lambda: _finished(workflow))

    assert _workflow(workflow).status == "success"
    second = _task(workflow, "chain[1]")
    assert (second.args, second.result, second.workflow_id) == ([3, 10], 13, workflow.pk)


def test_a_django_task_is_a_step_named_by_its_module_path(stores: Broker) -> None:
    step = "tests.support.django_tasks.add"
    workflow = chain(TaskSpec(step, [1, 2]), TaskSpec(step, [10])).enqueue()

    work_until(lambda: _finished(workflow))

    assert _task(workflow, "chain[1]").result == 13


def test_only_the_first_runnable_steps_get_task_rows(stores: Broker) -> None:
    workflow = chain(
        group(TaskSpec("add_numbers", [1, 2]), TaskSpec("add_numbers", [3, 4])),
        TaskSpec("process_data"),
    ).enqueue()

    assert Task.objects.filter(workflow_id=workflow.pk).count() == 2
    assert _step(workflow, "chain[1]").state == "waiting"
    assert stores.depths(["default"])["default"].ready == 2


def test_a_chord_callback_receives_the_results_in_group_order(stores: Broker) -> None:
    workflow = chord(
        group(TaskSpec("add_numbers", [1, 2]), TaskSpec("add_numbers", [3, 4])),
        TaskSpec("process_data", kwargs={"operation": "sum"}),
    ).enqueue()

    work_until(lambda: _finished(workflow))

    callback = _task(workflow, "chord.then")
    assert callback.args == [[3, 7]]
    assert callback.result == {"operation": "sum", "result": 10, "count": 2}
    assert _workflow(workflow).status == "success"


def test_groups_and_chains_nest(stores: Broker) -> None:
    workflow = chain(
        TaskSpec("add_numbers", [1, 1]),
        group(
            chain(TaskSpec("add_numbers", [1]), TaskSpec("add_numbers", [1])),
            TaskSpec("add_numbers", [5]),
        ),
        TaskSpec("process_data"),
    ).enqueue()

    work_until(lambda: _finished(workflow))

    assert _task(workflow, "chain[2]").args == [[4, 7]]
    assert _workflow(workflow).status == "success"


def test_a_failing_member_fails_the_workflow_and_cancels_what_cannot_run(stores: Broker) -> None:
    workflow = chain(
        group(_failing(), TaskSpec("add_numbers", [1, 2])),
        TaskSpec("process_data"),
    ).enqueue()

    work_until(lambda: _finished(workflow))

    stored = _workflow(workflow)
    failed = _task(workflow, "chain[0].group[0]")
    assert stored.status == "failed"
    assert "chain[0].group[0]" in (stored.reason or "")
    assert str(failed.id) in (stored.reason or "")
    callback = _step(workflow, "chain[1]")
    assert callback.state == "cancelled"
    assert "chain[0].group[0]" in (callback.reason or "")
    assert callback.task_id is None


def test_a_group_that_allows_failures_gives_the_callback_null_in_their_places(
    stores: Broker,
) -> None:
    workflow = chord(
        group(TaskSpec("add_numbers", [1, 2]), _failing(), allow_failures=True),
        TaskSpec("test_echo"),
    ).enqueue()

    work_until(lambda: _finished(workflow))

    assert _task(workflow, "chord.then").result == [3, None]
    assert _workflow(workflow).status == "success"


def test_a_workflow_enqueued_in_a_rolled_back_transaction_leaves_no_row(stores: Broker) -> None:
    with pytest.raises(RuntimeError, match="the caller's transaction fails"):
        _enqueue_then_fail()

    assert (Workflow.objects.count(), WorkflowStep.objects.count(), Task.objects.count()) == (
        0,
        0,
        0,
    )
    assert stores.depths(["default"])["default"].ready == 0


def test_an_unknown_task_anywhere_is_refused_naming_its_path(stores: Broker) -> None:
    with pytest.raises(TaskValidationError) as raised:
        chain(
            TaskSpec("add_numbers", [1, 2]), group(TaskSpec("add_numbers", [1]), TaskSpec("nope"))
        ).enqueue()

    assert raised.value.field == "chain[1].group[1].task_name"
    assert Workflow.objects.count() == 0


def test_a_step_that_cannot_take_the_previous_result_is_refused(stores: Broker) -> None:
    with pytest.raises(TaskValidationError) as raised:
        chain(TaskSpec("add_numbers", [1, 2]), TaskSpec("add_numbers", [1, 2])).enqueue()

    assert raised.value.field == "chain[1].args"


def test_cancelling_a_workflow_cancels_its_waiting_members(stores: Broker) -> None:
    workflow = group(TaskSpec("add_numbers", [1, 2]), TaskSpec("add_numbers", [3, 4])).enqueue()

    cancelled = cancel_workflow(workflow.pk)

    assert cancelled.status == "cancelled"
    assert set(Task.objects.values_list("status", flat=True)) == {"cancelled"}
    with pytest.raises(InvalidTransitionError):
        cancel_workflow(workflow.pk)


def test_cancelling_a_member_fails_its_workflow(stores: Broker) -> None:
    workflow = chain(TaskSpec("add_numbers", [1, 2]), TaskSpec("add_numbers", [10])).enqueue()

    cancel(_task(workflow, "chain[0]").id)

    stored = _workflow(workflow)
    assert stored.status == "failed"
    assert _step(workflow, "chain[1]").state == "cancelled"


def test_retrying_a_failed_member_resumes_its_workflow(stores: Broker) -> None:
    workflow = chain(
        group(TaskSpec("add_numbers", [1, 2]), TaskSpec("failing_task", [True], max_retries=0)),
        TaskSpec("test_echo"),
    ).enqueue()
    work_until(lambda: _finished(workflow))
    failed = _task(workflow, "chain[0].group[1]")
    assert _workflow(workflow).status == "failed"

    # The member is fixed (here: told not to fail) and retried.
    Task.objects.filter(pk=failed.pk).update(args=[False])
    retry(failed.id)
    work_until(lambda: _finished(workflow))

    assert _workflow(workflow).status == "success"
    assert _task(workflow, "chain[1]").result == [3, "Task completed successfully"]


def _enqueue_then_fail() -> None:
    with transaction.atomic():
        chain(TaskSpec("add_numbers", [1, 2]), TaskSpec("add_numbers", [10])).enqueue()
        raise RuntimeError("the caller's transaction fails")


def _claim(broker: Broker, worker_id: str) -> ClaimedTask:
    claimed = claim_batch(broker, ["default"], worker_id, 1)
    assert claimed
    return claimed[0]


def _expire_lease(task: ClaimedTask) -> None:
    Task.objects.filter(pk=task.id).update(lease_expires_at=timezone.now() - timedelta(seconds=1))


def test_a_member_run_twice_makes_one_callback(stores: Broker) -> None:
    workflow = chord(group(TaskSpec("add_numbers", [1, 2])), TaskSpec("test_echo")).enqueue()
    stale = _claim(stores, "stale-worker")
    _expire_lease(stale)
    reap_expired_leases(stores)
    fresh = _claim(stores, "fresh-worker")

    # Both attempts ran to the end; the fresh one's outcome is recorded, the stale one fenced.
    complete_many(stores, [Completed(fresh, "3", 1, timezone.now())])
    complete_many(stores, [Completed(stale, "3", 1, timezone.now())])
    work_until(lambda: _finished(workflow))

    assert Task.objects.filter(workflow_id=workflow.pk, task_name="test_echo").count() == 1
    assert _task(workflow, "chord.then").result == [3]


def test_a_member_the_reaper_fails_for_good_fails_its_workflow(
    stores: Broker, settings: Settings
) -> None:
    settings.TASK_QUEUE = {**settings.TASK_QUEUE, "MAX_LOST_ATTEMPTS": 1}
    workflow = chain(TaskSpec("add_numbers", [1, 2]), TaskSpec("add_numbers", [10])).enqueue()
    _expire_lease(_claim(stores, "dead-host"))

    reap_expired_leases(stores)

    stored = _workflow(workflow)
    assert stored.status == "failed"
    assert "chain[0]" in (stored.reason or "")
    assert "Lost 1 times" in (stored.reason or "")
    assert _step(workflow, "chain[1]").state == "cancelled"


def test_a_member_its_supervisor_settles_as_failed_fails_its_workflow(
    stores: Broker, settings: Settings
) -> None:
    settings.TASK_QUEUE = {**settings.TASK_QUEUE, "MAX_LOST_ATTEMPTS": 1}
    workflow = chord(group(TaskSpec("add_numbers", [1, 2])), TaskSpec("test_echo")).enqueue()
    member = _claim(stores, "dead-process")

    release_worker_tasks(
        stores, "dead-process", [(member.id, member.attempt)], outcome="lost", reason="killed"
    )

    assert _workflow(workflow).status == "failed"
    assert _step(workflow, "chord.then").state == "cancelled"


def test_group_members_recorded_in_one_batch_count_together_and_fire_once(stores: Broker) -> None:
    members = [TaskSpec("add_numbers", [i, 0]) for i in range(5)]
    workflow = chord(group(*members), TaskSpec("test_echo")).enqueue()
    claimed = claim_batch(stores, ["default"], "batch-worker", 5)
    assert claimed is not None
    assert len(claimed) == 5

    done = [Completed(task, str(task.args[0]), 1, timezone.now()) for task in claimed]
    complete_many(stores, done)
    complete_many(stores, done)  # recorded again (a retried write): fenced out
    work_until(lambda: _finished(workflow))

    assert Task.objects.filter(workflow_id=workflow.pk, task_name="test_echo").count() == 1
    assert _task(workflow, "chord.then").result == [0, 1, 2, 3, 4]


def test_the_members_of_a_group_count_against_their_task_functions_concurrency_limit(
    stores: Broker,
) -> None:
    members = [TaskSpec("test_limited_per_tenant", ["acme", f"a{i}"]) for i in range(3)]
    workflow = group(*members).enqueue()

    claimed = claim_batch(stores, ["default"], "w", 10) or []

    assert [task.args[1] for task in claimed] == ["a0", "a1"]
    tasks = Task.objects.filter(workflow_id=workflow.pk)
    assert {task.limit_group for task in tasks} == {"test_limited_per_tenant\x1facme"}


def test_a_chain_step_gets_its_limit_group_from_the_result_it_receives(stores: Broker) -> None:
    # the second step's limit key is its first argument: the first step's result, "globex"
    workflow = chain(
        TaskSpec("test_limited_per_tenant", ["acme", "globex"]),
        TaskSpec("test_limited_per_tenant", []),
    ).enqueue()

    work_until(lambda: _finished(workflow))

    second = Task.objects.get(workflow_id=workflow.pk, args=["globex"])
    assert second.limit_group == "test_limited_per_tenant\x1fglobex"
    assert _workflow(workflow).status == "success"


def test_a_unique_key_inside_a_workflow_is_refused_naming_its_path(stores: Broker) -> None:
    with pytest.raises(TaskValidationError) as raised:
        chain(
            TaskSpec("add_numbers", [1, 2]), TaskSpec("add_numbers", [3], unique_key="k")
        ).enqueue()

    assert raised.value.field == "chain[1].unique_key"
    assert not Workflow.objects.exists()
