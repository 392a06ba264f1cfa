"""Workflows run by real `run_worker` processes: result passing, a chord's callback fired exactly
once however its members end, and failures that stop the rest."""

from __future__ import annotations

import os
import signal
from collections.abc import Callable
from pathlib import Path

import pytest
from django.db import transaction

from django_task_queue.models import Attempt, Task, Workflow, WorkflowStep
from django_task_queue.services import TaskSpec
from django_task_queue.workflows import chain, chord, group
from tests.support.markers import labels, pids_that_recorded
from tests.support.processes import WorkerProcess, wait_for

pytestmark = pytest.mark.e2e

StartWorker = Callable[..., WorkerProcess]


def _ended(workflow: Workflow, timeout_s: float = 30) -> Workflow:
    wait_for(
        lambda: Workflow.objects.get(pk=workflow.pk).status != "running",
        timeout_s=timeout_s,
        what=f"workflow {workflow.pk} to end",
    )
    return Workflow.objects.get(pk=workflow.pk)


def _task(workflow: Workflow, path: str) -> Task:
    step = WorkflowStep.objects.get(workflow_id=workflow.pk, path=path)
    assert step.task_id is not None
    return Task.objects.get(pk=step.task_id)


def _callbacks(workflow: Workflow) -> list[Task]:
    return list(Task.objects.filter(workflow_id=workflow.pk, task_name="process_data"))


def test_a_chain_passes_3_to_its_second_step_which_gives_13(start_worker: StartWorker) -> None:
    start_worker("--workers=1")

    workflow = chain(TaskSpec("add_numbers", [1, 2]), TaskSpec("add_numbers", [10])).enqueue()

    assert _ended(workflow).status == "success"
    assert _task(workflow, "chain[1]").result == 13


def test_a_chord_gives_the_sum_of_its_members_results(start_worker: StartWorker) -> None:
    start_worker("--workers=1")

    workflow = chord(
        group(TaskSpec("add_numbers", [1, 2]), TaskSpec("add_numbers", [3, 4])),
        TaskSpec("process_data", kwargs={"operation": "sum"}),
    ).enqueue()

    assert _ended(workflow).status == "success"
    assert _task(workflow, "chord.then").result == {"operation": "sum", "result": 10, "count": 2}


def test_chords_of_200_members_on_4_processes_each_fire_their_callback_exactly_once(
    start_worker: StartWorker,
) -> None:
    # Two hosts' worth: two supervisors of two processes each, sharing the stores.
    start_worker("--workers=2", "--concurrency=2")
    start_worker("--workers=2", "--concurrency=2")
    members = [TaskSpec("add_numbers", [i, 0]) for i in range(200)]

    workflows = [
        chord(group(*members), TaskSpec("process_data", kwargs={"operation": "sum"})).enqueue()
        for _ in range(20)
    ]

    for workflow in workflows:
        assert _ended(workflow, timeout_s=120).status == "success"
        (callback,) = _callbacks(workflow)
        assert callback.result == {"operation": "sum", "result": sum(range(200)), "count": 200}
        assert Attempt.objects.filter(task=callback).count() == 1


def test_a_member_whose_worker_is_killed_reruns_and_the_callback_fires_once(
    start_worker: StartWorker, marker_dir: Path
) -> None:
    start_worker("--workers=2")
    sleepers = [
        TaskSpec("test_sleep_then_record", [str(marker_dir), f"m{i}", 1.0]) for i in range(4)
    ]
    workflow = chord(group(*sleepers), TaskSpec("test_echo")).enqueue()
    wait_for(lambda: "start:m0" in labels(marker_dir), what="the first member to start")
    (victim,) = pids_that_recorded(marker_dir, "start:m0")

    os.kill(victim, signal.SIGKILL)

    assert _ended(workflow).status == "success"
    member = _task(workflow, "chord.group[0]")
    assert [a.outcome for a in member.attempts.order_by("number")] == ["lost", "success"]
    callbacks = Task.objects.filter(workflow_id=workflow.pk, task_name="test_echo")
    assert [c.result for c in callbacks] == [["m0", "m1", "m2", "m3"]]


def test_a_failing_member_fails_the_workflow_and_cancels_what_remains(
    start_worker: StartWorker,
) -> None:
    start_worker("--workers=1")

    workflow = chain(
        TaskSpec("add_numbers", [1, 2]),
        TaskSpec("failing_task", max_retries=0),
        group(TaskSpec("add_numbers", [1]), TaskSpec("add_numbers", [2])),
        TaskSpec("process_data"),
    ).enqueue()

    ended = _ended(workflow)
    failed = _task(workflow, "chain[1]")
    assert ended.status == "failed"
    assert f"chain[1] (task {failed.id}) failed" in (ended.reason or "")
    rest = WorkflowStep.objects.filter(workflow_id=workflow.pk, position__gte=3)
    assert {step.state for step in rest} == {"cancelled"}
    assert all("chain[1]" in (step.reason or "") for step in rest)
    assert Task.objects.filter(workflow_id=workflow.pk).count() == 2


def test_a_group_allowing_failures_runs_the_callback_with_null_in_their_place(
    start_worker: StartWorker,
) -> None:
    start_worker("--workers=1")

    workflow = chord(
        group(
            TaskSpec("add_numbers", [1, 2]),
            TaskSpec("failing_task", max_retries=0),
            allow_failures=True,
        ),
        TaskSpec("test_echo"),
    ).enqueue()

    assert _ended(workflow).status == "success"
    assert _task(workflow, "chord.then").result == [3, None]


def test_a_workflow_enqueued_in_a_rolled_back_transaction_leaves_no_row(
    start_worker: StartWorker,
) -> None:
    worker = start_worker("--workers=1")

    with pytest.raises(RuntimeError, match="the caller's transaction fails"):
        _enqueue_then_fail()
    # A task enqueued after it runs, so the worker would have run the chain's first step too.
    after = chain(TaskSpec("add_numbers", [5, 5])).enqueue()

    assert _ended(after).status == "success"
    assert (Workflow.objects.count(), WorkflowStep.objects.count(), Task.objects.count()) == (
        1,
        2,
        1,
    )
    assert worker.log().count("task started") == 1


def _enqueue_then_fail() -> None:
    with transaction.atomic():
        chain(TaskSpec("add_numbers", [1, 2]), TaskSpec("add_numbers", [10])).enqueue()
        raise RuntimeError("the caller's transaction fails")
