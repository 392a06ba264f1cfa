"""Django system checks that turn a bad TASK_QUEUE setting or schedule into a clear startup
error."""

from collections.abc import Sequence
from typing import Any

from django.apps import AppConfig
from django.core.checks import CheckMessage, Error, register

from django_task_queue.conf import get_settings
from django_task_queue.exceptions import ConfigurationError


@register()
def check_task_queue_settings(
    app_configs: Sequence[AppConfig] | None = None,
    databases: Sequence[str] | None = None,
    **kwargs: Any,
) -> list[CheckMessage]:
    try:
        get_settings()
    except ConfigurationError as exc:
        return [Error(str(exc), hint="Fix the TASK_QUEUE setting.", id="django_task_queue.E001")]
    return []


@register()
def check_schedules(
    app_configs: Sequence[AppConfig] | None = None,
    databases: Sequence[str] | None = None,
    **kwargs: Any,
) -> list[CheckMessage]:
    """Every schedule's task, arguments, trigger and options, checked as its ticks would be."""
    from django.utils import timezone

    from django_task_queue.schedules.definitions import load_definitions

    try:
        load_definitions(timezone.now())
    except ConfigurationError as exc:
        return [
            Error(
                str(exc),
                hint="Fix the schedule in TASK_QUEUE['SCHEDULES'] or on its task function.",
                id="django_task_queue.E002",
            )
        ]
    return []
