"""Everything through a real PgBouncer in transaction pooling mode, with fewer server
connections than clients: producers (Python and HTTP), supervisors and their workers, the
scheduler, the reconciler rebuilding a flushed Redis, and the read side."""

from __future__ import annotations

import json
import subprocess
import sys
from collections import Counter
from collections.abc import Callable, Iterator

import pytest
from django.db import connection

from django_task_queue.broker.client import Broker
from django_task_queue.models import Task
from tests.conftest import TEST_PREFIX
from tests.support.pgbouncer import PgBouncer, running_pgbouncer
from tests.support.processes import ROOT, WorkerProcess, process_env, wait_for

pytestmark = pytest.mark.e2e

StartWorker = Callable[..., WorkerProcess]
POOLING = {"DATABASE_TRANSACTION_POOLING": "1"}

# Run by a `manage.py shell` connected through PgBouncer: single enqueues (the same statement
# again and again, which a client would prepare), a bulk enqueue, one inside a transaction, and
# the API's writes and reads; every task due in COUNTDOWN_S.
PRODUCER = """
import json, os
from django.db import transaction
from django.test import Client
from django_task_queue.services import TaskSpec, enqueue, enqueue_many
later = {"countdown": float(os.environ["COUNTDOWN_S"])}
for i in range(30):
    enqueue("add_numbers", [i, 1], **later)
enqueue_many(TaskSpec("add_numbers", [i, 2], **later) for i in range(200))
with transaction.atomic():
    enqueue("add_numbers", [0, 3], **later)
client = Client(HTTP_HOST="127.0.0.1")
codes = [client.post("/api/tasks/", {"task_name": "add_numbers", "args": [i, 4], **later},
                     content_type="application/json").status_code for i in range(10)]
for path in ("/api/tasks/", "/api/stats/", "/api/schedules/", "/api/workers/", "/api/failures/"):
    codes.append(client.get(path).status_code)
print(json.dumps(codes))
"""
PRODUCED = 30 + 200 + 1 + 10


def produce(env: dict[str, str], countdown_s: float) -> None:
    produced = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", PRODUCER],
        cwd=ROOT,
        env={**env, "COUNTDOWN_S": str(countdown_s)},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert produced.returncode == 0, produced.stderr
    assert json.loads(produced.stdout.strip().splitlines()[-1]) == [201] * 10 + [200] * 5


def flush(stores: Broker) -> None:
    stores.client.delete(*stores.client.scan_iter(match=f"{TEST_PREFIX}:*"))


def done() -> int:
    return Task.objects.exclude(schedule_name="beat").filter(status="success").count()


@pytest.fixture
def pgbouncer() -> Iterator[PgBouncer]:
    settings = connection.settings_dict
    with running_pgbouncer(
        settings.get("HOST") or "127.0.0.1", int(settings.get("PORT") or 5432)
    ) as server:
        yield server


def test_producers_workers_scheduler_and_reconciler_work_through_pgbouncer_in_transaction_mode(
    start_worker: StartWorker, stores: Broker, pgbouncer: PgBouncer
) -> None:
    through = pgbouncer.url(connection.settings_dict["NAME"])
    overrides = {
        "API_OPEN": True,
        "SCHEDULER": True,
        "SCHEDULES": {"beat": {"task": "add_numbers", "args": [5, 5], "every": 1}},
    }
    env = process_env(overrides, database=through, extra=POOLING)
    produce(env, 0)
    # Redis loses everything: the reconciler, in its turn, rebuilds the index from PostgreSQL.
    flush(stores)
    workers = [
        start_worker("--workers=2", overrides=overrides, database=through, extra_env=POOLING)
        for _ in range(2)
    ]
    wait_for(lambda: done() == PRODUCED, timeout_s=60, what="every produced task to succeed")

    # And again, with the tasks due in 3 s (in the delayed sets the flush empties): the
    # reconciler's turn was ended, whichever server connection each of its statements got.
    produce(env, 3)
    flush(stores)
    wait_for(lambda: done() == 2 * PRODUCED, timeout_s=60, what="the second batch to succeed")

    wait_for(lambda: Task.objects.filter(schedule_name="beat").count() >= 3, what="three ticks")
    ticks = Counter(
        Task.objects.filter(schedule_name="beat").values_list("scheduled_for", flat=True)
    )
    assert max(ticks.values()) == 1
    logs = "\n".join(worker.log() for worker in workers)
    for trouble in ("prepared statement", "Traceback", "advisory", "cannot reach"):
        assert trouble not in logs, trouble
    assert logs.count("rebuilding it from PostgreSQL") >= 2
    # No lock outlived its transaction on the pooled server connections.
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_locks l JOIN pg_database d ON d.oid = l.database"
            " WHERE l.locktype = 'advisory' AND d.datname = current_database()"
        )
        assert cursor.fetchone() == (0,)
