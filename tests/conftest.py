"""Shared fixtures: isolated Redis keys and PostgreSQL database, and service availability.

Tests use the test database pytest-django creates (`test_<name>`) and Redis keys under a prefix
unique to the run, in Redis database 15 unless TEST_REDIS_URL says otherwise; they delete only
keys under that prefix. With TEST_REDIS_CLUSTER=1 the run starts a Redis Cluster of three
masters of its own (TEST_REDIS_SERVER's binary, Debian's by default) and runs on it.
"""

from __future__ import annotations

import atexit
import os
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
import redis
from django.conf import settings

import tests.support.tasks  # noqa: F401  (registers the test task functions)
from django_task_queue.broker.client import Broker, get_broker, reset_broker

if TYPE_CHECKING:
    from tests.support.processes import WorkerProcess
    from tests.support.redis_cluster import RedisCluster

IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}
TEST_REDIS_CLUSTER = os.environ.get("TEST_REDIS_CLUSTER", "") == "1"
# The run's own cluster, when TEST_REDIS_CLUSTER=1 (tests that flush one node reach it here).
SESSION_CLUSTER: RedisCluster | None = None


def _session_redis_url() -> str:
    if not TEST_REDIS_CLUSTER:
        return os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
    global SESSION_CLUSTER  # noqa: PLW0603  (set once, on import)
    from tests.support.redis_cluster import REDIS_SERVER, RedisCluster

    # Started on import, once per run: worker subprocesses are told its URL like any other.
    cluster = RedisCluster(os.environ.get("TEST_REDIS_SERVER") or REDIS_SERVER)
    atexit.register(cluster.stop)
    cluster.start()
    SESSION_CLUSTER = cluster
    return cluster.url


TEST_REDIS_URL = _session_redis_url()
TEST_PREFIX = f"dtqtest-{uuid.uuid4().hex[:8]}"


def _redis_reachable() -> bool:
    try:
        return bool(redis.Redis.from_url(TEST_REDIS_URL, socket_connect_timeout=1).ping())
    except redis.RedisError:
        return False


def pytest_configure(config: pytest.Config) -> None:
    current: dict[str, Any] = settings.TASK_QUEUE
    settings.TASK_QUEUE = {
        **current,
        "REDIS_URL": TEST_REDIS_URL,
        "REDIS_CLUSTER": TEST_REDIS_CLUSTER,
        "KEY_PREFIX": TEST_PREFIX,
        "TASK_MODULES": [*current["TASK_MODULES"], "tests.support.tasks"],
    }


def _postgres_reachable() -> bool:
    import psycopg

    conf = settings.DATABASES["default"]
    try:
        with psycopg.connect(
            host=conf.get("HOST") or "127.0.0.1",
            port=int(conf.get("PORT") or 5432),
            user=conf.get("USER") or None,
            dbname="postgres",
            connect_timeout=2,
        ):
            return True
    except psycopg.Error:
        return False


_SERVICE_FIXTURES = {"db", "transactional_db", "stores", "broker", "start_worker"}


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Tests that need a missing service skip locally; under CI=true the run fails instead."""
    missing = [
        name
        for name, reachable in (("PostgreSQL", _postgres_reachable), ("Redis", _redis_reachable))
        if not reachable()
    ]
    if not missing:
        return
    if IN_CI:
        raise pytest.UsageError(f"{' and '.join(missing)} unreachable; CI=true requires them")
    skip = pytest.mark.skip(reason=f"{' and '.join(missing)} not reachable")
    for item in items:
        if _SERVICE_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(skip)


def session_cluster() -> RedisCluster:
    """The run's Redis Cluster; a test of the cluster alone skips without one."""
    if SESSION_CLUSTER is None:
        pytest.skip("runs on a Redis Cluster only: make test-redis-cluster (TEST_REDIS_CLUSTER=1)")
    return SESSION_CLUSTER


def skip_on_cluster(why: str) -> None:
    """For a test that cannot apply to a Redis Cluster, saying why."""
    if TEST_REDIS_CLUSTER:
        pytest.skip(f"not on a Redis Cluster: {why}")


def require_redis() -> None:
    if not _redis_reachable():
        if IN_CI:
            pytest.fail(f"Redis is not reachable at {TEST_REDIS_URL} (required under CI=true)")
        pytest.skip(f"Redis is not reachable at {TEST_REDIS_URL}")


def _delete_prefix(client: redis.Redis, prefix: str) -> None:
    # On a cluster, SCAN goes to every master and DELETE is split by slot (redis-py).
    keys = list(client.scan_iter(match=f"{prefix}:*", count=1000))
    if keys:
        client.delete(*keys)


@pytest.fixture
def broker() -> Iterator[Broker]:
    """The broker under this run's key prefix, empty at the start and cleaned after the test."""
    require_redis()
    reset_broker()
    instance = get_broker()
    _delete_prefix(instance.client, TEST_PREFIX)
    yield instance
    _delete_prefix(instance.client, TEST_PREFIX)
    reset_broker()


@pytest.fixture
def stores(broker: Broker, transactional_db: None) -> Broker:
    """Real PostgreSQL (committed transactions, so on-commit pushes run) and Redis."""
    return broker


@pytest.fixture
def start_worker(stores: Broker, tmp_path: Path) -> Iterator[Callable[..., WorkerProcess]]:
    """Start real `run_worker` processes; every one is killed at the end of the test."""
    from tests.support.processes import WorkerProcess

    started: list[WorkerProcess] = []

    def start(
        *args: str,
        overrides: dict[str, Any] | None = None,
        database: str | None = None,
        extra_env: dict[str, str] | None = None,
    ) -> WorkerProcess:
        process = WorkerProcess(
            tmp_path,
            *args,
            overrides=overrides,
            name=f"w{len(started)}",
            database=database,
            extra_env=extra_env,
        )
        started.append(process)
        return process

    yield start
    for process in started:
        process.stop()


@pytest.fixture
def marker_dir(tmp_path: Path) -> Path:
    """A folder where test task functions record what ran, one file per process."""
    path = tmp_path / "markers"
    path.mkdir()
    return path
