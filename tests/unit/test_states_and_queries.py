import os
import re
from pathlib import Path

import psycopg
import pytest
from django.db import DatabaseError

from django_task_queue import store
from django_task_queue.broker import client
from django_task_queue.exceptions import StoreUnavailableError
from django_task_queue.states import TRANSITIONS, TaskStatus, can


def test_every_status_is_reachable_and_finished_ones_only_by_their_verbs() -> None:
    targets = {status for _, ends in TRANSITIONS.values() for status in ends}
    assert targets == set(TaskStatus)
    assert can("claim", "retry")
    assert not can("claim", "success")
    assert not can("cancel", "processing")
    assert can("retry", "failed")


def test_every_named_query_is_loaded() -> None:
    names = set(store.queries())
    assert {"insert_tasks", "complete_and_claim", "fail_task", "reap_expired"} <= names
    assert all(query.strip() for query in store.queries().values())


def test_every_lua_script_lists_the_keys_it_touches() -> None:
    scripts = list((Path(client.__file__).parent / "scripts").glob("*.lua"))
    assert len(scripts) >= 7
    for script in scripts:
        text = script.read_text()
        code = "\n".join(line for line in text.splitlines() if not line.startswith("--"))
        used = {int(n) for n in re.findall(r"KEYS\[(\d+)\]", code)}
        documented = {int(n) for n in re.findall(r"^-- KEYS\[(\d+)\]", text, re.MULTILINE)}
        assert used == documented, script.name


# The child only takes a lock and exits, so fork()'s warning about threads does not apply.
@pytest.mark.filterwarnings("ignore:This process .* is multi-threaded")
def test_a_forked_process_can_check_the_task_table_even_if_its_parent_was_checking() -> None:
    held = store._replanner._checking
    held.acquire()
    try:
        pid = os.fork()
        if pid == 0:  # the child: exit 0 only if the check's lock is free
            os._exit(0 if store._replanner._checking.acquire(blocking=False) else 1)
        _, status = os.waitpid(pid, 0)
    finally:
        held.release()

    assert os.waitstatus_to_exitcode(status) == 0


@pytest.mark.parametrize(
    ("error", "seen_as"),
    [
        (
            psycopg.errors.ProgramLimitExceeded("string too long to represent as jsonb string"),
            DatabaseError,
        ),
        (psycopg.errors.AdminShutdown("terminating connection"), StoreUnavailableError),
        (psycopg.OperationalError("the connection is lost"), StoreUnavailableError),
    ],
)
def test_a_statement_postgresql_refuses_is_an_error_and_only_a_lost_server_an_outage(
    error: Exception, seen_as: type[Exception]
) -> None:
    # An outage is retried with backoff; retrying a refused statement never ends.
    with pytest.raises(seen_as), store.translated():
        raise error
