"""The task registry: names → task functions with their per-function defaults."""

from __future__ import annotations

import importlib
import inspect
import logging
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import cache
from typing import Any, TypeVar, Unpack

from django.utils.module_loading import autodiscover_modules

from django_task_queue.django_task_finder import find_django_task
from django_task_queue.exceptions import RegistryError, UnknownTaskError
from django_task_queue.schedules.rules import Rule
from django_task_queue.task_options import (
    DEFAULT_KEYWORDS,
    TaskDefaults,
    TaskOptions,
    from_keywords,
    refuse_unknown,
)

logger = logging.getLogger(__name__)

F = TypeVar("F", bound=Callable[..., Any])


@dataclass(frozen=True)
class TaskFunction:
    """A registered callable and its defaults."""

    name: str
    func: Callable[..., Any]
    options: TaskOptions
    # Set for a function decorated with Django's `@task` (see django_task_queue/backends.py).
    django_task: Any = None
    # Its periodic schedule, named as the task (see schedules/).
    schedule: Rule | None = None

    @property
    def takes_context(self) -> bool:
        return bool(getattr(self.django_task, "takes_context", False))

    @property
    def signature(self) -> inspect.Signature:
        """The arguments callers pass: a Django task's leading `context` is ours to supply."""
        return _signature(self.func, drop_first=self.takes_context)

    @property
    def doc(self) -> str:
        return inspect.getdoc(self.func) or ""


@cache
def _signature(func: Callable[..., Any], *, drop_first: bool) -> inspect.Signature:
    # Computed once per function: enqueue checks every task's arguments against it.
    signature = inspect.signature(func)
    if drop_first:
        return signature.replace(parameters=list(signature.parameters.values())[1:])
    return signature


class TaskRegistry:
    """Maps task names to task functions; one process-wide instance, `task_registry`."""

    def __init__(self) -> None:
        self._tasks: dict[str, TaskFunction] = {}

    def register(
        self,
        name: str | None = None,
        *,
        schedule: Rule | None = None,
        **defaults: Unpack[TaskDefaults],
    ) -> Callable[[F], F]:
        """Decorator registering a function under `name` (default: the function's name), run
        periodically when given a `schedule` (`schedules.cron(...)` or `schedules.every(...)`)."""
        refuse_unknown(defaults, DEFAULT_KEYWORDS, "register")
        if schedule is not None and not isinstance(schedule, Rule):
            raise RegistryError("schedule= takes schedules.cron(...) or schedules.every(...)")
        options = from_keywords(defaults)

        def decorator(func: F) -> F:
            self.add(name or func.__name__, func, options, schedule=schedule)
            return func

        return decorator

    def add(
        self,
        name: str,
        func: Callable[..., Any],
        options: TaskOptions | None = None,
        *,
        schedule: Rule | None = None,
    ) -> None:
        """Register `func` as `name`; re-registering the same function is a no-op."""
        if not name or not isinstance(name, str):
            raise RegistryError("A task function needs a non-empty string name.")
        existing = self._tasks.get(name)
        if existing is not None and not _same_function(existing.func, func):
            raise RegistryError(
                f"Task name {name!r} is already registered to "
                f"{existing.func.__module__}.{existing.func.__qualname__}."
            )
        self._tasks[name] = TaskFunction(
            name=name, func=func, options=options or TaskOptions(), schedule=schedule
        )

    def unregister(self, name: str) -> None:
        self._tasks.pop(name, None)

    def get_task(self, name: str) -> TaskFunction:
        """The task function registered as `name`, or the Django `@task` at that module path.

        A Django task is looked up among the modules already imported (see
        django_task_finder.py): a name from a request never makes this process import anything.
        """
        task = self._tasks.get(name)
        if task is not None:
            return task
        from django_task_queue.conf import get_settings

        django_task = find_django_task(name, get_settings().TASK_IMPORT_PREFIXES)
        if django_task is None:
            raise UnknownTaskError(name)
        return self.add_django_task(django_task)

    def add_django_task(self, django_task: Any) -> TaskFunction:
        """Register a Django `@task` under its module path (the name Django's API stores)."""
        name = django_task.module_path
        task = self._tasks.get(name)
        if task is None or task.django_task is not django_task:
            task = TaskFunction(
                name=name, func=django_task.func, options=TaskOptions(), django_task=django_task
            )
            self._tasks[name] = task
        return task

    def name_of(self, func: Callable[..., Any]) -> str:
        """The registered name of a function object."""
        for task in self._tasks.values():
            if _same_function(task.func, func):
                return task.name
        raise RegistryError(f"{func!r} is not a registered task function.")

    def list_tasks(self) -> list[TaskFunction]:
        return sorted(self._tasks.values(), key=lambda task: task.name)

    def __contains__(self, name: object) -> bool:
        return name in self._tasks

    def __iter__(self) -> Iterator[TaskFunction]:
        return iter(self.list_tasks())

    def __len__(self) -> int:
        return len(self._tasks)


def _same_function(a: Callable[..., Any], b: Callable[..., Any]) -> bool:
    # A module imported twice (say as a script and as a module) yields distinct but equal objects.
    return a is b or (
        getattr(a, "__module__", None) == getattr(b, "__module__", None)
        and getattr(a, "__qualname__", None) == getattr(b, "__qualname__", None)
    )


task_registry = TaskRegistry()


def autodiscover() -> None:
    """Import every installed app's `tasks` module and the modules named in TASK_MODULES."""
    from django_task_queue.conf import get_settings

    autodiscover_modules("tasks")
    for module in get_settings().TASK_MODULES:
        importlib.import_module(module)
