"""PostgreSQL access: every named statement of sql/*.sql, run by name with `read` or `write`.

The hot path's statements (sql/queries.sql) are prepared once per connection on a psycopg cursor
of Django's connection; the others (monitoring, operations) run on Django's own cursor.
"""

from __future__ import annotations

import os
import re
import threading
import time
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import psycopg
from django.db import DatabaseError, InterfaceError, OperationalError, connection, transaction

from django_task_queue.conf import get_settings
from django_task_queue.exceptions import StoreUnavailableError

_SQL_DIR = Path(__file__).parent / "sql"
_QUERIES_FILE = _SQL_DIR / "queries.sql"
_HEADER = re.compile(r"^-- name: (\w+) --$", re.MULTILINE)
_COMMENT = re.compile(r"--[^\n]*")
_WRITING = re.compile(r"\b(INSERT|UPDATE|DELETE|TRUNCATE|MERGE)\b", re.IGNORECASE)


@cache
def load_queries(path: Path) -> dict[str, str]:
    """Every query of a .sql file, by the name in its `-- name: x --` header."""
    # split() with a capturing group alternates: the preamble, then each name and its body.
    parts = _HEADER.split(path.read_text())
    return {
        name: body.strip().rstrip(";") for name, body in zip(parts[1::2], parts[2::2], strict=True)
    }


def queries() -> dict[str, str]:
    """The hot path's named queries (sql/queries.sql)."""
    return load_queries(_QUERIES_FILE)


@dataclass(frozen=True)
class Statement:
    path: Path
    sql: str
    writes: bool  # it inserts, updates, deletes (or locks rows FOR UPDATE)
    prepared: bool  # a hot-path statement (queries.sql), prepared once per connection


@cache
def statements() -> dict[str, Statement]:
    """Every named statement of sql/*.sql; the names are one namespace across the files."""
    found: dict[str, Statement] = {}
    for path in sorted(_SQL_DIR.glob("*.sql")):
        for name, sql in load_queries(path).items():
            if name in found:
                raise ValueError(f"{name} is named in {found[name].path.name} and {path.name}")
            writes = bool(_WRITING.search(_COMMENT.sub("", sql)))
            found[name] = Statement(path, sql, writes, prepared=path == _QUERIES_FILE)
    return found


def read(name: str, params: Mapping[str, Any] | None = None) -> list[tuple[Any, ...]]:
    """The rows of a named statement that only reads; ValueError for one that writes."""
    if statements()[name].writes:
        raise ValueError(f"the statement {name} writes: run it with write()")
    return _run(name, params or {})


def write(name: str, params: Mapping[str, Any] | None = None) -> list[tuple[Any, ...]]:
    """Run a named statement that writes; the rows it returns (RETURNING), if any."""
    return _run(name, params or {})


def _run(name: str, params: Mapping[str, Any]) -> list[tuple[Any, ...]]:
    statement = statements()[name]
    if statement.prepared:
        return _run_prepared(name, params)
    with translated(), connection.cursor() as cursor:
        cursor.execute(statement.sql, params)
        return list(cursor.fetchall()) if cursor.description else []


@contextmanager
def translated() -> Iterator[None]:
    """PostgreSQL's errors as ours: an outage becomes StoreUnavailableError (retried by loops)."""
    try:
        yield
    except (OperationalError, InterfaceError, psycopg.OperationalError) as exc:
        if _refused(exc):
            raise DatabaseError(str(exc)) from exc
        raise StoreUnavailableError(f"PostgreSQL is unreachable: {exc}") from exc
    except psycopg.Error as exc:
        # Django's cursor wrapper would have raised its own type; keep callers' contract.
        raise DatabaseError(str(exc)) from exc


@contextmanager
def atomic() -> Iterator[None]:
    """A transaction on Django's connection whose errors are ours, as `read`'s and `write`'s are.

    Django's `transaction.atomic()` connects (and begins) outside `translated()`: an outage would
    escape as Django's OperationalError, which no loop retries. A connection lost outside a
    transaction is replaced first, as for a statement of the hot path.
    """
    with translated():
        if not connection.in_atomic_block:
            _close_if_lost()
        with transaction.atomic():
            yield


def _refused(exc: BaseException) -> bool:
    """A statement PostgreSQL refused for what it holds (SQLSTATE class 54, a limit exceeded,
    such as a JSON value too long): raised as an OperationalError like an outage, but no retry
    will change it."""
    error = exc if isinstance(exc, psycopg.Error) else exc.__cause__
    sqlstate = getattr(error, "sqlstate", None) or ""
    return sqlstate.startswith("54")


