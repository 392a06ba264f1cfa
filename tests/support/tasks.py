"""Task functions that only the tests register (workers started by tests import this module)."""

import asyncio
import contextlib
import math
import os
import re
import signal
import threading
import time
from pathlib import Path
from typing import Any

from django_task_queue.task_registry import task_registry


@task_registry.register("test_record")
def record(marker_dir: str, label: str) -> str:
    """Append `label` to a file named after this process: tests read the run order from it."""
    path = Path(marker_dir) / f"{os.getpid()}.log"
    with path.open("a") as handle:
        handle.write(f"{time.time():.6f} {label}\n")
    return label


@task_registry.register("test_sleep_then_record", max_retries=3, retry_delay=0)
def sleep_then_record(marker_dir: str, label: str, duration_s: float) -> str:
    """Record the start, sleep, record the end: tests see who started and who finished."""
    record(marker_dir, f"start:{label}")
    time.sleep(duration_s)
    record(marker_dir, f"end:{label}")
    return label


@task_registry.register("test_sleep", max_retries=0)
def sleep(duration_s: float) -> float:
    """Sleep, touching no file: tests observe it through its attempts in PostgreSQL, as they
    must when the workers run on other hosts."""
    time.sleep(duration_s)
    return duration_s


@task_registry.register("test_noop")
def noop() -> None:
    """Do nothing (bulk and throughput tests)."""


@task_registry.register("test_unserializable")
def unserializable() -> Any:
    """Return a value JSON cannot hold."""
    return {1, 2, 3}


@task_registry.register("test_ignores_timeout", timeout=0.5, max_retries=0)
def ignores_timeout(duration_s: float = 30) -> str:
    """Swallow the soft timeout the way careless code does, so the hard timeout must act."""
    deadline = time.monotonic() + duration_s
    while time.monotonic() < deadline:
        # Deliberately hostile task code: it swallows even the timeout's BaseException.
        with contextlib.suppress(BaseException):
            time.sleep(0.05)
    return "finished"


@task_registry.register("test_backoff", retry_backoff=True, retry_delay=0.2, max_retries=2)
def backoff_task() -> None:
    """Always fail, with exponential backoff between retries."""
    raise ValueError("always fails")


@task_registry.register("test_enqueue_urgent")
def enqueue_urgent(marker_dir: str) -> None:
    """Record, then enqueue a critical task: tests check it overtakes tasks claimed earlier."""
    from django_task_queue.services import enqueue

    record(marker_dir, "spawner")
    enqueue("test_record", [marker_dir, "critical"], priority="critical")


@task_registry.register("test_enqueue_urgent_elsewhere")
def enqueue_urgent_elsewhere(marker_dir: str) -> None:
    """Record, then have another thread enqueue a critical task: with its own Redis client, as
    another process would, so only the announcement tells this worker about it."""
    import threading

    from django.db import connection

    from django_task_queue.services import enqueue

    def elsewhere() -> None:
        try:
            enqueue("test_record", [marker_dir, "critical"], priority="critical")
        finally:
            connection.close()

    record(marker_dir, "spawner")
    thread = threading.Thread(target=elsewhere)
    thread.start()
    thread.join()


@task_registry.register("test_leaves_a_transaction_open", max_retries=0)
def leaves_a_transaction_open(how: str, task_id: str, fail: bool = False) -> str:
    """Write to its own row inside a transaction it never ends, the way buggy code does."""
    from django.db import connection, transaction

    if how == "autocommit_off":
        transaction.set_autocommit(False)
    elif how == "begin":
        with connection.cursor() as cursor:
            cursor.execute("BEGIN")
    else:  # an atomic block entered and never left
        transaction.atomic().__enter__()
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE django_task_queue_task SET queue_name = 'written' WHERE id = %s", [task_id]
        )
    if fail:
        raise ValueError("failed inside its transaction")
    return how


@task_registry.register("test_count_running")
def count_running() -> int:
    """How many tasks PostgreSQL says are running, this one included."""
    from django_task_queue.models import Task

    return Task.objects.filter(status="processing").count()


@task_registry.register("test_kill_own_process", max_retries=0)
def kill_own_process() -> None:
    """Die at once, as a crash in C code or the OOM killer would: no exception, no cleanup."""
    os._exit(1)


class _UnprintableError(Exception):
    def __str__(self) -> str:
        raise RuntimeError("no message")


@task_registry.register("test_misbehaves", max_retries=0)
def misbehaves(how: str) -> Any:
    """Raise or return what the executor's plain `except Exception` would once have let kill
    the worker."""
    if how == "sys_exit":  # as a script's code pasted into a task might
        raise SystemExit(3)
    if how == "cancelled":  # an async task whose own task was cancelled
        import asyncio

        async def cancelled() -> None:
            raise asyncio.CancelledError

        return asyncio.run(cancelled())
    if how == "unprintable":
        raise _UnprintableError
    if how == "unstorable":  # text PostgreSQL refuses: a NUL, a lone surrogate
        raise ValueError("bad\x00byte \udc80")
    nested: list[Any] = []  # "deep": a result too deep to encode
    for _ in range(100_000):
        nested = [nested]
    return nested


