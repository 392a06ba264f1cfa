"""No GET or HEAD request writes: not to PostgreSQL, not to Redis, whichever page it asks for.

Every route of the URL conf is requested (a new one fails here until it has an example path),
on a database with tasks in every status, a rollup with work left to fold and a dead worker
left in Redis' registry. PostgreSQL's row-write counters of the test database and the Redis
server's counts of write commands must not move. The counters count committed work of every
session, hence a transactional test; the Redis server is the test's own, since INFO
commandstats counts every client's commands.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import pytest
import redis
from django.contrib.auth.models import Group, User
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.urls import URLPattern, URLResolver, get_resolver, resolve
from django.utils import timezone
from pytest_django.fixtures import Settings
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from django_task_queue.broker.client import Broker, get_broker, reset_broker
from django_task_queue.models import Attempt, Schedule, Task
from django_task_queue.monitoring import rollup
from django_task_queue.schedules import control
from django_task_queue.services import enqueue
from tests.api.conftest import set_task_queue, start_worker
from tests.support.private_redis import private_redis
from tests.support.rows import add_attempt, create_task

_PLACEHOLDER = re.compile(r"<(?:(?P<converter>\w+):)?(?P<name>\w+)>")

# Regex routes have no placeholders to fill: one example path each, checked to resolve to it.
REGEX_EXAMPLES = {
    "admin/(?P<app_label>auth|authtoken|django_task_queue)/$": "admin/django_task_queue/",
    "admin/(?P<url>.*)$": "admin/nowhere/",
    "api/.*$": "api/nowhere/",
    "^(?!api/|admin/|static/|metrics).*$": "",
}
# Query strings that take a read down other paths (search, filters, the longest window).
QUERIES = {
    "api/tasks/": ["?search=add&status=failed", "?ordering=-priority&page_size=2"],
    "api/stats/": ["?minutes=1440"],
    "admin/django_task_queue/task/": ["?q=add&status__exact=failed", "?queue_name=reports"],
}
# Pages whose answer must be a 200, so the test is known to have run their reads.
MUST_ANSWER = {
    "api/tasks/", "api/tasks/<uuid:pk>/", "api/stats/", "api/failures/", "api/workers/",
    "api/task-functions/", "api/health/", "api/auth/me/", "api/schema/", "metrics", "admin/",
    "admin/django_task_queue/task/", "admin/django_task_queue/task/<path:object_id>/change/",
    "admin/django_task_queue/attempt/", "api/schedules/", "api/schedules/<str:name>/",
    "admin/django_task_queue/schedule/",
}  # fmt: skip


@dataclass(frozen=True)
class Rows:
    """The objects whose ids fill the routes' placeholders."""

    task: Task
    attempt: Attempt
    user: User
    group: Group
    schedule: Schedule


def leaf_routes(resolver: URLResolver | None = None, prefix: str = "") -> list[str]:
    """Every view's route, joined as Django's ResolverMatch.route joins them."""
    routes = []
    for pattern in (resolver or get_resolver()).url_patterns:
        part = str(pattern.pattern)
        route = prefix + (part[1:] if prefix and part.startswith("^") else part)
        if isinstance(pattern, URLResolver):
            routes += leaf_routes(pattern, route)
        else:
            assert isinstance(pattern, URLPattern)
            routes.append(route)
    return routes


def example_path(route: str, rows: Rows) -> str:
    """A path that resolves to `route`, its placeholders filled with ids of existing rows."""
    if route in REGEX_EXAMPLES:
        return REGEX_EXAMPLES[route]
    model_ids = {
        "admin/auth/group/": rows.group.pk,
        "admin/auth/user/": rows.user.pk,
        "admin/authtoken/tokenproxy/": rows.user.pk,
        "admin/django_task_queue/task/": rows.task.pk,
        "admin/django_task_queue/attempt/": rows.attempt.pk,
        "admin/django_task_queue/schedule/": rows.schedule.pk,
        "admin/r/": rows.task.pk,  # view on site: the task of the content type below
    }
    values = {"pk": rows.task.pk, "id": rows.user.pk, "name": rows.schedule.pk}
    values["content_type_id"] = ContentType.objects.get_for_model(Task).pk
    for prefix, object_id in model_ids.items():
        if route.startswith(prefix):
            values["object_id"] = object_id

    def fill(match: re.Match[str]) -> str:
        name = match["name"]
        assert name in values, f"no example value for <{name}> of {route}: add one"
        return str(values[name])

    path = _PLACEHOLDER.sub(fill, route)
    assert not re.search(r"[($]", path), f"no example path for {route}: add one"
    return path


