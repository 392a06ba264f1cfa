"""GET /api/tasks/: filters, search, ordering, and pagination that never counts the whole table."""

from __future__ import annotations

from datetime import timedelta
from typing import Any
from unittest import mock

import pytest
from django.db import connection
from django.utils import timezone
from rest_framework.test import APIClient

from django_task_queue.monitoring import tasks
from tests.api.conftest import body
from tests.support.rows import MakeTask

URL = "/api/tasks/"


def listed(api: APIClient, **params: Any) -> dict[str, Any]:
    response = api.get(URL, params)
    assert response.status_code == 200, response.content
    return body(response)


def ids(data: dict[str, Any]) -> list[str]:
    return [task["id"] for task in data["data"]]


def test_the_list_answers_task_objects_newest_first_in_the_envelope(
    api: APIClient, make_task: MakeTask
) -> None:
    now = timezone.now()
    older = make_task(created_at=now - timedelta(minutes=5))
    newer = make_task(created_at=now)

    data = listed(api)

    assert data["success"] is True
    assert ids(data) == [str(newer.id), str(older.id)]
    assert data["meta"] == {
        "page": 1,
        "page_size": 50,
        "count": 2,
        "count_is_estimate": False,
        "has_next": False,
        "has_previous": False,
    }
    assert set(data["data"][0]) >= {"id", "status", "priority_name", "next_retry_at", "traceback"}


def test_status_filter_keeps_only_that_status(api: APIClient, make_task: MakeTask) -> None:
    failed = make_task(status="failed")
    make_task(status="pending")

    assert ids(listed(api, status="failed")) == [str(failed.id)]


def test_priority_filter_takes_a_band_name(api: APIClient, make_task: MakeTask) -> None:
    high = make_task(priority=60)
    make_task(priority=100)
    make_task(priority=0)

    assert ids(listed(api, priority="high")) == [str(high.id)]


def test_queue_and_task_name_filters_are_exact(api: APIClient, make_task: MakeTask) -> None:
    wanted = make_task(queue_name="reports", task_name="slow_task", args=[])
    make_task(queue_name="reports")
    make_task(task_name="slow_task", args=[])

    assert ids(listed(api, queue_name="reports", task_name="slow_task")) == [str(wanted.id)]


def test_created_range_filters_bound_the_creation_time(api: APIClient, make_task: MakeTask) -> None:
    now = timezone.now()
    make_task(created_at=now - timedelta(days=2))
    inside = make_task(created_at=now - timedelta(days=1))
    make_task(created_at=now)

    data = listed(
        api,
        created_after=(now - timedelta(days=1, hours=1)).isoformat(),
        created_before=(now - timedelta(hours=1)).isoformat(),
    )

    assert ids(data) == [str(inside.id)]


def test_search_matches_an_id_prefix(api: APIClient, make_task: MakeTask) -> None:
    task = make_task()
    make_task()

    assert str(task.id) in ids(listed(api, search=str(task.id)[:13]))
    assert ids(listed(api, search=str(task.id))) == [str(task.id)]


def test_error_search_has_statistics_so_the_planner_sees_how_rare_a_match_is(db: None) -> None:
    # Without them an error search was planned as matching 4 % of all rows (see migration 0005).
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT 1 FROM pg_statistic_ext WHERE stxname = %s", ["dtq_task_error_upper"]
        )
        assert cursor.fetchone() == (1,)


def test_search_matches_task_name_and_error_text(api: APIClient, make_task: MakeTask) -> None:
    by_name = make_task(task_name="send_notification", args=["a", "b"])
    by_error = make_task(status="failed", error_message="SMTP notification refused")
    make_task()

    assert set(ids(listed(api, search="notification"))) == {str(by_name.id), str(by_error.id)}


def test_search_takes_like_wildcards_in_a_task_name_literally(
    api: APIClient, make_task: MakeTask
) -> None:
    underscored = make_task(task_name="send_mail")
    make_task(task_name="sendXmail")

    assert ids(listed(api, search="D_M")) == [str(underscored.id)]
    assert ids(listed(api, search="%")) == []


