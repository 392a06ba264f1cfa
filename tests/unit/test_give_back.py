"""A worker's check before the next task of a batch: silence on the announcement channels lets
it go on without asking Redis only while its task still ranks ahead of what it last saw."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest

from django_task_queue.worker import loop
from django_task_queue.worker.loop import Worker
from django_task_queue.worker.options import WorkerOptions


class _Broker:
    """Announcements heard, in order (then silence), and the ready head Redis would report."""

    pushes = 0

    def __init__(self, heard: list[bool | None], head_score: float) -> None:
        self.heard = heard
        self.head_score = head_score
        self.looks = 0

    def heard_of_better(self) -> bool | None:
        return self.heard.pop(0) if self.heard else False

    def best_ready_score(self, queue_names: Any, queue_name: str) -> float:
        self.looks += 1
        return self.head_score


def _task(score: float) -> Any:
    return SimpleNamespace(queue_name="default", claim=SimpleNamespace(score=score))


def _gives_back(worker: Worker, score: float) -> bool:
    worker._looked_at = 0.0  # long enough ago that the check is due
    return worker._should_give_back(_task(score))


@pytest.fixture
def worker() -> Worker:
    return Worker(WorkerOptions(), "test-check")


def test_silence_after_a_claim_asks_redis_nothing(
    worker: Worker, monkeypatch: pytest.MonkeyPatch
) -> None:
    broker = _Broker(heard=[], head_score=1.0)
    monkeypatch.setattr(loop, "get_broker", lambda: broker)

    assert not _gives_back(worker, 5.0)
    assert broker.looks == 0


def test_an_announcement_sends_the_worker_to_look_and_it_keeps_what_it_saw(
    worker: Worker, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The batch holds tasks scoring 2 and 4; a task scoring 3 was announced meanwhile.
    broker = _Broker(heard=[True], head_score=3.0)
    monkeypatch.setattr(loop, "get_broker", lambda: broker)

    assert not _gives_back(worker, 2.0)  # the 3 ranks behind it
    assert broker.looks == 1
    assert not _gives_back(worker, 2.5)  # silence, and still ahead of the 3
    assert broker.looks == 1
    assert _gives_back(worker, 4.0)  # silence, but the 3 it saw ranks ahead: look again
    assert broker.looks == 2


def test_not_listening_means_asking_redis(worker: Worker, monkeypatch: pytest.MonkeyPatch) -> None:
    broker = _Broker(heard=[None, None], head_score=10.0)
    monkeypatch.setattr(loop, "get_broker", lambda: broker)

    assert not _gives_back(worker, 5.0)
    assert not _gives_back(worker, 6.0)
    assert broker.looks == 2
