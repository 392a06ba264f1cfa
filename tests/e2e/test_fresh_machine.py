"""`make run` on a machine where nothing answers: embedded PostgreSQL and Redis start and stop."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import urllib.request
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import skip_on_cluster
from tests.support.processes import ROOT, wait_for

pytestmark = pytest.mark.e2e


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _call(url: str, body: dict[str, Any] | None = None) -> dict[str, Any]:
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data=data, headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=5) as response:
        result: dict[str, Any] = json.loads(response.read())
        return result


def _answers(url: str) -> bool:
    try:
        return bool(_call(url)["success"])
    except OSError:
        return False


def _processes_mentioning(text: str) -> list[int]:
    found = []
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            if text in (proc / "cmdline").read_bytes().decode(errors="replace"):
                found.append(int(proc.name))
        except OSError:
            continue
    return found


def test_make_run_starts_embedded_services_when_nothing_answers(tmp_path: Path) -> None:
    skip_on_cluster("`make run` starts embedded single servers of its own, whatever the tests use")
    port = _free_port()
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DATABASE_URL", "REDIS_URL", "TASK_QUEUE_OVERRIDES"}
    }
    env.update(
        DTQ_DEFAULT_PG_PORT=str(_free_port()),
        DTQ_DEFAULT_REDIS_PORT=str(_free_port()),
        DTQ_RUN_DIR=str(tmp_path),
        PORT=str(port),
        WORKERS="1",
    )
    log = (tmp_path / "stack.log").open("w")
    stack = subprocess.Popen(
        [sys.executable, "scripts/run_stack.py"], cwd=ROOT, env=env, stdout=log, stderr=log
    )
    base = f"http://127.0.0.1:{port}/api"
    try:
        wait_for(lambda: _answers(f"{base}/health/"), timeout_s=90, what="the stack to start")
        created = _call(f"{base}/tasks/", {"task_name": "add_numbers", "args": [10, 20]})
        task_url = f"{base}/tasks/{created['data']['id']}/"
        wait_for(lambda: _call(task_url)["data"]["status"] == "success", what="the task")
        assert _call(task_url)["data"]["result"] == 30
    finally:
        stack.send_signal(signal.SIGINT)
        code = stack.wait(timeout=60)
        log.close()

    output = (tmp_path / "stack.log").read_text()
    assert code == 0
    assert "started embedded PostgreSQL 18" in output
    assert "Redis 6.2" in output
    assert _processes_mentioning(str(tmp_path)) == []
