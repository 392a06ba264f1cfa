"""Redis goes away under running workers and producers: nothing crashes, nothing is lost."""

from __future__ import annotations

import shutil
import socket
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import redis
from pytest_django.fixtures import Settings

from django_task_queue.broker.client import Broker, reset_broker
from django_task_queue.models import Task
from django_task_queue.services import enqueue
from tests.conftest import IN_CI, skip_on_cluster
from tests.support.processes import WorkerProcess, wait_for
from tests.support.servers import redis_server_argv

pytestmark = pytest.mark.e2e

StartWorker = Callable[..., WorkerProcess]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class SpareRedis:
    """A throwaway redis-server on a free port, with no persistence, owned by one test."""

    def __init__(self, workdir: Path) -> None:
        self.port = _free_port()
        self.workdir = workdir
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        binary = shutil.which("redis-server")
        assert binary is not None
        self.process = subprocess.Popen(
            redis_server_argv(binary, self.port, self.workdir), stdout=subprocess.DEVNULL
        )
        client = redis.Redis.from_url(self.url)
        wait_for(lambda: _pings(client), what="the spare Redis to start")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=10)


def _pings(client: redis.Redis) -> bool:
    try:
        return bool(client.ping())
    except redis.RedisError:
        return False


@pytest.fixture
def spare_redis(tmp_path: Path, stores: Broker, settings: Settings) -> Iterator[SpareRedis]:
    skip_on_cluster(
        "it stops and restarts a single Redis server of its own, which the other layers run; "
        "a cluster node going away is not tested"
    )
    if shutil.which("redis-server") is None:
        if IN_CI:
            pytest.fail("redis-server is needed for the outage tests under CI=true")
        pytest.skip("redis-server is not installed")
    server = SpareRedis(tmp_path)
    server.start()
    settings.TASK_QUEUE = {**settings.TASK_QUEUE, "REDIS_URL": server.url}
    reset_broker()
    yield server
    server.stop()
    reset_broker()


def _status(task: Task) -> str:
    return Task.objects.get(pk=task.pk).status


def test_workers_and_producers_survive_redis_going_away(
    start_worker: StartWorker, spare_redis: SpareRedis
) -> None:
    run = start_worker("--workers=1", overrides={"REDIS_URL": spare_redis.url})
    before = enqueue("add_numbers", [1, 1])
    wait_for(lambda: _status(before) == "success", what="the first task")

    spare_redis.stop()
    during = enqueue("add_numbers", [2, 2])  # the producer logs and carries on
    wait_for(lambda: "cannot reach a store" in run.log(), what="the outage to be noticed")
    assert run.process.poll() is None
    assert _status(during) == "pending"

    spare_redis.start()  # empty: a restart without persistence

    wait_for(lambda: _status(during) == "success", timeout_s=20, what="the task after recovery")
    log = run.log()
    assert "Traceback" not in log
    assert log.count("cannot reach a store, backing off") == 1
    assert "rebuilding it from PostgreSQL" in log
