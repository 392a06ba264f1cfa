"""GET /metrics: the counters, histograms and gauges move as tasks are enqueued and run."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client
from pytest_django.fixtures import Settings as SettingsWrapper
from rest_framework.authtoken.models import Token

from django_task_queue.broker.client import Broker, reset_broker
from django_task_queue.metrics.definitions import RUN_SECONDS, WAIT_SECONDS
from django_task_queue.services import TaskSpec, enqueue, enqueue_many
from tests.ops.prometheus import Scrape
from tests.support.drain import drain
from tests.support.processes import WorkerProcess


def _set(settings: SettingsWrapper, **options: Any) -> None:
    settings.TASK_QUEUE = {**settings.TASK_QUEUE, **options}


def _scrape(client: Client | None = None) -> Scrape:
    response = (client or Client()).get("/metrics")
    assert response.status_code == 200, response.content
    assert response["Content-Type"] == "text/plain; version=0.0.4; charset=utf-8"
    return Scrape(response.content.decode())


@pytest.fixture(autouse=True)
def metrics_open(settings: SettingsWrapper) -> None:
    """Most tests check values, not access: /metrics is open unless a test closes it."""
    _set(settings, API_OPEN=False, METRICS_OPEN=True)


def test_enqueued_tasks_are_counted_by_task_name_and_queue_and_wait_in_redis(
    stores: Broker,
) -> None:
    enqueue_many(TaskSpec(task="add_numbers", args=[i, i]) for i in range(3))
    enqueue("multiply_numbers", [2, 3], queue_name="reports")
    enqueue("add_numbers", [1, 1], countdown=600)

    scrape = _scrape()

    assert scrape.value("dtq_tasks_enqueued_total", task_name="add_numbers", queue="default") == 4
    assert (
        scrape.value("dtq_tasks_enqueued_total", task_name="multiply_numbers", queue="reports") == 1
    )
    assert scrape.value("dtq_queue_depth", queue="default", state="ready") == 3
    assert scrape.value("dtq_queue_depth", queue="default", state="delayed") == 1
    assert scrape.value("dtq_queue_depth", queue="reports", state="ready") == 1
    assert scrape.value("dtq_tasks_started_total", task_name="add_numbers", queue="default") == 0


def test_running_tasks_moves_the_outcome_counters_and_histograms(stores: Broker) -> None:
    enqueue_many(TaskSpec(task="add_numbers", args=[i, i]) for i in range(3))
    enqueue("failing_task", max_retries=0)
    enqueue("failing_task", max_retries=1, retry_delay=600)

    worker = drain()
    worker.heartbeat.beat()  # what the worker's heartbeat thread does every few seconds
    scrape = _scrape()

    def count(name: str, task_name: str) -> float:
        return scrape.value(name, task_name=task_name, queue="default")

    assert count("dtq_tasks_started_total", "add_numbers") == 3
    assert count("dtq_tasks_started_total", "failing_task") == 2
    assert count("dtq_tasks_succeeded_total", "add_numbers") == 3
    assert count("dtq_tasks_failed_total", "failing_task") == 1
    assert count("dtq_tasks_retried_total", "failing_task") == 1
    assert count("dtq_tasks_succeeded_total", "failing_task") == 0
    assert scrape.value("dtq_task_run_seconds_count", queue="default") == 5
    assert scrape.value("dtq_task_wait_seconds_count", queue="default") == 5
    assert scrape.value("dtq_task_run_seconds_sum", queue="default") > 0
    assert scrape.value("dtq_queue_depth", queue="default", state="ready") == 0
    assert scrape.value("dtq_queue_depth", queue="default", state="delayed") == 1
    assert scrape.value("dtq_queue_depth", queue="default", state="processing") == 0
    assert scrape.value("dtq_workers_alive") == 1


def test_histogram_buckets_are_cumulative_and_end_at_the_count(stores: Broker) -> None:
    enqueue_many(TaskSpec(task="add_numbers", args=[i, i]) for i in range(4))
    drain().heartbeat.beat()

    scrape = _scrape()

    for histogram in (RUN_SECONDS, WAIT_SECONDS):
        buckets = [
            scrape.value(f"{histogram.name}_bucket", queue="default", le=le)
            for le in histogram.labels
        ]
        assert buckets == sorted(buckets)
        assert buckets[-1] == scrape.value(f"{histogram.name}_count", queue="default") == 4
        assert scrape.types[histogram.name] == "histogram"


@pytest.mark.e2e
def test_worker_processes_write_their_counts_by_the_time_they_stop(
    start_worker: Callable[..., WorkerProcess],
) -> None:
    enqueue_many(TaskSpec(task="add_numbers", args=[i, i]) for i in range(6))

    run = start_worker("--burst", "--workers=2")

    assert run.wait() == 0
    scrape = _scrape()
    assert scrape.value("dtq_tasks_started_total", task_name="add_numbers", queue="default") == 6
    assert scrape.value("dtq_tasks_succeeded_total", task_name="add_numbers", queue="default") == 6
    assert scrape.value("dtq_task_run_seconds_count", queue="default") == 6


def test_counts_add_up_across_heartbeats_and_workers(stores: Broker) -> None:
    enqueue("add_numbers", [1, 1])
    drain().heartbeat.beat()
    enqueue("add_numbers", [2, 2])
    drain().heartbeat.beat()

    scrape = _scrape()

    succeeded = scrape.value("dtq_tasks_succeeded_total", task_name="add_numbers", queue="default")
    assert succeeded == 2


def test_every_sample_belongs_to_a_declared_family(stores: Broker) -> None:
    enqueue("add_numbers", [1, 1])
    drain().heartbeat.beat()

    scrape = _scrape()

    assert {scrape.family_of(name) for name, _ in scrape.samples} <= set(scrape.types)
    assert scrape.types["dtq_tasks_enqueued_total"] == "counter"
    assert scrape.types["dtq_queue_depth"] == "gauge"
    assert scrape.types["dtq_workers_alive"] == "gauge"


@pytest.mark.parametrize(
    ("who", "expected"),
    [("anonymous", 403), ("user", 403), ("staff", 200), ("token", 200)],
)
def test_a_closed_endpoint_admits_staff_and_token_holders_only(
    stores: Broker, settings: SettingsWrapper, who: str, expected: int
) -> None:
    _set(settings, API_OPEN=False, METRICS_OPEN=False)
    client = Client()
    if who in {"user", "staff"}:
        user = User.objects.create_user(who, password="pw-for-tests", is_staff=who == "staff")
        client.force_login(user)
    headers = {}
    if who == "token":
        scraper = User.objects.create_user("prometheus", password="pw-for-tests")
        headers["Authorization"] = f"Token {Token.objects.create(user=scraper).key}"

    response = client.get("/metrics", headers=headers)

    assert response.status_code == expected


def test_the_open_api_opens_metrics_too(stores: Broker, settings: SettingsWrapper) -> None:
    _set(settings, API_OPEN=True, METRICS_OPEN=False)

    assert Client().get("/metrics").status_code == 200


def test_a_scraper_asking_for_plain_text_only_is_served(stores: Broker) -> None:
    response = Client().get("/metrics", headers={"Accept": "text/plain;version=0.0.4"})

    assert response.status_code == 200


def test_with_redis_down_the_scrape_fails_with_503(
    stores: Broker, settings: SettingsWrapper
) -> None:
    _set(settings, REDIS_URL="redis://127.0.0.1:1/0")
    reset_broker()

    response = Client().get("/metrics")

    assert response.status_code == 503
    assert b"Redis is unreachable" in response.content
