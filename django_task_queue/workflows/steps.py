"""A workflow's steps in PostgreSQL: read them, start the runnable ones (their task rows are
inserted now, pushed to Redis on commit), and stop those that can no longer run."""

from __future__ import annotations

import json
import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any, NamedTuple

from django.db import transaction
from django.utils import timezone

from django_task_queue import store
from django_task_queue.broker.client import PushEntry, get_broker
from django_task_queue.broker.events import TaskEvent, record
from django_task_queue.broker.limits import LimitTag
from django_task_queue.dispatch import push_after_commit, push_entry
from django_task_queue.exceptions import BrokerUnavailableError
from django_task_queue.flow_control import limits
from django_task_queue.ids import new_ids
from django_task_queue.priorities import ready_score
from django_task_queue.states import StepKind, StepState


class StepRow(NamedTuple):
    workflow_id: uuid.UUID
    position: int
    parent: int | None
    sibling_index: int
    last: int
    kind: str
    state: str
    allow_failures: bool
    result: Any
    path: str
    task_id: uuid.UUID | None
    spec: dict[str, Any] | None = None


def of_tasks(task_ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, StepRow]:
    """The task steps of these tasks (tasks outside workflows have none), by task id."""
    rows = store.read("steps_of_tasks", {"task_ids": list(task_ids)})
    return {row[10]: _step(row) for row in rows}


def subtree(workflow_id: uuid.UUID, first: int, last: int) -> list[StepRow]:
    """The steps from `first` to `last`, in pre-order (a subtree, or `first == last`: one)."""
    rows = store.read("steps_between", {"workflow_id": workflow_id, "first": first, "last": last})
    return [_step(row) for row in rows]


def _step(row: tuple[Any, ...]) -> StepRow:
    # The statements send jsonb as text: decoded here, once.
    return StepRow(
        *(json.loads(v) if i in _JSON_COLUMNS and v is not None else v for i, v in enumerate(row))
    )


_JSON_COLUMNS = frozenset({StepRow._fields.index("result"), StepRow._fields.index("spec")})


def at(workflow_id: uuid.UUID, positions: Sequence[int]) -> dict[int, StepRow]:
    """Some steps of a workflow, by position."""
    rows = store.read("steps_at", {"workflow_id": workflow_id, "positions": list(positions)})
    return {row[1]: _step(row) for row in rows}


def one(workflow_id: uuid.UUID, position: int) -> StepRow:
    (step,) = subtree(workflow_id, position, position)
    return step


def first_runnable(steps: Sequence[StepRow]) -> list[StepRow]:
    """The steps that start with the subtree rooted at steps[0]: itself, and down the tree a
    chain's (or chord's) first step and every member of a group."""
    children: dict[int, list[StepRow]] = {}
    for step in steps[1:]:
        assert step.parent is not None
        children.setdefault(step.parent, []).append(step)
    started: list[StepRow] = []
    frontier = [steps[0]]
    while frontier:
        step = frontier.pop()
        started.append(step)
        below = children.get(step.position, [])
        # reversed onto the stack, so that a group's members start in their order
        frontier.extend(reversed(below) if step.kind == StepKind.GROUP else below[:1])
    return started


def start(workflow_id: uuid.UUID, position: int, last: int, given: list[Any]) -> None:
    """Start the subtree at `position`: its first tasks get rows, with `given` (the result of
    the step before, or nothing) before their own arguments; pushed when the caller commits."""
    started = first_runnable(subtree(workflow_id, position, last))
    tasks = [step for step in started if step.kind == StepKind.TASK]
    now = timezone.now()
    ids = new_ids(len(tasks))
    groups = [
        limits.resolve_registered(spec["task_name"], [*given, *spec["args"]], spec["kwargs"])
        for spec in (step.spec or {} for step in tasks)
    ]
    params = _task_params(workflow_id, tasks, ids, given, now)
    params["limit_groups"] = [None if group is None else group.name for group in groups]
    inserted = store.write("insert_workflow_tasks", params)
    task_ids = {step.position: task_id for step, task_id in zip(tasks, ids, strict=True)}
    store.write(
        "start_steps",
        {
            "workflow_id": workflow_id,
            "positions": [step.position for step in started],
            "task_ids": [task_ids.get(step.position) for step in started],
        },
    )
    entries: dict[str, list[PushEntry]] = {}
    tags: dict[str, list[LimitTag]] = {}
    group_of = dict(zip(ids, groups, strict=True))
    for task_id, seq, priority, queue_name in inserted:
        entries.setdefault(queue_name, []).append(push_entry(task_id, priority, seq, None))
        if (group := group_of[task_id]) is not None:
            tag = limits.tag_of(str(task_id), group, ready_score(priority, seq))
            tags.setdefault(queue_name, []).append(tag)
    names = {
        task_id: (step.spec or {}).get("task_name", "")
        for step, task_id in zip(tasks, ids, strict=True)
    }
    enqueued = [
        TaskEvent("enqueued", str(task_id), names[task_id], queue_name, "pending", 0, priority)
        for task_id, _, priority, queue_name in inserted
    ]

    def dispatch() -> None:
        record(enqueued)  # written with the push, in its round trip
        push_after_commit(entries, tags=tags or None)

    if entries:
        transaction.on_commit(dispatch)


