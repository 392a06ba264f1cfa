"""Workers on several hosts: three worker hosts in Linux network namespaces, each its own PID
space and hostname, reaching PostgreSQL and Redis only over the network (a PgBouncer relay and a
Redis server on the bridge's address). When every process of one host is killed, its tasks run
again on the other hosts within the lease, and every task succeeds exactly once."""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import pytest
from django.db import connection
from django.utils import timezone
from pytest_django.fixtures import Settings

from django_task_queue.broker.client import Broker, get_broker, reset_broker
from django_task_queue.models import Attempt, Task
from django_task_queue.services import enqueue
from tests.api.conftest import set_task_queue
from tests.conftest import IN_CI, skip_on_cluster
from tests.support.netns import Host, NamespacesRefusedError, Network, host_network
from tests.support.pgbouncer import running_pgbouncer
from tests.support.private_redis import private_redis
from tests.support.processes import FAST_RECOVERY, ROOT, process_env, wait_for

pytestmark = pytest.mark.e2e

HOSTS = 3
CONCURRENCY = 2
LEASE_S = FAST_RECOVERY["LEASE_S"]
# No longer than a lease: a task whose attempt was lost runs alone, once every other task of the
# worker that claims it is done, so the survivors' own tasks must end before the lease does.
# Still running at the kill, which comes a fraction of a second after every host started one.
TASK_S = LEASE_S
# A lease renewed just before the kill runs out LEASE_S later; then a reaper's turn gives the
# task back, and another host claims and starts it, on a busy 2-core machine.
GIVEN_BACK_WITHIN_S = LEASE_S + 1.0
RERUN_WITHIN_S = LEASE_S + 1.5


@dataclass(frozen=True)
class Services:
    """The machine's servers as the hosts reach them: at the bridge's address."""

    database_url: str
    redis_url: str
    relay_port: int  # PgBouncer's, at the bridge's address
    postgres_port: int  # the machine's PostgreSQL's, on its loopback


@pytest.fixture
def network() -> Iterator[Network]:
    skip_on_cluster(
        "its hosts reach one Redis server of its own on the namespaces' bridge; the test "
        "cluster's nodes listen on loopback, which the namespaces cannot reach"
    )
    with contextlib.ExitStack() as stack:
        try:
            started = stack.enter_context(host_network(HOSTS))
        except NamespacesRefusedError as refusal:
            # The only skip: a machine that allows namespaces always runs this test.
            pytest.skip(
                ("NOT RUN under CI=true: " if IN_CI else "")
                + f"this machine refuses Linux namespaces ({refusal}): run the tests as root, with"
                " CAP_SYS_ADMIN and CAP_NET_ADMIN in a container"
            )
        yield started


@pytest.fixture
def services(network: Network, tmp_path: Path, settings: Settings) -> Iterator[Services]:
    conf = connection.settings_dict
    postgres_host, postgres_port = conf.get("HOST") or "127.0.0.1", int(conf.get("PORT") or 5432)
    with (
        running_pgbouncer(
            postgres_host, postgres_port, listen_host=network.gateway, pool_mode="session"
        ) as pgbouncer,
        private_redis(tmp_path, host=network.gateway) as redis_url,
    ):
        # The test enqueues into the Redis the hosts read.
        set_task_queue(settings, REDIS_URL=redis_url)
        reset_broker()
        yield Services(pgbouncer.url(conf["NAME"]), redis_url, pgbouncer.port, postgres_port)
        reset_broker()


@pytest.fixture
def hosts(
    stores: Broker, network: Network, services: Services, tmp_path: Path
) -> Iterator[Network]:
    """A supervisor on every host (one worker, CONCURRENCY slots), killed before the servers
    stop."""
    env = process_env(
        {"REDIS_URL": services.redis_url},
        database=services.database_url,
        extra={"REDIS_URL": services.redis_url},
    )
    argv = [sys.executable, "manage.py", "run_worker", "--log-level=DEBUG", "--workers=1",
            f"--concurrency={CONCURRENCY}"]  # fmt: skip
    with contextlib.ExitStack() as logs:
        for host in network.hosts:
            log = logs.enter_context((tmp_path / f"{host.name}.log").open("w"))
            host.start(argv, env=env, cwd=ROOT, log=log)
        try:
            yield network
        finally:
            for host in network.hosts:
                host.kill()


def test_the_tasks_of_a_host_whose_processes_all_die_run_again_on_the_other_hosts_within_the_lease(
    hosts: Network, services: Services
) -> None:
    # Given three hosts that reach the machine only at the bridge's address...
    for host in hosts.hosts:
        assert host.reaches(hosts.gateway, services.relay_port)
        assert not host.reaches("127.0.0.1", services.postgres_port), "loopback is the host's own"
    # ...and whose supervisors all run as PID 1: only the hostname tells their workers apart.
    expected_ids = {f"{host.name}:1-1" for host in hosts.hosts}
    wait_for(
        lambda: {record.worker_id for record in get_broker().workers()} == expected_ids,
        timeout_s=60,
        what=f"workers {sorted(expected_ids)} to register",
    )
    # Tasks enqueued one at a time until each host has started one: idle workers take turns at
    # the wake-up list, so three usually do, and a fourth that leaves a host idle means they do
    # not.
    tasks: list[Task] = []
    while len(_hosts_that_started(tasks)) < HOSTS:
        assert len(tasks) < HOSTS + 1, f"a host takes no task: {_hosts_that_started(tasks)}"
        tasks.append(enqueue("test_sleep", [TASK_S]))
        wait_for(
            lambda: Attempt.objects.filter(task_id=tasks[-1].pk).exists(),
            what="the task to start",
        )
    # The host that started a task last: its tasks have the longest still to run.
    running = Attempt.objects.filter(task_id__in=[task.pk for task in tasks], outcome="running")
    victim = _host(hosts, running.latest("started_at").worker_id.split(":")[0])
    lost = {a.task_id for a in running if a.worker_id.startswith(f"{victim.name}:")}

    # When every process of that host dies at once.
    killed_at = timezone.now()
    victim.kill()

    # Then its tasks run again on the other hosts within the lease, and every task succeeds once.
    wait_for(
        lambda: (
            Task.objects.filter(pk__in=[task.pk for task in tasks], status="success").count()
            == len(tasks)
        ),
        timeout_s=60,
        what="every task to succeed",
    )
    assert not victim.pids()
    for task in Task.objects.filter(pk__in=[task.pk for task in tasks]):
        attempts = list(task.attempts.order_by("number"))
        if task.pk not in lost:
            assert [a.outcome for a in attempts] == ["success"]
            continue
        assert [a.outcome for a in attempts] == ["lost", "success"]
        given_back, rerun = attempts
        assert given_back.finished_at is not None
        assert given_back.finished_at - killed_at < timedelta(seconds=GIVEN_BACK_WITHIN_S)
        assert not rerun.worker_id.startswith(f"{victim.name}:")
        assert rerun.worker_id == task.worker_id
        assert rerun.started_at - killed_at < timedelta(seconds=RERUN_WITHIN_S)


def _hosts_that_started(tasks: list[Task]) -> set[str]:
    """The hostnames of the workers that started any of `tasks` (worker ids are host:pid-n)."""
    attempts = Attempt.objects.filter(task_id__in=[task.pk for task in tasks])
    return {worker_id.split(":")[0] for worker_id in attempts.values_list("worker_id", flat=True)}


def _host(network: Network, name: str) -> Host:
    (host,) = [host for host in network.hosts if host.name == name]
    return host
