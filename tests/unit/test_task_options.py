"""The option list is written once (TaskOptions): every other spelling of it agrees with it."""

from __future__ import annotations

from dataclasses import fields
from typing import Any, get_type_hints

import pytest

from django_task_queue.api.serializers.tasks import TaskCreateSerializer
from django_task_queue.backends import _OPTION_NAMES
from django_task_queue.services import TaskSpec, enqueue
from django_task_queue.task_options import (
    FIELD_BY_KEYWORD,
    EnqueueOptions,
    TaskDefaults,
    TaskOptions,
    from_keywords,
)
from django_task_queue.task_registry import TaskRegistry

OPTION_FIELDS = get_type_hints(TaskOptions)


@pytest.mark.parametrize("keywords", [TaskDefaults, EnqueueOptions])
def test_each_keyword_names_an_option_of_the_same_type(keywords: type[Any]) -> None:
    for keyword, annotation in get_type_hints(keywords).items():
        assert OPTION_FIELDS[FIELD_BY_KEYWORD[keyword]] == annotation, keyword


def test_every_option_can_be_given_by_keyword_somewhere() -> None:
    given = {FIELD_BY_KEYWORD[k] for k in TaskDefaults.__optional_keys__}
    given |= {FIELD_BY_KEYWORD[k] for k in EnqueueOptions.__optional_keys__}

    assert given == {field.name for field in fields(TaskOptions)}


def test_durations_carry_their_unit_inside_and_keep_the_seeds_name_outside() -> None:
    # given the keywords callers use for the three durations
    options = from_keywords({"retry_delay": 2.5, "timeout": 30, "countdown": 10})

    # then the code reads them under names with their unit
    assert (options.retry_delay_s, options.timeout_s, options.countdown_s) == (2.5, 30, 10)


def test_the_api_create_body_has_a_field_for_each_enqueue_option() -> None:
    option_fields = set(TaskCreateSerializer().fields) - {"task_name", "args", "kwargs"}

    assert option_fields == EnqueueOptions.__optional_keys__


def test_the_django_backend_takes_the_options_a_django_task_does_not_carry() -> None:
    # A new enqueue option lands here: TaskQueueBackend must then read it and pass it on.
    assert {"max_retries", "retry_delay", "timeout"} == _OPTION_NAMES


def test_an_unknown_register_keyword_is_refused_by_name() -> None:
    registry = TaskRegistry()

    with pytest.raises(
        TypeError, match="register\\(\\) got an unexpected keyword argument 'retries'"
    ):
        registry.register("t", retries=3)  # type: ignore[call-arg]  # deliberately unknown

    assert len(registry) == 0


@pytest.mark.parametrize("keyword", ["eta", "retry_backoff", "retry_delay_s"])
def test_an_option_enqueue_does_not_take_is_refused_by_name(keyword: str) -> None:
    # retry_backoff is the task function's alone; retry_delay_s is the inside name, not a keyword
    unknown: dict[str, Any] = {keyword: 1}
    with pytest.raises(
        TypeError, match=f"enqueue\\(\\) got an unexpected keyword argument '{keyword}'"
    ):
        enqueue("add_numbers", [1, 2], **unknown)
    with pytest.raises(
        TypeError, match=f"TaskSpec\\(\\) got an unexpected keyword argument '{keyword}'"
    ):
        TaskSpec("add_numbers", [1, 2], **unknown)


def test_a_spec_keeps_the_options_as_given() -> None:
    spec = TaskSpec("add_numbers", [1, 2], priority="high", countdown=10)

    assert spec.options == {"priority": "high", "countdown": 10}
    assert from_keywords(spec.options) == TaskOptions(priority="high", countdown_s=10)