def test_search_finds_every_task_name_that_contains_the_text(
    api: APIClient, make_task: MakeTask
) -> None:
    # The names are found by skipping through the name index; each distinct one must be seen.
    matching = {make_task(task_name=f"report_{n:02d}").id for n in range(12)}
    for n in range(12):
        make_task(task_name=f"cleanup_{n:02d}")

    assert set(ids(listed(api, search="REPORT_", page_size=100))) == {str(i) for i in matching}


def test_ordering_by_priority_puts_the_highest_first(api: APIClient, make_task: MakeTask) -> None:
    low = make_task(priority=-50)
    critical = make_task(priority=100)
    normal = make_task(priority=0)

    assert ids(listed(api, ordering="-priority")) == [str(t.id) for t in (critical, normal, low)]


def test_ordering_by_completion_puts_unfinished_tasks_last(
    api: APIClient, make_task: MakeTask
) -> None:
    now = timezone.now()
    unfinished = make_task()
    earlier = make_task(status="success", completed_at=now - timedelta(minutes=1))
    later = make_task(status="success", completed_at=now)

    assert ids(listed(api, ordering="-completed_at")) == [
        str(t.id) for t in (later, earlier, unfinished)
    ]


def test_pages_follow_each_other_without_overlap(api: APIClient, make_task: MakeTask) -> None:
    now = timezone.now()
    for minute in range(5):
        make_task(created_at=now - timedelta(minutes=minute))

    first = listed(api, page_size=2)
    second = listed(api, page_size=2, page=2)
    third = listed(api, page_size=2, page=3)

    assert (first["meta"]["has_next"], second["meta"]["has_next"], third["meta"]["has_next"]) == (
        True, True, False,
    )  # fmt: skip
    assert (first["meta"]["has_previous"], second["meta"]["has_previous"]) == (False, True)
    assert len(set(ids(first) + ids(second) + ids(third))) == 5


@pytest.mark.django_db
def test_a_page_past_the_end_is_empty_not_an_error(api: APIClient) -> None:
    data = listed(api, page=40)

    assert data["data"] == []
    assert data["meta"]["has_next"] is False


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("param", "value"),
    [
        ("page_size", "201"),
        ("page_size", "0"),
        ("page", "0"),
        ("page", "two"),
        ("page", "9" * 40),
        ("status", "done"),
        ("priority", "urgent"),
        ("ordering", "task_name"),
        ("created_after", "yesterday"),
        ("search", "a\x00b"),
    ],
)
def test_a_bad_query_parameter_is_a_400_naming_it(api: APIClient, param: str, value: str) -> None:
    response = api.get(URL, {param: value})

    assert response.status_code == 400, response.content
    assert param in body(response)["errors"]


def test_an_unfiltered_list_of_a_large_table_uses_postgres_estimate(
    api: APIClient, make_task: MakeTask
) -> None:
    make_task()

    with mock.patch.object(tasks, "table_estimate", return_value=2_500_000):
        data = listed(api)

    assert (data["meta"]["count"], data["meta"]["count_is_estimate"]) == (2_500_000, True)


def test_a_filtered_count_stops_at_the_cap_and_says_so(api: APIClient, make_task: MakeTask) -> None:
    for _ in range(4):
        make_task(status="failed")

    with mock.patch.object(tasks, "COUNT_CAP", 3):
        data = listed(api, status="failed", page_size=2)

    assert (data["meta"]["count"], data["meta"]["count_is_estimate"]) == (3, True)
    assert data["meta"]["has_next"] is True


def test_empty_parameters_mean_their_defaults(api: APIClient, make_task: MakeTask) -> None:
    make_task()

    data = listed(api, page="", page_size="", status="", ordering="", search="")

    assert (data["meta"]["page"], data["meta"]["page_size"], data["meta"]["count"]) == (1, 50, 1)
