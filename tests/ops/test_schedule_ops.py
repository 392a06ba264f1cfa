"""Schedules for operators: `list_schedules`, the admin's actions, and their lag on /metrics."""

from __future__ import annotations

import time
from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from pytest_django.fixtures import Settings

from django_task_queue.broker.client import Broker
from django_task_queue.models import Schedule, Task
from django_task_queue.schedules import control
from django_task_queue.schedules.scheduler import Scheduler
from tests.ops.prometheus import Scrape

SUMS = {"task": "add_numbers", "args": [1, 2], "every": 1, "skip_if_running": True}


@pytest.fixture(autouse=True)
def sums(settings: Settings) -> None:
    settings.TASK_QUEUE = {**settings.TASK_QUEUE, "SCHEDULES": {"sums": SUMS}, "METRICS_OPEN": True}


def test_list_schedules_prints_each_trigger_state_and_last_run(stores: Broker) -> None:
    task_id = control.run_now("sums")
    control.pause("sums")
    out = StringIO()

    call_command("list_schedules", stdout=out)

    text = out.getvalue()
    assert "sums: add_numbers" in text
    assert "every 1 s, catch_up=latest, skip_if_running, queue=default, paused" in text
    assert f"(task {task_id}, pending)" in text


def test_the_admin_pauses_resumes_and_runs_schedules_now(
    stores: Broker, superuser_client: Client
) -> None:
    Scheduler().run_pass()  # copies the definition in
    changelist = reverse("admin:django_task_queue_schedule_changelist")

    def act(action: str) -> None:
        response = superuser_client.post(
            changelist, {"action": action, "_selected_action": ["sums"]}, follow=True
        )
        assert response.status_code == 200

    act("pause_selected")
    assert Schedule.objects.get(name="sums").enabled is False
    act("resume_selected")
    assert Schedule.objects.get(name="sums").enabled is True
    act("run_selected_now")
    assert Task.objects.filter(schedule_name="sums").count() == 1


def test_metrics_report_how_late_each_schedule_enqueued_its_last_tick(stores: Broker) -> None:
    scheduler = Scheduler()
    wait_s = scheduler.run_pass()  # copies the definition in: its first tick is within a second
    time.sleep(wait_s + 0.05)
    scheduler.run_pass()

    scrape = Scrape(Client().get("/metrics").content.decode())
    assert 0 <= scrape.value("dtq_schedule_lag_seconds", schedule="sums") < 1
