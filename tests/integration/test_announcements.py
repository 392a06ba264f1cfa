"""Announcements of better tasks: which pushes publish one, and what a worker hears (see
broker/announcements.py). Only Redis is needed."""

from __future__ import annotations

import select
import socket
import time
from collections.abc import Iterator

import pytest

from django_task_queue.broker import announcements
from django_task_queue.broker.client import Broker, PushEntry, get_broker
from django_task_queue.conf import get_settings

QUEUE = "announced"


def _entry(task_id: str, score: int, due_ms: int = 0) -> PushEntry:
    return PushEntry(task_id=task_id, score=score, due_ms=due_ms)


def _now_ms() -> int:
    return int(time.time() * 1000)


def _heard(broker: Broker, *, within_s: float = 5.0) -> bool:
    """Whether an announcement reaches `broker` within `within_s` (a publish is delivered
    asynchronously): polled until then."""
    deadline = time.monotonic() + within_s
    while time.monotonic() < deadline:
        if broker.heard_of_better():
            return True
        time.sleep(0.005)
    return False


def _silent(broker: Broker, listener: Broker, *, within_s: float = 5.0) -> bool:
    """Whether nothing was announced to `listener` so far: it receives a marker published now,
    and nothing before it (Redis delivers a channel's messages in the order they were sent)."""
    broker.client.publish(broker.keys.queue(QUEUE).better, "marker")
    pubsub = listener._announcements._pubsub
    assert pubsub is not None
    deadline = time.monotonic() + within_s
    received: list[str] = []
    while "marker" not in received:
        left = deadline - time.monotonic()
        assert left > 0, f"the marker did not arrive within {within_s} s"
        message = pubsub.get_message(timeout=left)
        if message is not None:
            received.append(str(message["data"]))
    return received == ["marker"]


def _subscription_socket(listener: Broker) -> socket.socket:
    pubsub = listener._announcements._pubsub
    assert pubsub is not None
    assert pubsub.connection is not None
    sock: socket.socket = pubsub.connection._sock
    return sock


def _readable(sock: socket.socket, *, within_s: float = 5.0) -> bool:
    """Whether data (or the end of the stream) reaches `sock` within `within_s`."""
    ready, _, _ = select.select([sock], [], [], within_s)
    return bool(ready)


@pytest.fixture
def listener(broker: Broker) -> Iterator[Broker]:
    """A second broker (another worker process, as far as Redis can tell) that listens."""
    other = Broker.from_url(get_settings().REDIS_URL, broker.keys.prefix)
    other.listen_for_better([QUEUE])
    yield other
    other.stop_listening()
    other.client.close()


def test_a_push_announces_a_task_that_becomes_the_best_ready_one_but_not_one_behind_it(
    broker: Broker, listener: Broker
) -> None:
    broker.push(QUEUE, [_entry("a", 100)], _now_ms())  # into an empty ready set
    assert _heard(listener)

    broker.push(QUEUE, [_entry("b", 200), _entry("c", 300)], _now_ms())  # FIFO, behind "a"
    assert _silent(broker, listener)

    broker.push(QUEUE, [_entry("d", 400), _entry("e", 50)], _now_ms())  # "e" ahead of "a"
    assert _heard(listener)


def test_a_delayed_task_announces_itself_when_promoted_ahead_not_when_pushed(
    broker: Broker, listener: Broker
) -> None:
    now_ms = _now_ms()
    broker.push(QUEUE, [_entry("ready", 100)], now_ms)
    assert _heard(listener)
    broker.push(QUEUE, [_entry("later", 10, due_ms=now_ms + 50)], now_ms)
    assert _silent(broker, listener)

    assert broker.promote(QUEUE, now_ms + 100) == 1

    assert _heard(listener)


def test_a_task_re_pushed_by_reconciliation_ahead_of_the_head_is_announced(
    broker: Broker, listener: Broker
) -> None:
    broker.push(QUEUE, [_entry("present", 100)], _now_ms())
    assert _heard(listener)

    assert broker.reconcile(QUEUE, [_entry("lost", 5)], _now_ms()) == 1

    assert _heard(listener)


def test_an_announcement_read_by_the_heartbeat_is_still_heard_by_the_worker(
    broker: Broker, listener: Broker
) -> None:
    broker.push(QUEUE, [_entry("a", 100)], _now_ms())
    assert _readable(_subscription_socket(listener))  # the announcement has arrived

    listener.keep_announcements_drained()

    assert listener.heard_of_better() is True
    assert listener.heard_of_better() is False


def test_a_lost_subscription_never_reads_as_silence_and_is_made_again(
    broker: Broker, listener: Broker, monkeypatch: pytest.MonkeyPatch
) -> None:
    subscription = _subscription_socket(listener)
    host, port = subscription.getsockname()[:2]
    [mine] = [
        client
        for client in broker.client.client_list(_type="pubsub")
        if client["addr"] == f"{host}:{port}"
    ]
    # Redis drops the connection: whatever is published until it is back is lost to it.
    broker.client.client_kill_filter(_id=mine["id"])
    assert _readable(subscription)  # the end of the stream has reached it

    assert listener.heard_of_better() is None  # so the worker asks Redis

    monkeypatch.setattr(announcements, "_RETRY_AFTER_S", 0.0)
    listener.listen_for_better([QUEUE])  # the next claim subscribes again
    assert listener.heard_of_better() is False
    broker.push(QUEUE, [_entry("a", 100)], _now_ms())
    assert _heard(listener)


def test_a_broker_that_does_not_listen_says_it_does_not_know(broker: Broker) -> None:
    assert get_broker().heard_of_better() is None
