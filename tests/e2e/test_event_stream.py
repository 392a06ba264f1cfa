"""GET /api/events/ from the production server (ASGI): each change of a task as it happens,
resumed with Last-Event-ID, a reset when that is too old, filters, and the API's access rules."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from pytest_django.fixtures import Settings
from rest_framework.authtoken.models import Token

from django_task_queue.broker.client import Broker
from django_task_queue.services import enqueue
from tests.api.conftest import set_task_queue
from tests.support.processes import WorkerProcess
from tests.support.web_server import EventStream, Message, web_server

pytestmark = pytest.mark.e2e

StartWorker = Callable[..., WorkerProcess]


@pytest.fixture
def server(stores: Broker, tmp_path: Path) -> Iterator[str]:
    with web_server(tmp_path, {"API_OPEN": True}) as base:
        yield base


def of(task_id: object, messages: list[Message]) -> list[Message]:
    return [m for m in messages if m.data.get("task_id") == str(task_id)]


def has(kind: str, task_id: object) -> Callable[[list[Message]], bool]:
    return lambda found: any(m.data.get("type") == kind for m in of(task_id, found))


def test_a_client_sees_each_change_of_a_task_that_retries_then_succeeds(
    server: str, start_worker: StartWorker, marker_dir: Path
) -> None:
    stream = EventStream(server)
    assert stream.status == 200
    assert stream.response.getheader("Content-Type", "").startswith("text/event-stream")
    start_worker("--workers=1")

    task = enqueue("test_fails_once", [str(marker_dir), "x"])

    seen = of(task.id, stream.messages(has("succeeded", task.id)))
    assert [(m.data["type"], m.data["status"], m.data["attempt"]) for m in seen] == [
        ("enqueued", "pending", 0),
        ("started", "processing", 1),
        ("retry_scheduled", "retry", 1),
        ("started", "processing", 2),
        ("succeeded", "success", 2),
    ]
    assert {m.event for m in seen} == {"task"}
    assert seen[0].data["task_name"] == "test_fails_once"
    assert len({m.id for m in seen}) == len(seen)
    stream.close()


def test_a_client_that_reconnects_with_last_event_id_gets_what_it_missed(server: str) -> None:
    stream = EventStream(server)
    first = enqueue("add_numbers", [1, 1])
    (seen,) = of(first.id, stream.messages(has("enqueued", first.id)))
    stream.close()

    missed = [enqueue("add_numbers", [i, 2]) for i in range(3)]
    again = EventStream(server, headers={"Last-Event-ID": str(seen.id)})

    found = again.messages(has("enqueued", missed[-1].id))
    assert [m.data["task_id"] for m in found] == [str(t.id) for t in missed]
    again.close()


def test_a_last_event_id_older_than_the_stream_holds_gets_a_reset(
    stores: Broker, tmp_path: Path, settings: Settings
) -> None:
    set_task_queue(settings, EVENTS_MAX_ENTRIES=100)
    with web_server(tmp_path, {"API_OPEN": True, "EVENTS_MAX_ENTRIES": 100}) as base:
        stream = EventStream(base)
        first = enqueue("add_numbers", [0, 0])
        (seen,) = of(first.id, stream.messages(has("enqueued", first.id)))
        stream.close()
        for i in range(400):  # an entry each: the stream is trimmed far past the first
            enqueue("add_numbers", [i, 1])

        again = EventStream(base, headers={"Last-Event-ID": str(seen.id)})
        (reset,) = again.messages(bool)[:1]

        assert reset.event == "reset"
        assert reset.data["reason"] == "too_old"
        again.close()


def test_filters_let_through_only_the_events_asked_for(
    server: str, start_worker: StartWorker
) -> None:
    named = EventStream(server, "?task_name=multiply_numbers&queue=reports")
    succeeded = EventStream(server, "?status=success")
    start_worker("--workers=1", "--queue=default,reports")

    enqueue("add_numbers", [1, 2])
    enqueue("multiply_numbers", [1, 2])
    wanted = enqueue("multiply_numbers", [3, 4], queue_name="reports")

    found = named.messages(has("succeeded", wanted.id))
    assert {m.data["task_id"] for m in found} == {str(wanted.id)}
    done = succeeded.messages(lambda got: len(got) >= 3)
    assert {m.data["type"] for m in done} == {"succeeded"}
    single = EventStream(server, f"?task_id={wanted.id}")
    assert single.status == 200
    for stream in (named, succeeded, single):
        stream.close()


def test_a_bad_filter_is_a_400_naming_it(server: str) -> None:
    stream = EventStream(server, "?status=finished")

    assert stream.status == 400
    assert "status" in stream.response.read().decode()
    stream.close()


@pytest.mark.django_db(transaction=True)
def test_the_stream_needs_credentials_when_the_api_is_closed(
    stores: Broker, tmp_path: Path
) -> None:
    user = User.objects.create_user("reader", password="secret")
    token = Token.objects.create(user=user)
    with web_server(tmp_path, {"API_OPEN": False}) as base:
        refused = EventStream(base)
        allowed = EventStream(base, headers={"Authorization": f"Token {token.key}"})

        assert refused.status in {401, 403}
        assert '"success":false' in refused.response.read().decode().replace(" ", "")
        assert allowed.status == 200
        refused.close()
        allowed.close()
