"""`make run`: services, migrations, the web server and a worker pool; Ctrl-C stops them all."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from local_services import ROOT, describe, local_services

PORT = os.environ.get("PORT", "8000")
WORKERS = os.environ.get("WORKERS", "2")
PYTHON = sys.executable


def _start(command: list[str], env: dict[str, str]) -> subprocess.Popen[bytes]:
    # Own sessions: one Ctrl-C here becomes exactly one SIGTERM for each of them.
    return subprocess.Popen(command, cwd=ROOT, env=env, start_new_session=True)


def main() -> int:
    stop_requested = False

    def stop(signum: int, frame: object) -> None:
        nonlocal stop_requested
        stop_requested = True

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    with local_services() as services:
        print(f"django-task-queue: {describe(services)}", flush=True)
        env = {**os.environ, **services.env}
        env.setdefault("TASK_QUEUE_API_OPEN", "true")
        checked = subprocess.run(
            [PYTHON, "scripts/check_services.py"], cwd=ROOT, env=env, check=False
        )
        if checked.returncode:
            return checked.returncode
        subprocess.run(
            [PYTHON, "manage.py", "migrate", "--no-input", "-v", "0"], cwd=ROOT, env=env, check=True
        )
        print(
            f"django-task-queue: dashboard and API at http://127.0.0.1:{PORT}/ (API open "
            f"without login for local use), {WORKERS} worker process(es). Ctrl-C stops all.",
            flush=True,
        )
        children = [
            _start(
                [
                    PYTHON,
                    "-m",
                    "gunicorn",
                    "--config",
                    "python:config.gunicorn",
                    "config.asgi:application",
                    "--bind",
                    f"127.0.0.1:{PORT}",
                    "--access-logfile",
                    "-",
                    "--log-level",
                    "warning",
                ],
                env,
            ),
            _start(
                [
                    PYTHON,
                    "manage.py",
                    "run_worker",
                    "--queue=default",
                    f"--workers={WORKERS}",
                    "--log-level=INFO",
                ],
                env,
            ),
        ]
        while not stop_requested and all(child.poll() is None for child in children):
            time.sleep(0.2)
        for child in children:
            if child.poll() is None:
                child.send_signal(signal.SIGTERM)
        for child in children:
            try:
                child.wait(timeout=45)
            except subprocess.TimeoutExpired:
                os.killpg(child.pid, signal.SIGKILL)
                child.wait()
    print("django-task-queue: stopped", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
