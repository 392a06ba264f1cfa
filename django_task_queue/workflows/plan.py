"""A workflow's tree validated as a whole and numbered into steps, before anything is written.

Steps are numbered in pre-order, so a subtree is the run of positions from its root to its
`last`, and the step after a chain member is the position after the member's subtree. An error
names where it is: `chain[1].group[0].task_name`.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django_task_queue.exceptions import TaskValidationError, UnknownTaskError
from django_task_queue.services.spec import KnownOptions, TaskSpec, validate_task
from django_task_queue.states import StepKind
from django_task_queue.workflows.tree import Chain, Chord, Group, Step

# A workflow is enqueued in one transaction: this bounds its size (a chord of 10,000 members
# takes about a second to create, measured in docs/benchmarks.md).
MAX_STEPS = 100_000

_SCHEDULE_OPTIONS = ("run_after", "countdown")
# A step belongs to its workflow: one deduplicated against a task outside it could not.
_UNIQUE_OPTIONS = ("unique_key", "unique_for", "unique_while")


@dataclass(frozen=True)
class PlannedStep:
    """One step of a workflow, ready to insert."""

    position: int
    parent: int | None
    index: int
    last: int
    kind: StepKind
    path: str
    allow_failures: bool
    remaining: int  # a group's members not finished yet
    spec: dict[str, Any] | None  # a task step's task: its validated name, arguments, options


def plan(root: Step, now: datetime) -> list[PlannedStep]:
    """The tree's steps in pre-order; raises TaskValidationError naming the path of the fault."""
    planner = _Planner(now)
    planner.add(root, parent=None, index=0, path="", receives_input=False)
    return planner.steps


class _Planner:
    def __init__(self, now: datetime) -> None:
        self.now = now
        self.steps: list[PlannedStep] = []
        self.known: KnownOptions = {}

    def add(
        self, step: Step, *, parent: int | None, index: int, path: str, receives_input: bool
    ) -> int:
        """Number `step` and its subtree; returns the position of its subtree's last step."""
        if len(self.steps) >= MAX_STEPS:
            raise TaskValidationError(path or "workflow", f"has more than {MAX_STEPS} steps")
        position = len(self.steps)
        self.steps.append(_placeholder())  # filled in once its subtree's end is known
        if isinstance(step, TaskSpec):
            spec = self._task(step, path or "task", receives_input)
            self.steps[position] = PlannedStep(
                position, parent, index, position, StepKind.TASK, path or "task", False, 0, spec
            )
            return position
        kind, children, allow_failures = _composite(step, path)
        here = f"{path}.{kind}" if path else str(kind)
        last = position
        for child_index, (suffix, child) in enumerate(children):
            last = self.add(
                child,
                parent=position,
                index=child_index,
                path=f"{here}{suffix}",
                receives_input=receives_input
                if kind == StepKind.GROUP or child_index == 0
                # a chain's (or chord's) later steps receive the step before's result
                else True,
            )
        remaining = len(children) if kind == StepKind.GROUP else 0
        self.steps[position] = PlannedStep(
            position, parent, index, last, kind, here, allow_failures, remaining, None
        )
        return last

    def _task(self, spec: TaskSpec, path: str, receives_input: bool) -> dict[str, Any]:
        for option in _SCHEDULE_OPTIONS:
            if option in spec.options:
                raise TaskValidationError(
                    f"{path}.{option}",
                    "is not supported inside a workflow (a step runs when the steps before it end)",
                )
        for option in _UNIQUE_OPTIONS:
            if spec.options.get(option) is not None:
                raise TaskValidationError(
                    f"{path}.{option}",
                    "is not supported inside a workflow (a step belongs to its workflow, so it "
                    "cannot be deduplicated against another task)",
                )
        args = _as_list(spec.args, path)
        # A step that receives a result is checked with it in its first argument's place.
        given = [None, *args] if receives_input else args
        checked = TaskSpec(spec.task, given, spec.kwargs, **spec.options)
        try:
            task = validate_task(checked, self.now, self.known, limit_later=receives_input)
        except TaskValidationError as exc:
            raise TaskValidationError(f"{path}.{exc.field}", exc.message) from exc
        except UnknownTaskError as exc:
            raise TaskValidationError(f"{path}.task_name", str(exc)) from exc
        options = task.options
        checked_args = json.loads(task.args_json)
        return {
            "task_name": options.task_name,
            "args": checked_args[1:] if receives_input else checked_args,
            "kwargs": json.loads(task.kwargs_json),
            "priority": options.priority,
            "queue_name": options.queue_name,
            "max_retries": options.max_retries,
            "retry_delay": options.retry_delay_s,
            "retry_backoff": options.retry_backoff,
            "timeout": options.timeout_s,
        }


def _composite(step: object, path: str) -> tuple[StepKind, list[tuple[str, Step]], bool]:
    """A composite step's kind, its children with their path suffixes, and allow_failures."""
    if isinstance(step, Chord):
        if not isinstance(step.group, Group):
            raise TaskValidationError(f"{path or 'chord'}.group", "must be a group")
        # The group's own kind completes its path: chord.group[0].
        return StepKind.CHORD, [("", step.group), (".then", step.then)], False
    if isinstance(step, Chain | Group):
        if not step.steps:
            raise TaskValidationError(path or "workflow", "must have at least one step")
        kind = StepKind.CHAIN if isinstance(step, Chain) else StepKind.GROUP
        allow = isinstance(step, Group) and step.allow_failures
        return kind, [(f"[{i}]", child) for i, child in enumerate(step.steps)], allow
    raise TaskValidationError(
        path or "workflow", f"must be a TaskSpec, chain, group or chord, not {type(step).__name__}"
    )


def _as_list(args: Any, path: str) -> list[Any]:
    if isinstance(args, list | tuple):
        return list(args)
    raise TaskValidationError(f"{path}.args", "must be a list")


def _placeholder() -> PlannedStep:
    return PlannedStep(0, None, 0, 0, StepKind.TASK, "", False, 0, None)