def _task_params(
    workflow_id: uuid.UUID,
    tasks: list[StepRow],
    ids: list[uuid.UUID],
    given: list[Any],
    now: datetime,
) -> dict[str, Any]:
    specs = [step.spec or {} for step in tasks]
    return {
        "workflow_id": workflow_id,
        "now": now,
        "ids": ids,
        "task_names": [spec["task_name"] for spec in specs],
        "args": [json.dumps([*given, *spec["args"]]) for spec in specs],
        "kwargs": [json.dumps(spec["kwargs"]) for spec in specs],
        "priorities": [spec["priority"] for spec in specs],
        "queue_names": [spec["queue_name"] for spec in specs],
        "max_retries": [spec["max_retries"] for spec in specs],
        "retry_delays": [spec["retry_delay"] for spec in specs],
        "retry_backoffs": [spec["retry_backoff"] for spec in specs],
        "timeouts": [spec["timeout"] for spec in specs],
    }


def finish(step: StepRow, state: StepState, result: Any = None, reason: str | None = None) -> bool:
    """Record a running step's outcome; False if it had one already (a member run twice)."""
    return bool(
        store.write(
            "finish_step",
            {
                "workflow_id": step.workflow_id,
                "position": step.position,
                "state": state.value,
                "result": None if result is None else json.dumps(result),
                "reason": reason,
            },
        )
    )


def finish_successes(workflow_id: uuid.UUID, results: dict[int, Any]) -> int:
    """`finish` for steps that succeeded together, by position; how many were still running."""
    finished = store.write(
        "finish_steps",
        {
            "workflow_id": workflow_id,
            "positions": list(results),
            "results": [json.dumps(result) for result in results.values()],
        },
    )
    return len(finished)


def stop_the_rest(workflow_id: uuid.UUID, reason: str) -> None:
    """Cancel the workflow's members still waiting, and mark every step not started cancelled.

    Members already running finish; their outcome is recorded on their step but starts nothing.
    """
    now = timezone.now()
    running = [row[0] for row in store.read("waiting_member_tasks", {"workflow_id": workflow_id})]
    cancelled = store.write(
        "cancel_workflow_tasks", {"task_ids": running, "reason": reason, "now": now}
    )
    store.write(
        "cancel_steps",
        {"workflow_id": workflow_id, "reason": reason, "task_ids": [row[0] for row in cancelled]},
    )
    by_queue: dict[str, list[str]] = {}
    for task_id, queue_name, *_ in cancelled:
        by_queue.setdefault(queue_name, []).append(str(task_id))
    events = [
        TaskEvent("cancelled", str(task_id), name, queue_name, "cancelled", attempt, priority)
        for task_id, queue_name, name, attempt, priority in cancelled
    ]
    if by_queue:
        transaction.on_commit(lambda: _remove(by_queue, events))


def _remove(by_queue: dict[str, list[str]], events: list[TaskEvent]) -> None:
    record(events)
    # Only tidiness: a worker that still pops a cancelled id finds it cancelled and skips it.
    try:
        broker = get_broker()
        for queue_name, task_ids in by_queue.items():
            broker.remove(queue_name, task_ids)
        broker.flush_events()
    except BrokerUnavailableError:
        return
