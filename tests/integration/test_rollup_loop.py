"""The rollup loop: the supervisor's maintenance folds finished work into the statistics' rollup."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from datetime import timedelta

import psycopg
import pytest
from django.db import connection
from django.utils import timezone

from django_task_queue import store
from django_task_queue.broker.client import Broker
from django_task_queue.models import StatsRollup, ThroughputMinute
from django_task_queue.monitoring import rollup
from django_task_queue.worker.maintenance import Maintenance
from tests.support.maintenance import run_only
from tests.support.processes import database_url
from tests.support.rows import add_attempt, create_task


def finished_minutes_ago(minutes: float) -> None:
    done = timezone.now() - timedelta(minutes=minutes)
    task = create_task(status="success", attempt=1, created_at=done, completed_at=done)
    add_attempt(task, started_at=done, finished_at=done)


def completed_in_rollup() -> int:
    return sum(minute.completed for minute in ThroughputMinute.objects.all())


@pytest.fixture
def maintenance_log(caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch) -> None:
    # An in-process run_worker stops the package logger propagating; the capture needs it.
    monkeypatch.setattr(logging.getLogger("django_task_queue"), "propagate", True)
    caplog.set_level(logging.INFO, logger="django_task_queue.worker.maintenance")


@pytest.fixture
def short_lock_timeout() -> Iterator[None]:
    """A fold that waited for a lock fails within seconds instead of hanging the test."""
    with connection.cursor() as cursor:
        cursor.execute("SET lock_timeout = '2s'")
    yield
    with connection.cursor() as cursor:
        cursor.execute("RESET lock_timeout")


def test_the_rollup_loop_folds_the_work_that_has_settled(stores: Broker) -> None:
    # given a task finished ten minutes ago and one finished now, within the settling time
    finished_minutes_ago(10)
    finished_minutes_ago(0)

    # when the supervisor's rollup loop takes its turn
    before = timezone.now()
    run_only(Maintenance(), "rollup")
    after = timezone.now()

    # then the first is in the rollup, and the watermark stops short of the second
    assert completed_in_rollup() == 1
    folded_until = StatsRollup.objects.get().folded_until
    assert rollup.minute_of(before - rollup.SETTLE) <= folded_until
    assert folded_until <= rollup.minute_of(after - rollup.SETTLE)


def test_a_fold_skips_its_turn_while_another_process_folds(
    stores: Broker, short_lock_timeout: None
) -> None:
    # given finished work, and another process holding the fold's lock
    finished_minutes_ago(10)
    lock = store.statements()["rollup_try_lock"].sql.replace("_try_", "_")
    with psycopg.connect(database_url()) as other:
        other.execute(lock)

        # when this process's rollup loop takes its turn
        rollup.fold(timezone.now())

        # then it returned at once, folding nothing
        assert not StatsRollup.objects.exists()

    # and its next turn, the lock released, folds
    rollup.fold(timezone.now())
    assert completed_in_rollup() == 1


def test_the_rollup_loop_reports_an_outage_and_folds_at_its_next_turn(
    stores: Broker, maintenance_log: None, caplog: pytest.LogCaptureFixture
) -> None:
    # given finished work, and PostgreSQL ending the supervisor's session (a restart would)
    finished_minutes_ago(10)
    maintenance = Maintenance()
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        (pid,) = cursor.fetchone()
    with psycopg.connect(database_url(), autocommit=True) as other:
        other.execute("SELECT pg_terminate_backend(%s, 5000)", [pid])

    # when the rollup loop takes its turn: the outage is logged, not raised
    run_only(maintenance, "rollup")
    assert "maintenance (rollup) cannot reach a store" in caplog.text

    # then its next turn connects again and folds
    run_only(maintenance, "rollup")
    assert completed_in_rollup() == 1
