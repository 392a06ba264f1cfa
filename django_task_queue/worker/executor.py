"""Runs one attempt of a task function and turns whatever happens into an outcome value.

The pipeline: resolve the function, run it under the soft timeout, normalise the result to
JSON. Only this module catches exceptions raised by task code.
"""

from __future__ import annotations

import asyncio
import inspect
import logging
import signal
import traceback
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from typing import Any

from django_task_queue.exceptions import TaskValidationError, UnknownTaskError
from django_task_queue.outcomes import ClaimedTask, Failure, Outcome, Success
from django_task_queue.services.validation import json_roundtrip
from django_task_queue.states import AttemptOutcome
from django_task_queue.task_registry import task_registry
from django_task_queue.worker import db_state, django_bridge

logger = logging.getLogger(__name__)


class TaskTimeout(BaseException):
    """Raised inside task code when its timeout passes; a BaseException so `except Exception`
    in task code cannot swallow it by accident."""


class WorkerInterrupt(BaseException):
    """Raised inside task code when the worker is told to stop at once (a second signal)."""


# How a task's soft timeout is enforced around its call: given the timeout in seconds, a
# context in which TaskTimeout is raised once it passes.
SoftTimeout = Callable[[float], AbstractContextManager[None]]


def is_coroutine_task(task_name: str) -> bool:
    """Whether the task's function is an `async def` (False for an unknown name: running it
    fails the attempt, on whatever runs plain functions)."""
    try:
        function = task_registry.get_task(task_name)
    except UnknownTaskError:
        return False
    return inspect.iscoroutinefunction(function.func)


def _resolve(task: ClaimedTask) -> tuple[Callable[..., Any], list[Any]] | Failure:
    """The task's function and positional arguments (a Django task's context first), or the
    failure of a name no function is registered under."""
    try:
        function = task_registry.get_task(task.task_name)
    except UnknownTaskError as exc:
        return Failure(AttemptOutcome.ERROR, "UnknownTaskError", str(exc), "")
    args = task.args
    if function.takes_context:
        args = [django_bridge.context_for(task, function), *args]
    return function.func, args


def execute(task: ClaimedTask, soft_timeout: SoftTimeout | None = None) -> Outcome:
    """Run one attempt; WorkerInterrupt is the only exception that leaves this function.

    In the process's main thread the soft timeout is SIGALRM's (the default); a slot thread
    passes its own (thread_timeouts.py). A coroutine function runs to completion on a loop of
    its own here; a worker with several slots runs it with `execute_coroutine` instead.
    """
    call = _resolve(task)
    if isinstance(call, Failure):
        return call
    func, args = call
    before = db_state.snapshot()
    try:
        outcome = _run(task, func, args, soft_timeout or _soft_timeout)
    finally:
        # Before anything else uses the connection: the worker records this outcome on it.
        left_open = db_state.close_left_open(before)
    if left_open:
        logger.warning(
            "task %s left a transaction open on database connection(s) %s; it was rolled back",
            task.id,
            ", ".join(left_open),
        )
        if isinstance(outcome, Success):
            return Failure(
                AttemptOutcome.ERROR,
                "TransactionLeftOpenError",
                f"The task left a transaction open on database connection "
                f"{', '.join(repr(alias) for alias in left_open)} (autocommit turned off, a "
                "BEGIN, or an atomic block not exited); its uncommitted changes were rolled back.",
                "",
            )
    return outcome


def _run(
    task: ClaimedTask, func: Callable[..., Any], args: list[Any], soft_timeout: SoftTimeout
) -> Outcome:
    try:
        with soft_timeout(task.timeout_s):
            result = _call(func, args, task.kwargs)
    except TaskTimeout:
        return timed_out(task)
    except WorkerInterrupt:
        raise
    except BaseException as exc:  # noqa: BLE001  (whatever task code raises fails the attempt)
        # Even SystemExit, KeyboardInterrupt or asyncio's CancelledError: left to propagate,
        # they would kill the worker and the tasks claimed with this one. The worker's own
        # signals raise only WorkerInterrupt and TaskTimeout, handled above.
        return raised(exc)
    return stored(result)