def postgres_row_writes() -> int:
    """Rows inserted, updated and deleted in the test database so far, every session counted."""
    with connection.cursor() as cursor:
        # This session's counts reach the shared statistics when its statement ends.
        cursor.execute("SELECT pg_stat_force_next_flush()")
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_stat_clear_snapshot()")
        cursor.execute(
            "SELECT COALESCE(sum(n_tup_ins + n_tup_upd + n_tup_del), 0)::bigint"
            " FROM pg_stat_user_tables"
        )
        row = cursor.fetchone()
    assert row is not None
    return int(row[0])


def redis_write_calls(client: redis.Redis, write_commands: set[str]) -> Counter[str]:
    """Calls so far of each command that may change data (scripts and publishing included)."""
    calls = {
        key.removeprefix("cmdstat_"): int(stat["calls"])
        for key, stat in client.info("commandstats").items()
    }
    return Counter({name: n for name, n in calls.items() if name.split("|")[0] in write_commands})


def write_commands(client: redis.Redis) -> set[str]:
    flags_that_write = {"write", "may_replicate"}
    return {
        name
        for name, description in client.command().items()
        if flags_that_write & set(description["flags"])
    }


@pytest.fixture
def own_redis(settings: Settings, tmp_path: Path) -> Iterator[str]:
    """The URL of a Redis server of this test's own, which the broker then uses."""
    with private_redis(tmp_path) as url:
        set_task_queue(settings, REDIS_URL=url)
        reset_broker()
        try:
            yield url
        finally:
            reset_broker()


def some_of_everything(broker: Broker) -> Rows:
    """Tasks in every status, a rollup behind the clock, a live worker and a dead one, a
    schedule that ran."""
    now = timezone.now()
    waiting = enqueue("add_numbers", [1, 2])
    enqueue("add_numbers", [3, 4], countdown=3600)
    enqueue("add_numbers", [5, 6], queue_name="reports")
    for minutes_ago, status, outcome in [(30, "success", "success"), (20, "failed", "error")]:
        done = now - timedelta(minutes=minutes_ago)
        task = create_task(status=status, attempt=1, created_at=done, completed_at=done)
        add_attempt(task, started_at=done, finished_at=done, outcome=outcome, error_type="Oops")
    create_task(status="retry", attempt=1, next_retry_at=now + timedelta(minutes=5))
    create_task(status="cancelled", completed_at=now)
    lease_expires_at = now + timedelta(seconds=60)
    running = create_task(status="processing", attempt=1, lease_expires_at=lease_expires_at)
    attempt = add_attempt(running, finished_at=None, outcome="running", duration_ms=None)
    # Folded up to 25 minutes ago: a fold now would have work to write.
    rollup.fold(now - timedelta(minutes=25))
    start_worker(broker, ["default"])
    start_worker(broker, ["reports"])
    dead = next(iter(broker.workers())).worker_id
    broker.client.delete(broker.keys.worker(dead))  # its record expired; the index still has it
    user = User.objects.create_superuser("admin", password="secret")
    Token.objects.create(user=user)
    control.run_now("example-heartbeat")  # the example project's schedule, with a run
    return Rows(
        task=waiting,
        attempt=attempt,
        user=user,
        group=Group.objects.create(name="ops"),
        schedule=Schedule.objects.get(name="example-heartbeat"),
    )


@pytest.mark.django_db(transaction=True)
def test_no_get_or_head_request_writes_to_postgresql_or_redis(own_redis: str) -> None:
    # given a database and a Redis with some of everything, and a staff user for the admin
    rows = some_of_everything(get_broker())
    client = APIClient()
    client.force_login(rows.user)
    counting = redis.Redis.from_url(own_redis)
    writes = write_commands(counting)
    paths = []
    for route in leaf_routes():
        path = example_path(route, rows)
        assert resolve(f"/{path}").route == route, (route, path)
        paths += [(route, f"/{path}")] + [(route, f"/{path}{q}") for q in QUERIES.get(route, [])]

    # when every route is requested with GET and with HEAD
    written: list[str] = []
    answers: dict[str, int] = {}
    before_postgres, before_redis = postgres_row_writes(), redis_write_calls(counting, writes)
    for route, path in paths:
        for method in (client.get, client.head):
            status = method(path).status_code
            answers.setdefault(route, status)
            after_postgres, after_redis = postgres_row_writes(), redis_write_calls(counting, writes)
            if after_postgres != before_postgres or after_redis != before_redis:
                moved = after_redis - before_redis
                written.append(
                    f"{method.__name__.upper()} {path}: {after_postgres - before_postgres} rows, "
                    f"Redis {dict(moved)}"
                )
            before_postgres, before_redis = after_postgres, after_redis

    # then none of them wrote, and the pages that read the most answered
    assert not written, "these requests wrote:\n" + "\n".join(written)
    assert {route: answers[route] for route in MUST_ANSWER} == dict.fromkeys(MUST_ANSWER, 200)
