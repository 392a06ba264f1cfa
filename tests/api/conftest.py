"""Fixtures of the API tests: a client, the API open or closed, rows made directly, Redis down."""

from __future__ import annotations

import os
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone
from pytest_django.fixtures import Settings
from rest_framework.test import APIClient

from django_task_queue.broker.client import Broker, RunningRecord, WorkerRecord, reset_broker
from django_task_queue.timeutil import to_ms
from tests.support.rows import MakeTask, create_task

API_TESTS = Path(__file__).parent

# Nothing listens on port 1: connecting fails at once, as with Redis stopped.
UNREACHABLE_REDIS_URL = "redis://127.0.0.1:1/0"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    # WhiteNoise warns once, when the first request builds the middleware, that STATIC_ROOT
    # (filled by collectstatic) is missing; it is irrelevant to the API.
    ignore = pytest.mark.filterwarnings("ignore:No directory at:UserWarning")
    for item in items:
        if item.path.is_relative_to(API_TESTS):
            item.add_marker(ignore)


def set_task_queue(settings: Settings, **options: Any) -> None:
    settings.TASK_QUEUE = {**settings.TASK_QUEUE, **options}


@pytest.fixture(autouse=True)
def open_api(settings: Settings) -> None:
    """Most tests exercise behaviour, not auth: the API is open unless a test closes it."""
    set_task_queue(settings, API_OPEN=True)


@pytest.fixture
def api() -> APIClient:
    return APIClient()


@pytest.fixture
def redis_down(settings: Settings) -> Iterator[None]:
    set_task_queue(settings, REDIS_URL=UNREACHABLE_REDIS_URL)
    reset_broker()
    yield
    reset_broker()


@pytest.fixture
def make_task(db: None) -> MakeTask:
    """Insert a task row as the worker would have left it (no Redis entry); times may be set."""
    return create_task


def body(response: Any) -> dict[str, Any]:
    data: dict[str, Any] = response.json()
    return data


def start_worker(
    broker: Broker,
    queues: list[str],
    state: str = "idle",
    *,
    concurrency: int = 1,
    running: tuple[RunningRecord, ...] = (),
) -> None:
    """Record a live worker in Redis' registry, as a running worker's heartbeat does."""
    now_ms = to_ms(timezone.now())
    record = WorkerRecord(
        worker_id=f"test-{uuid.uuid4().hex[:6]}",
        hostname="here",
        pid=os.getpid(),
        queues=queues,
        state=state,
        current_task_id=None,
        started_at_ms=now_ms,
        last_seen_ms=now_ms,
        tasks_done=0,
        concurrency=concurrency,
        running=running,
    )
    broker.record_worker(record, ttl_s=30)


def pytest_terminal_summary(terminalreporter: Any) -> None:
    """The schema fuzzer's figure: operations run and cases generated (test_schema_fuzz.py)."""
    fuzz = sys.modules.get("tests.api.test_schema_fuzz")
    cases = getattr(fuzz, "CASES_RUN", None)
    if cases:
        terminalreporter.write_line(
            f"schemathesis: {len(cases)} operations, {sum(cases.values())} cases generated"
        )
