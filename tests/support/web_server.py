"""The production web server (gunicorn with uvicorn workers, config/asgi.py) on a free port, as
`make run` starts it, pointed at the tests' database and keys; and a server-sent events reader."""

from __future__ import annotations

import contextlib
import http.client
import json
import os
import signal
import subprocess
import time
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tests.support.processes import ROOT, process_env
from tests.support.servers import free_port

GUNICORN = ROOT / ".venv" / "bin" / "gunicorn"


@contextlib.contextmanager
def web_server(log_dir: Path, overrides: dict[str, Any] | None = None) -> Iterator[str]:
    """Start the server; yield its base URL; stop it."""
    port = free_port()
    log = (log_dir / "web.log").open("w")
    env = {
        **process_env(overrides),
        "WEB_CONCURRENCY": "1",
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": "tests-only-" + "x" * 40,
    }
    process = subprocess.Popen(
        [str(GUNICORN), "--config", "python:config.gunicorn", "config.asgi:application",
         "--bind", f"127.0.0.1:{port}"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while not _answers(f"{base}/api/health/"):
            if time.monotonic() > deadline or process.poll() is not None:
                raise AssertionError(
                    f"the web server did not start:\n{(log_dir / 'web.log').read_text()}"
                )
            time.sleep(0.1)
        yield base
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=20)
        log.close()


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2):
            return True
    except urllib.error.HTTPError:
        return True  # it answered (503 while a store is down is an answer)
    except OSError:
        return False


@dataclass
class Message:
    event: str = "message"
    id: str | None = None
    data: dict[str, Any] = field(default_factory=dict)


class EventStream:
    """An open GET /api/events/ (status, headers, then messages as they come)."""

    def __init__(self, base: str, query: str = "", headers: dict[str, str] | None = None) -> None:
        host = base.removeprefix("http://")
        self.connection = http.client.HTTPConnection(host, timeout=30)
        # As a browser's EventSource asks.
        asked = {"Accept": "text/event-stream", "Cache-Control": "no-cache", **(headers or {})}
        self.connection.request("GET", f"/api/events/{query}", headers=asked)
        self.response = self.connection.getresponse()
        self.comments = 0

    @property
    def status(self) -> int:
        return self.response.status

    def messages(
        self, until: Callable[[list[Message]], bool], timeout_s: float = 30
    ) -> list[Message]:
        """Read messages until `until(messages so far)` holds; AssertionError at the deadline."""
        found: list[Message] = []
        current = Message()
        deadline = time.monotonic() + timeout_s
        while not until(found):
            if time.monotonic() > deadline:
                raise AssertionError(f"stream: condition not met; got {found}")
            line = self.response.readline().decode().rstrip("\n")
            if line.startswith(":"):
                self.comments += 1
            elif line.startswith("event: "):
                current.event = line.removeprefix("event: ")
            elif line.startswith("id: "):
                current.id = line.removeprefix("id: ")
            elif line.startswith("data: "):
                current.data = json.loads(line.removeprefix("data: "))
            elif line == "" and (current.id or current.data):
                found.append(current)
                current = Message()
        return found

    def close(self) -> None:
        self.response.close()
        self.connection.close()