class _Replanner:
    """Gives the hot path's statements new texts once the task table has at least doubled since
    they were planned, so each connection prepares and plans them again for the table as it is
    (why: docs/architecture.md, "Plans can also go stale")."""

    # One round trip (the table's size) every few seconds, at most, per process.
    CHECK_INTERVAL_S = 5.0
    # Below this, a scan costs about what a lookup by key does (PostgreSQL chose the key from
    # ~40 pages for a batch of ids, measured); growing past it is what a stale plan gets wrong.
    MIN_GROWTH_BYTES = 512 * 1024

    def __init__(self) -> None:
        self.generation = 0
        self.planned_bytes: int | None = None
        self._next_check = 0.0
        self._checking = threading.Lock()

    def text(self, raw: psycopg.Connection[Any], name: str) -> str:
        """The named query's text for this generation of plans (checked when due)."""
        if time.monotonic() >= self._next_check and self._checking.acquire(blocking=False):
            try:
                self._next_check = time.monotonic() + self.CHECK_INTERVAL_S
                self.check(raw)
            finally:
                self._checking.release()
        return _generation_text(name, self.generation)

    def check(self, raw: psycopg.Connection[Any]) -> None:
        """Start a new generation when the table has doubled since the current one started."""
        with psycopg.Cursor(raw) as cursor:
            cursor.execute(queries()["task_table_bytes"])
            row = cursor.fetchone()
        assert row is not None
        size_bytes = int(row[0])
        planned = self.planned_bytes
        if planned is None:
            self.planned_bytes = size_bytes  # this generation's statements are not planned yet
        elif size_bytes >= max(2 * planned, planned + self.MIN_GROWTH_BYTES):
            self.planned_bytes = size_bytes
            self.generation += 1


@cache
def _generation_text(name: str, generation: int) -> str:
    sql = queries()[name]
    return f"{sql}\n-- plans of generation {generation}" if generation else sql


_replanner = _Replanner()
# A process forked while another of its threads was checking would inherit the lock held,
# and never check again: the child starts with a free one.
os.register_at_fork(after_in_child=lambda: setattr(_replanner, "_checking", threading.Lock()))


def _raw_connection() -> psycopg.Connection[Any]:
    """Django's psycopg connection for this thread, connected again if it was lost outside a
    transaction (the hot path bypasses Django's cursor wrapper, so Django never learns of it:
    docs/architecture.md, "Connections PostgreSQL closes")."""
    connection.ensure_connection()
    if not connection.in_atomic_block and _close_if_lost():
        connection.ensure_connection()
    raw: psycopg.Connection[Any] = connection.connection
    return raw


def _close_if_lost() -> bool:
    """Close Django's connection if psycopg says it is closed (an attribute, no round trip)."""
    raw = connection.connection
    if raw is None or not raw.closed:
        return False
    connection.close()
    return True


def replan_if_grown() -> None:
    """Check the task table's size now (tests; the hot path checks every few seconds)."""
    _replanner.check(_raw_connection())


def _run_prepared(name: str, params: Mapping[str, Any]) -> list[tuple[Any, ...]]:
    """Run a hot-path statement (sql/queries.sql) and return every row.

    Bound on the server through a psycopg cursor on Django's connection (same transaction), so
    arrays need no quoting, and prepared once per connection: planning it again cost about as
    much as running it.
    """
    with translated():
        raw = _raw_connection()
        with psycopg.Cursor(raw) as cursor:
            _execute(raw, cursor, _statement(raw, name), params)
            return list(cursor.fetchall()) if cursor.description else []


def write_pipelined[K](
    name: str, batches: Iterable[tuple[K, Mapping[str, Any]]]
) -> Iterator[tuple[K, list[tuple[Any, ...]]]]:
    """Run the named query once per batch, yielding each batch's key with its rows.

    The next batch's parameters are built (pulled from `batches`) while PostgreSQL still runs
    the previous statement: psycopg's pipeline mode sends a statement without waiting for it,
    so a producer's Python work and the server's inserts overlap instead of taking turns.
    Run it inside a transaction: a failure in any batch must undo them all.
    """
    with translated():
        raw = _raw_connection()
        statement = _statement(raw, name)  # before the pipeline: a check would interrupt it
        with raw.pipeline():
            pending: tuple[K, psycopg.Cursor[Any]] | None = None
            for key, params in batches:  # builds the next batch while the server works
                if pending is not None:
                    yield pending[0], pending[1].fetchall()
                cursor = psycopg.Cursor(raw)
                _execute(raw, cursor, statement, params)
                pending = (key, cursor)
            if pending is not None:
                yield pending[0], pending[1].fetchall()


def _statement(raw: psycopg.Connection[Any], name: str) -> tuple[str, bool]:
    """The named query's text, and whether this call prepares it."""
    if raw.prepare_threshold is not None:  # the project chose its own policy: psycopg's
        return _replanner.text(raw, name), False
    if not get_settings().PREPARE_STATEMENTS:  # every plan made afresh, for the table as it is
        return queries()[name], False
    return _replanner.text(raw, name), True


def _execute(
    raw: psycopg.Connection[Any],
    cursor: psycopg.Cursor[Any],
    statement: tuple[str, bool],
    params: Mapping[str, Any],
) -> None:
    sql, prepare = statement
    if not prepare:
        cursor.execute(sql, params)
        return
    # Django turns psycopg's preparation off on its connections (None); it is turned on for
    # this one call only, so Django's own cursors keep the project's choice.
    raw.prepare_threshold = 0
    try:
        cursor.execute(sql, params, prepare=True)
    finally:
        raw.prepare_threshold = None


def ensure_usable_connection() -> None:
    """Drop a connection that broke (PostgreSQL restarted) so the next query reconnects."""
    if _close_if_lost():  # broken under the hot path, which Django did not see
        return
    try:
        connection.close_if_unusable_or_obsolete()
    except DatabaseError:
        connection.close()
