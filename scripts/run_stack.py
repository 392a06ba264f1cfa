"""`make run`: the web server and a worker pool in one command; Ctrl-C stops both."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

PORT = os.environ.get("PORT", "8000")
WORKERS = os.environ.get("WORKERS", "2")
PYTHON = sys.executable


def main() -> int:
    env = dict(os.environ)
    env.setdefault("TASK_QUEUE_API_OPEN", "true")
    print(
        f"django-task-queue: dashboard and API at http://127.0.0.1:{PORT}/ "
        f"(API open without login for local use), {WORKERS} worker process(es). Ctrl-C stops all."
    )
    web = subprocess.Popen(
        [
            PYTHON,
            "-m",
            "gunicorn",
            "config.wsgi:application",
            "--bind",
            f"127.0.0.1:{PORT}",
            "--workers",
            "2",
            "--threads",
            "4",
            "--access-logfile",
            "-",
            "--log-level",
            "warning",
        ],
        env=env,
        # Own sessions: one Ctrl-C here becomes exactly one SIGTERM for each of them.
        start_new_session=True,
    )
    worker = subprocess.Popen(
        [
            PYTHON,
            "manage.py",
            "run_worker",
            "--queue=default",
            f"--workers={WORKERS}",
            "--log-level=INFO",
        ],
        env=env,
        start_new_session=True,
    )
    children = [web, worker]

    def stop(signum: int, frame: object) -> None:
        for child in children:
            if child.poll() is None:
                child.send_signal(signal.SIGTERM)

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    while all(child.poll() is None for child in children):
        time.sleep(0.2)
    stop(signal.SIGTERM, None)
    for child in children:
        try:
            child.wait(timeout=40)
        except subprocess.TimeoutExpired:
            child.kill()
    return 0


if __name__ == "__main__":
    sys.exit(main())
