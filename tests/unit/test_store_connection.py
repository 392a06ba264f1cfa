"""The store around its PostgreSQL connection: which errors are outages, and forked processes."""

import os

import psycopg
import pytest
from django.db import DatabaseError

from django_task_queue import store
from django_task_queue.exceptions import StoreUnavailableError


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
