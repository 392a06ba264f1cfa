"""Properties: no body and no query string, however odd, makes the API answer 500."""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rest_framework.test import APIClient

from django_task_queue.models import Task
from tests.api.conftest import body

# Lone surrogates cannot be sent at all (the client cannot encode them), so they are left out.
text = st.text(st.characters(exclude_categories=["Cs"]), max_size=30)
json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | text,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(text, children, max_size=4),
    max_leaves=20,
)
field_names = st.sampled_from(
    ["task_name", "args", "kwargs", "priority", "max_retries", "retry_delay", "timeout",
     "queue_name", "run_after", "countdown", "tasks"]
) | text  # fmt: skip
# Dotted names too: a name must never make the server import a module (or answer 500).
dotted_names = st.lists(
    st.sampled_from(["", "os", "tests", "support", "no_such", "django_task_queue", "conf", "."]),
    min_size=1,
    max_size=4,
).map(".".join)
task_names = (
    st.sampled_from(
        ["add_numbers", "slow_task", "test_noop", "nope", ".", "..", "os.system",
         "tests.support.named_by_requests.side_effect.hidden", "tests.support.django_tasks.add"]
    )
    | dotted_names
    | text
)  # fmt: skip
create_bodies = st.dictionaries(field_names, json_values, max_size=6) | st.builds(
    lambda name, extra: {"task_name": name, **extra},
    task_names,
    st.dictionaries(field_names, json_values, max_size=4),
)
list_params = st.dictionaries(
    st.sampled_from(
        ["status", "priority", "queue_name", "task_name", "search", "created_after",
         "created_before", "ordering", "page", "page_size"]
    ) | text,
    text | st.integers().map(str) | st.sampled_from(["pending", "high", "-priority", "0", "-1"]),
    max_size=5,
)  # fmt: skip
checks = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def assert_enveloped_4xx_or_success(response: Any) -> None:
    assert response.status_code < 500, response.content
    data = body(response)
    if response.status_code >= 400:
        assert data["success"] is False
        assert isinstance(data["message"], str)
        assert isinstance(data["errors"], dict)


@checks
@given(payload=create_bodies | json_values)
def test_no_create_body_is_a_500(api: APIClient, db: None, payload: Any) -> None:
    before = Task.objects.count()

    response = api.post("/api/tasks/", payload, format="json")

    assert_enveloped_4xx_or_success(response)
    if response.status_code != 201:
        assert Task.objects.count() == before


@checks
@given(
    payload=st.builds(lambda tasks: {"tasks": tasks}, st.lists(create_bodies, max_size=4))
    | json_values
)
def test_no_bulk_body_is_a_500(api: APIClient, db: None, payload: Any) -> None:
    before = Task.objects.count()

    response = api.post("/api/tasks/bulk/", payload, format="json")

    assert_enveloped_4xx_or_success(response)
    if response.status_code != 201:
        assert Task.objects.count() == before


@checks
@given(params=list_params)
def test_no_list_query_string_is_a_500(api: APIClient, db: None, params: dict[str, str]) -> None:
    response = api.get("/api/tasks/", params)

    assert_enveloped_4xx_or_success(response)


@checks
@given(raw=st.binary(max_size=200))
def test_no_raw_body_is_a_500(api: APIClient, db: None, raw: bytes) -> None:
    response = api.generic("POST", "/api/tasks/", raw, "application/json")  # type: ignore[arg-type]  # (bytes pass)

    assert_enveloped_4xx_or_success(response)
    assert Task.objects.count() == 0 or response.status_code == 201


@checks
@given(
    path=st.sampled_from(["/api/stats/", "/api/failures/"]),
    params=st.dictionaries(st.sampled_from(["minutes"]) | text, text | st.integers().map(str)),
)
def test_no_monitoring_query_string_is_a_500(
    api: APIClient, db: None, path: str, params: dict[str, str]
) -> None:
    response = api.get(path, params)

    assert_enveloped_4xx_or_success(response)
