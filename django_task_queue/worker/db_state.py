"""Transactions that task code leaves open on Django's connections, found and undone.

The worker records outcomes on the connection its task code uses (same thread, same alias). A
task that turns autocommit off and never back on, sends a raw BEGIN, or enters an atomic block
it does not leave, would leave a transaction open: every outcome recorded after it would stay
uncommitted, holding row locks the reaper skips, so those tasks would stay `processing` for as
long as the worker lived. Django closes such a connection at the end of a request
(`close_if_unusable_or_obsolete`); the worker does the same after each task.
"""

from __future__ import annotations

import contextlib
import functools
from typing import Any

import psycopg
from django.db import DatabaseError, connections

_IDLE = psycopg.pq.TransactionStatus.IDLE

# (inside an atomic block, Django's autocommit, psycopg's autocommit, the server's transaction
# status), or None while not connected
State = tuple[bool, bool, Any, Any] | None
# This thread's connection of each alias, with its state before the task ran
Snapshot = list[tuple[Any, State]]


def _state(conn: Any) -> State:
    raw = conn.connection
    if raw is None:
        return None
    if conn.vendor != "postgresql":
        return (conn.in_atomic_block, conn.autocommit, None, None)
    # psycopg's own view catches what Django does not track: autocommit set on the psycopg
    # connection, or a BEGIN sent through a cursor.
    return (conn.in_atomic_block, conn.autocommit, raw.autocommit, raw.pgconn.transaction_status)


def _clean(conn: Any) -> State:
    """The state a task may leave a connection it found unopened in: as Django sets it up."""
    autocommit = conn.settings_dict["AUTOCOMMIT"]
    if conn.vendor != "postgresql":
        return (False, autocommit, None, None)
    return (False, autocommit, autocommit, _IDLE)


@functools.cache
def _aliases() -> tuple[str, ...]:
    return tuple(connections)  # DATABASES, which Django reads once


def snapshot() -> Snapshot:
    """This thread's connections and their state, before a task runs (~1 us per alias)."""
    return [(conn, _state(conn)) for conn in map(connections.__getitem__, _aliases())]


def close_left_open(before: Snapshot) -> list[str]:
    """Close each connection the task left in another transaction state than it found it in
    (the server rolls its transaction back; Django reconnects on next use); their aliases.

    A connection the task found inside an atomic block (a test's) and left inside it is left
    to that block's exit.
    """
    left: list[str] = []
    for conn, found in before:
        state = _state(conn)
        if state is None or state == (found or _clean(conn)):
            continue
        if found is not None and found[0] and conn.in_atomic_block:
            continue
        left.append(conn.alias)
        # Not inside an atomic block any more, as far as Django knows, so close() drops the
        # connection instead of keeping it for the block's exit; connect() resets the rest.
        conn.in_atomic_block = False
        conn.closed_in_transaction = False
        with contextlib.suppress(DatabaseError, psycopg.Error):  # the server rolls back anyway
            conn.close()
    return left
