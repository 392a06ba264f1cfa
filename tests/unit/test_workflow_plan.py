"""A workflow's tree numbered into steps (pre-order, each subtree a range of positions) and
validated as a whole, with errors that name their path; the API's JSON form read alike."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from django.utils import timezone

from django_task_queue.exceptions import TaskValidationError
from django_task_queue.services import TaskSpec
from django_task_queue.states import StepKind
from django_task_queue.workflows import chain, chord, group, json_form
from django_task_queue.workflows.plan import plan
from django_task_queue.workflows.steps import StepRow, first_runnable

WORKFLOW = uuid.uuid4()


def _add(*args: int) -> TaskSpec:
    return TaskSpec("add_numbers", list(args))


def test_steps_are_numbered_in_pre_order_with_each_subtree_a_range_of_positions() -> None:
    tree = chain(_add(1, 2), group(chain(_add(1), _add(1)), _add(2)), TaskSpec("process_data"))

    steps = plan(tree, timezone.now())

    assert [(s.path, s.parent, s.last) for s in steps] == [
        ("chain", None, 7),
        ("chain[0]", 0, 1),
        ("chain[1].group", 0, 6),
        ("chain[1].group[0].chain", 2, 5),
        ("chain[1].group[0].chain[0]", 3, 4),
        ("chain[1].group[0].chain[1]", 3, 5),
        ("chain[1].group[1]", 2, 6),
        ("chain[2]", 0, 7),
    ]
    assert steps[2].remaining == 2
    # A chain member's next sibling is the step after its subtree.
    assert steps[steps[2].last + 1].path == "chain[2]"


def test_a_chords_group_and_callback_are_named_by_their_role() -> None:
    steps = plan(chord(group(_add(1, 2), _add(3, 4)), TaskSpec("process_data")), timezone.now())

    assert [s.path for s in steps] == [
        "chord",
        "chord.group",
        "chord.group[0]",
        "chord.group[1]",
        "chord.then",
    ]
    assert steps[4].spec is not None
    assert steps[4].spec["args"] == []  # the group's results are given when it runs


@pytest.mark.parametrize(
    ("tree", "field"),
    [
        (chain(_add(1, 2), group(_add(1), TaskSpec("nope"))), "chain[1].group[1].task_name"),
        (chain(_add(1, 2), _add(1, 2)), "chain[1].args"),  # no room for the previous result
        (
            group(_add(1, 2), TaskSpec("add_numbers", [1, 2], priority="urgent")),
            "group[1].priority",
        ),
        (chain(TaskSpec("add_numbers", [1, 2], countdown=5)), "chain[0].countdown"),
        (chain(), "workflow"),
    ],
)
def test_a_fault_anywhere_is_refused_naming_its_path(tree: Any, field: str) -> None:
    with pytest.raises(TaskValidationError) as raised:
        plan(tree, timezone.now())

    assert raised.value.field == field


def test_the_json_form_reads_into_the_same_steps_as_the_python_api() -> None:
    body = {
        "chord": {
            "group": [{"task_name": "add_numbers", "args": [1, 2]}],
            "then": {
                "chain": [{"task_name": "process_data"}, {"task_name": "add_numbers", "args": [1]}]
            },
            "allow_failures": True,
        }
    }
    python = chord(
        group(_add(1, 2), allow_failures=True),
        chain(TaskSpec("process_data"), TaskSpec("add_numbers", [1])),
    )

    assert plan(json_form.read(body), timezone.now()) == plan(python, timezone.now())


def test_what_starts_with_a_subtree_is_a_chains_first_step_and_every_group_member() -> None:
    steps = plan(chain(group(chain(_add(1, 2), _add(1)), _add(2, 3)), _add(1)), timezone.now())
    rows = [
        StepRow(
            WORKFLOW,
            s.position,
            s.parent,
            s.index,
            s.last,
            s.kind,
            "waiting",
            False,
            None,
            s.path,
            None,
        )
        for s in steps
    ]

    started = first_runnable(rows)

    assert sorted(s.path for s in started if s.kind == StepKind.TASK) == [
        "chain[0].group[0].chain[0]",
        "chain[0].group[1]",
    ]
