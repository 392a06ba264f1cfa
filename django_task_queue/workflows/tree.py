"""A workflow as a host project writes it: `chain`, `group` and `chord` of `TaskSpec`s, nested."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django_task_queue.services.spec import TaskSpec

if TYPE_CHECKING:
    from django_task_queue.models import Workflow


@dataclass(frozen=True, init=False)
class Chain:
    """Steps run one after another; each receives the previous one's result as its first
    argument. Its result is its last step's."""

    steps: tuple[Step, ...]

    def __init__(self, *steps: Step) -> None:
        object.__setattr__(self, "steps", steps)

    def enqueue(self) -> Workflow:
        """Create the workflow (in the caller's transaction, if any) and dispatch its first step."""
        from django_task_queue.workflows.creation import create  # it imports this module

        return create(self)


@dataclass(frozen=True, init=False)
class Group:
    """Steps run side by side; its result is the list of theirs, in the group's order.

    With `allow_failures`, a member that fails for good leaves `None` in its place instead of
    failing the workflow.
    """

    steps: tuple[Step, ...]
    allow_failures: bool

    def __init__(self, *steps: Step, allow_failures: bool = False) -> None:
        object.__setattr__(self, "steps", steps)
        object.__setattr__(self, "allow_failures", allow_failures)

    def enqueue(self) -> Workflow:
        """Create the workflow (in the caller's transaction, if any) and dispatch its members."""
        from django_task_queue.workflows.creation import create  # it imports this module

        return create(self)


@dataclass(frozen=True)
class Chord:
    """A group, then a callback that receives the group's results, in order, once all end."""

    group: Group
    then: Step

    def enqueue(self) -> Workflow:
        """Create the workflow (in the caller's transaction, if any) and dispatch the group."""
        from django_task_queue.workflows.creation import create  # it imports this module

        return create(self)


type Step = TaskSpec | Chain | Group | Chord


def chain(*steps: Step) -> Chain:
    return Chain(*steps)


def group(*steps: Step, allow_failures: bool = False) -> Group:
    return Group(*steps, allow_failures=allow_failures)


def chord(header: Group, then: Step) -> Chord:
    return Chord(header, then)