@task_registry.register("test_returns_text", max_retries=0)
def returns_text(length: int) -> str:
    """A result of `length` characters."""
    return "x" * length


@task_registry.register("test_ignores_sigterm")
def ignores_sigterm() -> None:
    """Set SIGTERM aside for good, as some libraries do when they run their own processes."""

    signal.signal(signal.SIGTERM, signal.SIG_IGN)


def _backtracking_length(seconds: float) -> int:
    """The length of input on which `(a+)+$` backtracks for about `seconds`, in one C call."""
    length, spent_s = 14, 0.0
    while spent_s < 0.05:
        length += 1
        started = time.perf_counter()
        re.match(r"(a+)+$", "a" * length + "b")
        spent_s = time.perf_counter() - started
    # Each more character doubles the time.
    return length + max(0, math.ceil(math.log2(seconds / spent_s)))


@task_registry.register("test_holds_the_gil", max_retries=0, timeout=300)
def holds_the_gil(marker_dir: str, label: str, seconds: float, deaf: bool = False) -> str:
    """Keep the GIL for about `seconds` in one regular expression match, as C code can;
    `deaf`: with the soft timeout's signal ignored, as in C code that never checks for
    signals (the regex engine does check, so it would be interrupted)."""
    if deaf:
        signal.signal(signal.SIGALRM, signal.SIG_IGN)
    length = _backtracking_length(seconds)
    record(marker_dir, f"start:{label}")
    re.match(r"(a+)+$", "a" * length + "b")
    record(marker_dir, f"end:{label}")
    return label


@task_registry.register("test_async_sleep_then_record", max_retries=0, timeout=5)
async def async_sleep_then_record(marker_dir: str, label: str, duration_s: float) -> str:
    """An `async def` task: record the start, await, record the end."""
    record(marker_dir, f"start:{label}")
    await asyncio.sleep(duration_s)
    record(marker_dir, f"end:{label}")
    return label


@task_registry.register("test_thread_and_connection", max_retries=0)
def thread_and_connection(marker_dir: str, label: str, hold_s: float) -> dict[str, int]:
    """The thread and the PostgreSQL backend this task ran on, while holding its slot."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        (backend_pid,) = cursor.fetchone()
    record(marker_dir, f"start:{label}")
    time.sleep(hold_s)
    return {"thread": threading.get_ident(), "backend_pid": backend_pid}


@task_registry.register("test_python_loop", max_retries=0)
def python_loop(duration_s: float) -> str:
    """Run Python code (no blocking call) for `duration_s`: a soft timeout stops it at once."""
    deadline = time.monotonic() + duration_s
    spins = 0
    while time.monotonic() < deadline:
        spins += 1
    return "finished"


@task_registry.register("test_echo", max_retries=0)
def echo(value: Any) -> Any:
    """Return what it was given (a workflow step's input, as received)."""
    return value


@task_registry.register("test_fails_once", max_retries=1, retry_delay=0)
def fails_once(marker_dir: str, label: str) -> str:
    """Fail on the first attempt (leaving a marker), succeed on the next."""
    marker = Path(marker_dir) / f"failed-once-{label}"
    if not marker.exists():
        marker.parent.mkdir(parents=True, exist_ok=True)
        marker.touch()
        raise RuntimeError("the first attempt fails")
    return label


@task_registry.register("test_unique_by_arguments", unique=True)
def unique_by_arguments(invoice_id: int, *, amount: float = 0) -> int:
    """A task function whose arguments are its unique key."""
    return invoice_id


@task_registry.register(
    "test_unique_by_customer", unique_key=lambda customer_id, **_: f"customer-{customer_id}"
)
def unique_by_customer(customer_id: int, note: str = "") -> str:
    """A task function whose unique key is a function of one argument."""
    return note


@task_registry.register("test_limited_sleep", concurrency_limit=1, max_retries=0)
def limited_sleep(marker_dir: str, label: str, duration_s: float) -> str:
    """A task function of which one task runs at a time across every worker."""
    return sleep_then_record(marker_dir, label, duration_s)


@task_registry.register(
    "test_limited_per_tenant", concurrency_limit=2, limit_key=lambda tenant, *_: tenant
)
def limited_per_tenant(tenant: str, label: str = "") -> str:
    """A task function with a concurrency limit of 2 per tenant."""
    return label


@task_registry.register("test_rate_limited", rate_limit="5/s", max_retries=0)
def rate_limited(marker_dir: str, label: str) -> str:
    """A task function started at most 5 times a second across every worker."""
    return record(marker_dir, label)


@task_registry.register("test_fair_per_tenant", limit_key=lambda tenant, *_: tenant)
def fair_per_tenant(tenant: str, marker_dir: str = "", label: str = "") -> str:
    """A task function whose tenants share the workers fairly (round-robin), with no limit."""
    if marker_dir:
        record(marker_dir, label)
    return tenant
