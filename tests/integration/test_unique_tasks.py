"""Unique tasks in-process: one task per key while it is held, decided by PostgreSQL."""

from __future__ import annotations

import time

import pytest
from django.db import transaction

from django_task_queue.broker.client import Broker
from django_task_queue.exceptions import InvalidTransitionError, TaskValidationError
from django_task_queue.models import Task
from django_task_queue.services import (
    TaskSpec,
    enqueue,
    enqueue_many,
    enqueue_validated_reporting,
    retry,
    validate_task,
)
from django_task_queue.timeutil import to_ms
from tests.support.drain import drain
from tests.support.processes import wait_for


def _count(task_name: str = "add_numbers") -> int:
    return Task.objects.filter(task_name=task_name).count()


def test_a_second_enqueue_of_a_held_key_returns_the_waiting_task_and_creates_nothing(
    stores: Broker,
) -> None:
    first = enqueue("add_numbers", [1, 2], unique_key="invoice-42")

    second = enqueue("add_numbers", [3, 4], unique_key="invoice-42")

    assert second.id == first.id
    assert second.args == [1, 2]
    assert _count() == 1
    assert stores.depths(["default"])["default"].ready == 1


def test_the_key_belongs_to_one_task_function(stores: Broker) -> None:
    enqueue("add_numbers", [1, 2], unique_key="k")

    other = enqueue("test_noop", unique_key="k")

    assert other.task_name == "test_noop"
    assert Task.objects.count() == 2


def test_a_finished_task_lets_its_key_go_by_default(stores: Broker) -> None:
    first = enqueue("add_numbers", [1, 2], unique_key="k")
    drain()

    second = enqueue("add_numbers", [1, 2], unique_key="k")

    assert second.id != first.id
    assert Task.objects.get(pk=first.id).status == "success"


def test_unique_while_may_hold_the_key_after_success(stores: Broker) -> None:
    statuses = ["pending", "retry", "processing", "success"]
    first = enqueue("add_numbers", [1, 2], unique_key="k", unique_while=statuses)
    drain()

    second = enqueue("add_numbers", [1, 2], unique_key="k", unique_while=statuses)

    assert second.id == first.id
    assert Task.objects.get(pk=first.id).unique_while == statuses


def test_unique_for_blocks_the_key_after_the_task_finished_then_lets_it_through(
    stores: Broker,
) -> None:
    first = enqueue("add_numbers", [1, 2], unique_key="k", unique_for=1.0)
    drain()
    completed_at = Task.objects.get(pk=first.id).completed_at
    assert completed_at is not None
    finished_ms = to_ms(completed_at)

    blocked = enqueue("add_numbers", [1, 2], unique_key="k", unique_for=1.0)
    later = wait_for(
        lambda: (
            time.time() * 1000 > finished_ms + 1000
            and enqueue("add_numbers", [1, 2], unique_key="k", unique_for=1.0)
        ),
        what="the throttle to pass",
    )

    assert blocked.id == first.id
    assert later.id != first.id
    assert _count() == 2


def test_a_rolled_back_enqueue_holds_no_key(stores: Broker) -> None:
    def enqueue_then_fail() -> None:
        with transaction.atomic():
            enqueue("add_numbers", [1, 2], unique_key="k")
            raise RuntimeError("the caller's transaction fails")

    with pytest.raises(RuntimeError):
        enqueue_then_fail()

    task = enqueue("add_numbers", [1, 2], unique_key="k")

    assert _count() == 1
    assert Task.objects.get().id == task.id


def test_unique_true_makes_the_arguments_the_key(stores: Broker) -> None:
    first = enqueue("test_unique_by_arguments", [42], {"amount": 1.5})

    same = enqueue("test_unique_by_arguments", [42], {"amount": 1.5})
    other = enqueue("test_unique_by_arguments", [42], {"amount": 2.5})

    assert same.id == first.id
    assert other.id != first.id
    assert str(first.unique_key).startswith("args:")


def test_a_registered_key_function_sees_the_arguments(stores: Broker) -> None:
    first = enqueue("test_unique_by_customer", [7], {"note": "first"})

    same = enqueue("test_unique_by_customer", [7], {"note": "second"})
    given = enqueue("test_unique_by_customer", [7], unique_key="by-hand")

    assert same.id == first.id
    assert first.unique_key == "customer-7"
    assert given.id != first.id


def test_a_bulk_enqueue_applies_the_rule_per_row_and_says_which_existed(stores: Broker) -> None:
    held = enqueue("add_numbers", [0, 0], unique_key="k0")
    specs = [
        TaskSpec("add_numbers", [1, 1], unique_key="k0"),
        TaskSpec("add_numbers", [2, 2]),
        TaskSpec("add_numbers", [3, 3], unique_key="k1"),
        TaskSpec("add_numbers", [4, 4], unique_key="k1"),
        TaskSpec("add_numbers", [5, 5]),
    ]
    validated = [validate_task(spec, held.created_at) for spec in specs]

    enqueued = enqueue_validated_reporting(validated)

    ids = [task.id for task in enqueued.tasks]
    assert ids[0] == held.id
    assert ids[3] == ids[2]
    assert enqueued.deduplicated == [0, 3]
    assert _count() == 4
    waiting = Task.objects.filter(status="pending").order_by("seq")
    assert [task.args for task in waiting] == [[0, 0], [2, 2], [3, 3], [5, 5]]
    assert stores.depths(["default"])["default"].ready == 4


def test_a_bulk_of_several_batches_with_unique_rows_keeps_their_order(stores: Broker) -> None:
    specs = [
        TaskSpec("add_numbers", [i, i], unique_key=f"k{i % 3}" if i in {4, 5, 7} else None)
        for i in range(10)
    ]

    tasks = enqueue_many(specs, batch_size=3)

    assert [task.args[0] for task in tasks] == [0, 1, 2, 3, 4, 5, 6, 4, 8, 9]
    assert _count() == 9  # 7 shares k1 with 4
    assert [t.args[0] for t in Task.objects.order_by("seq")] == [0, 1, 2, 3, 4, 5, 6, 8, 9]


def test_a_failed_task_cannot_run_again_while_a_newer_one_holds_its_key(stores: Broker) -> None:
    old = enqueue("add_numbers", [1, 2], unique_key="k")
    Task.objects.filter(pk=old.id).update(status="failed")
    newer = enqueue("add_numbers", [1, 2], unique_key="k")

    with pytest.raises(InvalidTransitionError, match="unique key"):
        retry(old.id)

    assert newer.id != old.id
    assert Task.objects.get(pk=old.id).status == "failed"


@pytest.mark.parametrize(
    ("options", "field"),
    [
        ({"unique_for": 10}, "unique_key"),
        ({"unique_key": ""}, "unique_key"),
        ({"unique_key": "k", "unique_while": ["pending"]}, "unique_while"),
        (
            {"unique_key": "k", "unique_while": ["pending", "retry", "processing", "x"]},
            "unique_while",
        ),
        ({"unique_key": "k", "unique_for": -1}, "unique_for"),
    ],
)
def test_bad_unique_options_are_refused_naming_the_field(
    stores: Broker, options: dict[str, object], field: str
) -> None:
    with pytest.raises(TaskValidationError) as raised:
        enqueue("add_numbers", [1, 2], **options)  # type: ignore[arg-type]  # bad on purpose

    assert raised.value.field == field
    assert _count() == 0
