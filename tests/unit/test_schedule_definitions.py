"""Schedules come from task functions (`schedule=`) and TASK_QUEUE["SCHEDULES"], each checked
as its ticks would be enqueued, with errors that say which schedule and what is wrong."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import timezone
from pytest_django.fixtures import Settings

from django_task_queue.exceptions import ConfigurationError, RegistryError
from django_task_queue.schedules import every
from django_task_queue.schedules.definitions import load_definitions
from django_task_queue.task_registry import TaskRegistry, task_registry


def schedules(settings: Settings, **entries: Any) -> None:
    settings.TASK_QUEUE = {**settings.TASK_QUEUE, "SCHEDULES": entries}


def test_a_settings_schedule_takes_arguments_and_enqueue_options(
    settings: Settings,
) -> None:
    schedules(
        settings,
        **{
            "hourly-sum": {
                "task": "add_numbers",
                "cron": "0 * * * *",
                "timezone": "Europe/Paris",
                "args": [1, 2],
                "queue_name": "reports",
                "priority": "high",
                "catch_up": "all",
            }
        },
    )

    definition = load_definitions(timezone.now())["hourly-sum"]

    assert definition.task_name == "add_numbers"
    assert definition.args_json == "[1,2]"
    assert definition.options.queue_name == "reports"
    assert definition.options.priority == 50
    assert definition.rule.catch_up == "all"
    assert definition.rule.trigger.describe() == "cron 0 * * * * (Europe/Paris)"


def test_a_task_function_registered_with_a_schedule_is_a_schedule_of_its_own_name() -> None:
    @task_registry.register("test_nightly", schedule=every(hours=24))
    def nightly() -> None: ...

    try:
        definition = load_definitions(timezone.now())["test_nightly"]
        assert definition.rule == every(hours=24)
    finally:
        task_registry.unregister("test_nightly")


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        ({"cron": "* * * * *"}, "must name its 'task'"),
        ({"task": "add_numbers", "args": [1, 2]}, "one of 'cron' or 'every'"),
        ({"task": "add_numbers", "args": [1, 2], "every": 5, "cron": "* * * * *"}, "one of"),
        ({"task": "add_numbers", "every": 5}, "missing a required argument"),
        ({"task": "no_such_task", "every": 5}, "task_name"),
        ({"task": "add_numbers", "args": [1, 2], "every": 5, "timezone": "UTC"}, "cron"),
        ({"task": "add_numbers", "args": [1, 2], "every": 5, "colour": 1}, "unknown keys"),
        ({"task": "add_numbers", "args": [1, 2], "every": 5, "priority": 500}, "priority"),
    ],
)
def test_a_bad_settings_schedule_is_refused_naming_it(
    settings: Settings, entry: dict[str, Any], message: str
) -> None:
    schedules(settings, broken=entry)

    with pytest.raises(ConfigurationError, match=message) as raised:
        load_definitions(timezone.now())

    assert "broken" in str(raised.value)


def test_a_schedule_name_must_be_safe_in_a_url(settings: Settings) -> None:
    schedules(settings, **{"a b/c": {"task": "add_numbers", "args": [1, 2], "every": 5}})

    with pytest.raises(ConfigurationError, match="letters, digits"):
        load_definitions(timezone.now())


def test_register_refuses_a_schedule_that_is_not_cron_or_every() -> None:
    with pytest.raises(RegistryError, match="schedule="):
        TaskRegistry().register("x", schedule="0 * * * *")  # type: ignore[arg-type]
