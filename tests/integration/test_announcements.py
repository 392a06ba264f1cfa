"""Announcements of better tasks: which pushes publish one, and what a worker hears (see
broker/announcements.py). Only Redis is needed."""

from __future__ import annotations

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


def _heard(broker: Broker, *, within_s: float = 1.0) -> bool:
    """Whether an announcement reaches `broker` within `within_s` (a publish is delivered
    asynchronously, so silence is only checked after a round trip that follows it)."""
    deadline = time.monotonic() + within_s
    while time.monotonic() < deadline:
        if broker.heard_of_better():
            return True
        time.sleep(0.005)
    return False


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
    assert not _heard(listener, within_s=0.2)

    broker.push(QUEUE, [_entry("d", 400), _entry("e", 50)], _now_ms())  # "e" ahead of "a"
    assert _heard(listener)


def test_a_delayed_task_announces_itself_when_promoted_ahead_not_when_pushed(
    broker: Broker, listener: Broker
) -> None:
    now_ms = _now_ms()
    broker.push(QUEUE, [_entry("ready", 100)], now_ms)
    assert _heard(listener)
    broker.push(QUEUE, [_entry("later", 10, due_ms=now_ms + 50)], now_ms)
    assert not _heard(listener, within_s=0.2)

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
    time.sleep(0.05)

    listener.keep_announcements_drained()

    assert listener.heard_of_better() is True
    assert listener.heard_of_better() is False


def test_a_lost_subscription_never_reads_as_silence_and_is_made_again(
    broker: Broker, listener: Broker, monkeypatch: pytest.MonkeyPatch
) -> None:
    subscriber = listener._announcements._pubsub
    assert subscriber is not None
    assert subscriber.connection is not None
    host, port = subscriber.connection._sock.getsockname()[:2]
    [mine] = [
        client
        for client in broker.client.client_list(_type="pubsub")
        if client["addr"] == f"{host}:{port}"
    ]
    # Redis drops the connection: whatever is published until it is back is lost to it.
    broker.client.client_kill_filter(_id=mine["id"])
    time.sleep(0.1)

    assert listener.heard_of_better() is None  # so the worker asks Redis

    monkeypatch.setattr(announcements, "_RETRY_AFTER_S", 0.0)
    listener.listen_for_better([QUEUE])  # the next claim subscribes again
    assert listener.heard_of_better() is False
    broker.push(QUEUE, [_entry("a", 100)], _now_ms())
    assert _heard(listener)


def test_a_broker_that_does_not_listen_says_it_does_not_know(broker: Broker) -> None:
    assert get_broker().heard_of_better() is None