async def execute_coroutine(task: ClaimedTask) -> Outcome:
    """Run one attempt of an `async def` task on the running event loop, cancelled at its
    timeout. Nothing leaves this coroutine: every end is an outcome."""
    call = _resolve(task)
    if isinstance(call, Failure):
        return call
    func, args = call
    deadline = asyncio.timeout(task.timeout_s)
    try:
        async with deadline:
            result = await func(*args, **task.kwargs)
    except TimeoutError as exc:
        # The task's own TimeoutError (an awaited call timing out) is an error like any other.
        return timed_out(task) if deadline.expired() else raised(exc)
    except BaseException as exc:  # noqa: BLE001  (as in _run: nothing may end the worker)
        return raised(exc)
    return stored(result)


def timed_out(task: ClaimedTask) -> Failure:
    return Failure(
        AttemptOutcome.TIMEOUT,
        "TimeoutError",
        f"Task exceeded its timeout of {task.timeout_s:g} s",
        traceback.format_exc(),
    )


def raised(exc: BaseException) -> Failure:
    return Failure(AttemptOutcome.ERROR, _type_path(exc), _message(exc), traceback.format_exc())


def stored(result: Any) -> Outcome:
    """What a task returned, as the JSON its row stores, or the failure to store it."""
    try:
        result_json = json_roundtrip("result", result)
        if len(result_json) > _MAX_JSONB_BYTES // 4 and _utf8_size(result_json) > _MAX_JSONB_BYTES:
            return Failure(
                AttemptOutcome.ERROR,
                "ResultTooLargeError",
                f"The task returned {_utf8_size(result_json):,} bytes of JSON; PostgreSQL "
                f"stores at most {_MAX_JSONB_BYTES:,} in a result",
                "",
            )
        return Success(result_json)
    except TaskValidationError as exc:
        reason = exc.message
    except Exception as exc:  # noqa: BLE001  (a result nested too deep, or its own methods raising)
        reason = _message(exc)
    return Failure(
        AttemptOutcome.ERROR,
        "ResultNotJSONError",
        f"The task returned a value that cannot be stored as JSON ({type(result).__name__}): "
        f"{reason}",
        "",
    )


# PostgreSQL's jsonb refuses a value above this (a string, an array or an object). Writing one
# failed the worker's whole batch statement at every retry, which it took for an outage.
_MAX_JSONB_BYTES = 268_435_455


def _utf8_size(text: str) -> int:
    return len(text.encode("utf-8"))


def _message(exc: BaseException) -> str:
    """What the error says, even when its own __str__ fails (task code may define it)."""
    if isinstance(exc, SystemExit):
        code = "" if exc.code is None else repr(exc.code)
        return f"The task raised SystemExit({code}); a task cannot stop its worker"
    try:
        return str(exc) or repr(exc)
    except Exception:  # noqa: BLE001  (any error reading task code's message is that message)
        return f"<{type(exc).__name__}: its message could not be read>"


def _type_path(exc: BaseException) -> str:
    """A builtin exception by its name, any other by its importable path."""
    kind = type(exc)
    if kind.__module__ == "builtins":
        return kind.__qualname__
    return f"{kind.__module__}.{kind.__qualname__}"


def _call(func: Callable[..., Any], args: list[Any], kwargs: dict[str, Any]) -> Any:
    if inspect.iscoroutinefunction(func):
        return asyncio.run(func(*args, **kwargs))
    return func(*args, **kwargs)


def _raise_timeout(signum: int, frame: Any) -> None:
    raise TaskTimeout


@contextmanager
def _soft_timeout(timeout_s: float) -> Iterator[None]:
    """SIGALRM interrupts the task in the main thread; the heartbeat enforces a hard limit.

    The handler is installed once and stays: nothing else in a worker process sets that timer,
    and swapping it around every task cost a no-op task about a tenth of its time.
    """
    if signal.getsignal(signal.SIGALRM) is not _raise_timeout:
        signal.signal(signal.SIGALRM, _raise_timeout)
    signal.setitimer(signal.ITIMER_REAL, timeout_s)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
