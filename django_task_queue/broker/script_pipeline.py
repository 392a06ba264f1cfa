"""Running the Lua scripts: one call at a time, or several in a pipeline of one round trip."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import redis
from redis.commands.core import Script
from redis.exceptions import NoScriptError

from django_task_queue.broker.keys import KeySpace
from django_task_queue.broker.translate import translated as _translated


class ScriptPipeline:
    """A pipeline that calls scripts by their SHA directly.

    redis-py's own pipeline asks Redis whether its scripts exist (SCRIPT EXISTS) before every
    execute: a second round trip each time. Here a script Redis lost (a restart, SCRIPT FLUSH)
    fails alone with NOSCRIPT and is run again on its own, which loads it.
    """

    def __init__(self, client: redis.Redis, scripts: Mapping[str, Script]) -> None:
        self.pipe = client.pipeline(transaction=False)
        self._scripts = scripts
        self._calls: dict[int, tuple[str, list[str], list[Any]]] = {}

    def script(self, name: str, keys: list[str], args: list[Any]) -> None:
        self._calls[len(self.pipe)] = (name, keys, args)
        # As a plain command: redis-py's cluster pipeline refuses its evalsha method (a node
        # may lack the script), which the NOSCRIPT fallback below handles.
        sha = self._scripts[name].sha
        self.pipe.execute_command("EVALSHA", sha, len(keys), *keys, *args)  # type: ignore[no-untyped-call]  # redis-py leaves it unannotated

    def execute(self) -> list[Any]:
        results: list[Any] = self.pipe.execute(raise_on_error=False)
        for index, result in enumerate(results):
            if isinstance(result, NoScriptError) and index in self._calls:
                name, keys, args = self._calls[index]
                results[index] = self._scripts[name](keys=keys, args=args)
            elif isinstance(result, Exception):
                raise result
        return results


class ScriptRunner:
    """The client, the key space and the scripts; the Broker and its mixins run scripts here."""

    client: redis.Redis
    keys: KeySpace
    _scripts: dict[str, Script]

    def _run(self, name: str, keys: list[str], args: list[Any]) -> Any:
        with _translated():
            return self._scripts[name](keys=keys, args=args)
