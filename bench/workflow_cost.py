"""The cost of a workflow step: a chain of 1,000 steps and a chord of 10,000 members, against as
many plain tasks, run by real `run_worker` processes (docs/benchmarks.md, "Workflows").

    DATABASE_URL=postgres://.../db REDIS_URL=redis://.../n \\
        .venv/bin/python bench/workflow_cost.py --empty-these-stores [--write]

With --write it also writes bench/features/workflows.md, which the report copies into
docs/benchmarks.md (section 8).

It empties the tasks and workflows of DATABASE_URL and the whole Redis database of REDIS_URL:
give it stores of its own. The task function is `add_numbers` (a no-op in all but name).
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("DJANGO_DEBUG", "0")
os.environ.setdefault("DJANGO_SECRET_KEY", "workflow-cost-benchmark")  # a local run, no sessions

import django  # noqa: E402  (after the settings module is named)

django.setup()

from django.db import connection  # noqa: E402

from django_task_queue.broker.client import get_broker  # noqa: E402
from django_task_queue.models import Task, Workflow  # noqa: E402
from django_task_queue.services import TaskSpec, enqueue_many  # noqa: E402
from django_task_queue.workflows import chain, chord, group  # noqa: E402

FEATURE_PAGE = ROOT / "bench" / "features" / "workflows.md"
CHAIN_STEPS = 1_000
CHORD_MEMBERS = 10_000


def _empty() -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            "TRUNCATE django_task_queue_attempt, django_task_queue_task, "
            "django_task_queue_workflowstep, django_task_queue_workflow CASCADE"
        )
    get_broker().client.flushdb()


def _timed_run(workers: int, done: Callable[[], bool], timeout_s: float = 900) -> float:
    """Start `run_worker --workers=N`, wait until `done()`, stop it; the seconds it took."""
    started = time.monotonic()
    process = subprocess.Popen(
        [sys.executable, "manage.py", "run_worker", f"--workers={workers}", "--log-level=WARNING"],
        cwd=ROOT,
        start_new_session=True,
    )
    try:
        while not done():
            if time.monotonic() - started > timeout_s:
                raise SystemExit("timed out")
            time.sleep(0.05)
        return time.monotonic() - started
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(30)


def _all_succeeded(count: int) -> Callable[[], bool]:
    return lambda: Task.objects.filter(status="success").count() >= count


def _workflow_ended() -> bool:
    return not Workflow.objects.filter(status="running").exists()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--empty-these-stores", action="store_true", required=True)
    parser.add_argument("--write", action="store_true", help=f"write {FEATURE_PAGE.name}")
    args = parser.parse_args()
    figures: dict[str, float] = {}

    _empty()
    enqueue_many(TaskSpec("add_numbers", [i, 0]) for i in range(CHAIN_STEPS))
    figures["plain_1000_1_process_s"] = _timed_run(1, _all_succeeded(CHAIN_STEPS))

    _empty()
    steps = [TaskSpec("add_numbers", [0, 0])] + [TaskSpec("add_numbers", [1])] * (CHAIN_STEPS - 1)
    started = time.monotonic()
    chain(*steps).enqueue()
    figures["chain_1000_enqueue_s"] = time.monotonic() - started
    figures["chain_1000_1_process_s"] = _timed_run(1, _workflow_ended)

    _empty()
    enqueue_many(TaskSpec("add_numbers", [i, 0]) for i in range(CHORD_MEMBERS))
    figures["plain_10000_2_processes_s"] = _timed_run(2, _all_succeeded(CHORD_MEMBERS))

    _empty()
    members = [TaskSpec("add_numbers", [i, 0]) for i in range(CHORD_MEMBERS)]
    started = time.monotonic()
    chord(group(*members), TaskSpec("process_data", kwargs={"operation": "sum"})).enqueue()
    figures["chord_10000_enqueue_s"] = time.monotonic() - started
    figures["chord_10000_2_processes_s"] = _timed_run(2, _workflow_ended)
    assert Workflow.objects.get().status == "success"

    for name, value in figures.items():
        print(f"{name}: {value:.2f}")
    if args.write:
        FEATURE_PAGE.parent.mkdir(exist_ok=True)
        FEATURE_PAGE.write_text(_page(figures))


def _page(figures: dict[str, float]) -> str:
    plain_1k, chained = figures["plain_1000_1_process_s"], figures["chain_1000_1_process_s"]
    plain_10k, chorded = figures["plain_10000_2_processes_s"], figures["chord_10000_2_processes_s"]
    rows = [
        (
            "1,000 plain tasks, 1 process",
            plain_1k,
            "",
            f"{plain_1k / CHAIN_STEPS * 1000:.1f} ms a task",
        ),
        (
            "a chain of 1,000 steps, 1 process",
            chained,
            f"{figures['chain_1000_enqueue_s'] * 1000:,.0f} ms",
            f"{chained / CHAIN_STEPS * 1000:.1f} ms a step",
        ),
        (
            "10,000 plain tasks, 2 processes",
            plain_10k,
            "",
            f"{CHORD_MEMBERS / plain_10k:,.0f} tasks/s",
        ),
        (
            "a chord of 10,000 members, 2 processes",
            chorded,
            f"{figures['chord_10000_enqueue_s'] * 1000:,.0f} ms",
            f"{CHORD_MEMBERS / chorded:,.0f} members/s, "
            f"{(chorded - plain_10k) / CHORD_MEMBERS * 1000:.2f} ms more a member",
        ),
    ]
    table = "\n".join(
        f"| {name} | {seconds:.2f} s | {enqueue or '-'} | {per} |"
        for name, seconds, enqueue, per in rows
    )
    return f"""### Workflows: the cost of a step

`bench/workflow_cost.py` on {time.strftime("%Y-%m-%d")}: `add_numbers` tasks (no work) run by
`run_worker --workers=N` from a cold start until the last one ends (the chord's callback
included), against as many plain tasks. A chain's steps run one after another, so its time per
step is a latency (claim, run, record and advance in one transaction, push, claim again); the
plain tasks' is a throughput, batches of them per statement. A worker's batch of a chord's
members takes a transaction of its own with their workflow's row locked (a few statements for
the whole batch), instead of riding in the next claim's statement. Shared 2-core machine: upper
bounds.

| run | time to end | enqueue | per step |
|---|---|---|---|
{table}
"""


if __name__ == "__main__":
    main()
