import pytest

from django_task_queue.exceptions import RegistryError, UnknownTaskError
from django_task_queue.task_registry import TaskRegistry, task_registry


def test_register_uses_the_given_name_or_the_function_name() -> None:
    registry = TaskRegistry()

    @registry.register("custom")
    def first() -> None: ...

    @registry.register()
    def second() -> None: ...

    assert [task.name for task in registry.list_tasks()] == ["custom", "second"]
    assert registry.get_task("custom").func is first


def test_a_taken_name_cannot_be_registered_to_another_function() -> None:
    registry = TaskRegistry()

    @registry.register("same")
    def one() -> None: ...

    with pytest.raises(RegistryError, match="already registered"):

        @registry.register("same")
        def two() -> None: ...


def test_per_function_defaults_are_kept() -> None:
    registry = TaskRegistry()

    @registry.register(
        "t", priority="high", max_retries=7, retry_delay=2, timeout=9, queue_name="q"
    )
    def t() -> None: ...

    options = registry.get_task("t").options
    assert (options.priority, options.max_retries, options.retry_delay_s) == ("high", 7, 2)
    assert (options.timeout_s, options.queue_name) == (9, "q")


def test_an_unknown_name_raises_a_clear_error() -> None:
    with pytest.raises(UnknownTaskError, match="No task function is registered as 'missing'"):
        TaskRegistry().get_task("missing")


def test_the_seeds_sample_tasks_are_discovered() -> None:
    names = {task.name for task in task_registry.list_tasks()}
    assert {
        "add_numbers",
        "multiply_numbers",
        "slow_task",
        "random_task",
        "failing_task",
        "process_data",
        "send_notification",
    } <= names
