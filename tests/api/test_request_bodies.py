"""Bodies that are not JSON, not UTF-8, too large or too deep: a 4xx envelope, nothing created."""

from __future__ import annotations

from typing import Any

import pytest
from pytest_django.fixtures import Settings
from rest_framework.test import APIClient

from django_task_queue.models import Task
from tests.api.conftest import body, set_task_queue

URL = "/api/tasks/"
pytestmark = pytest.mark.django_db


def post_raw(
    api: APIClient, raw: bytes, content_type: str = "application/json", **extra: Any
) -> Any:
    # Django's client sends bytes as they are; its stubs only admit str.
    return api.generic("POST", URL, raw, content_type=content_type, **extra)  # type: ignore[arg-type]


def assert_error(response: Any, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.content
    data = body(response)
    assert data["success"] is False
    assert data["message"]
    assert isinstance(data["errors"], dict)
    assert Task.objects.count() == 0
    return data


def test_a_body_that_is_not_json_is_a_400(api: APIClient) -> None:
    data = assert_error(post_raw(api, b"task_name=add_numbers"), 400)
    assert "JSON" in data["message"]


def test_a_truncated_json_body_is_a_400(api: APIClient) -> None:
    assert_error(post_raw(api, b'{"task_name": "add_numbers", "args": [1,'), 400)


def test_nan_and_infinity_are_not_json_numbers(api: APIClient) -> None:
    raw = b'{"task_name": "add_numbers", "args": [NaN, Infinity]}'

    assert_error(post_raw(api, raw), 400)


def test_a_form_content_type_is_a_415(api: APIClient) -> None:
    response = post_raw(api, b"task_name=add_numbers", "application/x-www-form-urlencoded")

    assert_error(response, 415)


def test_a_text_content_type_is_a_415(api: APIClient) -> None:
    assert_error(post_raw(api, b'{"task_name": "add_numbers"}', "text/plain"), 415)


def test_json_in_a_charset_other_than_utf8_is_a_415(api: APIClient) -> None:
    raw = '{"task_name": "add_numbers"}'.encode("utf-16")

    assert_error(post_raw(api, raw, "application/json; charset=utf-16"), 415)


def test_bytes_that_are_not_utf8_are_a_400(api: APIClient) -> None:
    assert_error(post_raw(api, b'{"task_name": "\xff\xfe"}'), 400)


def test_a_body_over_the_limit_is_a_413(api: APIClient, settings: Settings) -> None:
    set_task_queue(settings, API_MAX_BODY_BYTES=1024)
    raw = b'{"task_name": "add_numbers", "args": ["' + b"x" * 2000 + b'", 1]}'

    assert_error(post_raw(api, raw), 413)


def test_a_declared_content_length_over_the_limit_is_a_413_before_reading(
    api: APIClient, settings: Settings
) -> None:
    set_task_queue(settings, API_MAX_BODY_BYTES=1024)
    raw = b'{"task_name": "add_numbers", "args": [1, 2]}'

    assert_error(post_raw(api, raw, CONTENT_LENGTH="5000000"), 413)


def test_a_body_nested_deeper_than_python_can_parse_is_a_400(api: APIClient) -> None:
    raw = b'{"task_name": "add_numbers", "args": [' + b"[" * 100_000 + b"]" * 100_000 + b", 1]}"

    assert_error(post_raw(api, raw), 400)


def test_a_body_nested_beyond_the_depth_limit_is_a_400(api: APIClient) -> None:
    raw = b'{"task_name": "add_numbers", "args": [' + b"[" * 100 + b"]" * 100 + b", 1]}"

    data = assert_error(post_raw(api, raw), 400)
    assert "nested" in data["message"]


def test_an_unpaired_surrogate_escape_is_a_400(api: APIClient) -> None:
    raw = b'{"task_name": "add_numbers", "args": ["\\ud800", 1]}'

    assert_error(post_raw(api, raw), 400)


def test_an_empty_body_is_rejected_naming_task_name(api: APIClient) -> None:
    data = assert_error(post_raw(api, b""), 400)
    assert "task_name" in data["errors"]


def test_a_number_beyond_a_float_is_rejected_naming_the_field(api: APIClient) -> None:
    # Python's JSON reads 1e400 as infinity, which JSON cannot hold on the way out.
    data = assert_error(post_raw(api, b'{"task_name": "add_numbers", "args": [1e400, 1]}'), 400)

    assert data["errors"] == {"args[0]": ["Value must be valid JSON."]}


def test_an_integer_with_too_many_digits_is_a_400(api: APIClient) -> None:
    raw = b'{"task_name": "add_numbers", "args": [' + b"9" * 5000 + b", 1]}"

    assert_error(post_raw(api, raw), 400)
