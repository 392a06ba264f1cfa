"""One section of the page per figure, from the data bench/run.py collected."""

from __future__ import annotations

import statistics
from typing import Any

from bench.harness.stats import DASH, spread
from bench.report.markdown import TIMES, complete, labels, table, why_missing


def machine(data: dict[str, Any]) -> str:
    fig = data.get("machine")
    if not complete(fig):
        return why_missing(fig)
    m = fig["machine"]
    rows = [
        ["CPU", f"{m['nproc']} {TIMES} {m['cpu_model'] or '?'}"],
        ["memory", f"{m['memory_gib']} GiB"],
        ["kernel / Python", f"{m['kernel']} / {m['python']}"],
        ["PostgreSQL / Redis", f"{m['postgresql']} / {m['redis']}"],
        ["load average before → after", f"{data.get('load_before')} → {data.get('load_after')}"],
    ]
    limits = [
        [f"redis-benchmark {op} (100,000 requests, 50 clients)", f"{rate:,.0f} /s"]
        for op, rate in fig["redis_benchmark"].items()
    ]
    limits += [
        [f"pgbench single-row INSERT commits, {clients}", f"{rate:,.0f} /s"]
        for clients, rate in fig["pgbench_inserts"].items()
    ]
    idle = fig.get("idle_round_trips")
    if idle:
        after = f"{idle['interval_ms']:.0f} ms after the last reply, one client, p50 (p95)"
        limits += [
            [f"{what}, {after}", f"{idle[key]['p50']:.2f} ms ({idle[key]['p95']:.2f} ms)"]
            for key, what in (
                ("redis_ping", "one Redis PING"),
                ("pg_insert_commit", "one single-row INSERT commit"),
            )
        ]
    return (
        table(["machine", ""], rows)
        + "\n\nWhat the stores allow on this machine "
        + "(read every figure as a fraction of these):\n\n"
        + table(["limit", "rate or time"], limits)
    )


def systems(data: dict[str, Any]) -> str:
    rows = [
        [
            s["label"],
            s["version"],
            s["bulk_api"] or "none",
            s["settings"],
            s.get("threaded_settings") or "none: one task at a time per process",
        ]
        for s in data["systems"]
    ]
    return table(
        ["system", "version", "bulk API used", "settings", "several tasks at once per process"],
        rows,
    )


def enqueue(data: dict[str, Any]) -> str:
    fig = data.get("enqueue")
    if not complete(fig):
        return why_missing(fig)
    names = labels(data)
    threads = fig.get("threads", 8)
    rows = [
        [
            names[name],
            spread(modes["one"]).fmt(),
            spread(modes.get("threads", [])).fmt(),
            spread(modes["bulk"]).fmt() if modes["bulk"] else "n/a (no bulk API)",
        ]
        for name, modes in fig["rates"].items()
    ]
    return (
        f"{fig['n']:,} tasks, tasks/s; one call per task from one thread, then from {threads} "
        "producer threads in one process (each call returns once the task is stored as the "
        "system stores it: a PostgreSQL commit for django-task-queue and django-tasks-db, a "
        "Redis write for the others).\n\n"
        + table(
            ["system", "one call per task", f"one call per task, {threads} threads", "bulk API"],
            rows,
        )
    )


def _drain_cell(runs: list[dict[str, Any]]) -> tuple[str, str]:
    rate = spread([r["rate"] for r in runs if r.get("rate")])
    missing = sum(r["missing"] for r in runs)
    duplicated = sum(r["duplicated"] for r in runs)
    errors = [r["error"] for r in runs if r.get("error")]
    rate_text = rate.fmt() if rate.n else DASH
    if errors:
        rate_text += f" ({len(errors)} run(s) failed: {errors[0]})"
    return rate_text, f"{missing} / {duplicated}"


def drain(data: dict[str, Any]) -> str:
    fig = data.get("drain")
    if not complete(fig):
        return why_missing(fig)
    names = labels(data)
    rows = []
    for name, bodies in fig["runs"].items():
        noop_rate, noop_check = _drain_cell(bodies["noop"])
        sleep_rate, sleep_check = _drain_cell(bodies["sleep10ms"])
        rows.append([names[name], noop_rate, noop_check, sleep_rate, sleep_check])
    return (
        f"{fig['n']:,} tasks enqueued first, then {fig['workers']} worker processes; tasks/s from "
        "the first task's start to the last task's end. Missing / duplicated are summed over "
        "all repetitions. Every process runs one task at a time (see 2b for more); the 10 ms "
        "ceiling for 2 processes running one task at a time is 200 tasks/s.\n\n"
        + table(
            [
                "system",
                "no-op tasks/s",
                "no-op missing / duplicated",
                "10 ms sleep tasks/s",
                "10 ms missing / duplicated",
            ],
            rows,
        )
    )


def latency(data: dict[str, Any]) -> str:
    fig = data.get("latency")
    if not complete(fig):
        return why_missing(fig)
    names = labels(data)
    rows = []
    for name, runs in fig["runs"].items():
        good = [r for r in runs if "error" not in r]
        if not good:
            rows.append([names[name], runs[0].get("error", DASH), "", "", "", "", ""])
            continue
        rows.append(
            [names[name]]
            + [
                spread([r.get(key) for r in good]).fmt(2)
                for key in (
                    "p50",
                    "p95",
                    "p99",
                    "enqueue_call_p50",
                    "enqueue_call_p99",
                    "p50_from_call",
                )
            ]
        )
    return (
        f"{fig['n']} tasks, one every {fig['interval_ms']:.0f} ms, to {fig['workers']} idle "
        "worker processes (one task at a time each); milliseconds from the moment the enqueue "
        "call returned (the task is stored then, durably for django-task-queue and "
        "django-tasks-db) to the moment the task body started. Beside it, the enqueue call's "
        "own duration, and the latency counted from the call instead.\n\n"
        + table(
            [
                "system",
                "p50 ms",
                "p95 ms",
                "p99 ms",
                "enqueue call p50 ms",
                "enqueue call p99 ms",
                "p50 from the call ms",
            ],
            rows,
        )
    )


def crash(data: dict[str, Any]) -> str:
    fig = data.get("crash")
    if not complete(fig):
        return why_missing(fig)
    names = labels(data)
    rows = []
    for name, runs in fig["runs"].items():
        reruns = [r["rerun_after_s"] for r in runs if r.get("rerun_after_s") is not None]
        errors = [r["error"] for r in runs if r.get("error")]
        rows.append(
            [
                names[name],
                f"{len(reruns)} of {len(runs)}",
                spread(reruns).fmt(1) if reruns else f"not within {fig['wait_s']:.0f} s",
                errors[0] if errors else "",
            ]
        )
    return (
        f"One worker process runs a {fig['task_s']:.0f} s task; {fig['kill_after_s']:.0f} s in, "
        "its whole process group gets SIGKILL and a fresh worker starts at once. Seconds from "
        "the kill to the task's second start. A system that did not rerun in its first "
        "repetition is not repeated (it would only wait out the window again).\n\n"
        + table(["system", "rerun", "rerun after s", "note"], rows)
    )


def http(data: dict[str, Any]) -> str:
    fig = data.get("http")
    if not complete(fig):
        return why_missing(fig)
    rows = []
    for name, runs in fig["runs"].items():
        path = (
            "POST /api/tasks/"
            if name == "single"
            else f"POST /api/tasks/bulk/ ({fig['bulk_size']} tasks)"
        )
        if not runs:
            rows.append([path, "endpoint not available", "", "", ""])
            continue
        rows.append(
            [
                path,
                spread([r["requests_per_s"] for r in runs]).fmt(),
                spread([r["tasks_per_s"] for r in runs]).fmt(),
                spread([r["p50_ms"] for r in runs]).fmt(1),
                f"{sum(r['non_2xx'] for r in runs):.0f}",
            ]
        )
    tool = next((r["tool"] for runs in fig["runs"].values() for r in runs), "?")
    return (
        f"{fig['server']}; load from {tool} on the same machine, {fig['connections']} "
        f"connections for {fig['duration_s']} s per repetition, no workers running.\n\n"
        + table(["request", "requests/s", "tasks/s", "p50 ms", "non-2xx"], rows)
    )


def _memory_pace(w: dict[str, Any]) -> str:
    if "elapsed_s" not in w:  # results from before the figure timed its run
        return ""
    return (
        f" The {w['tasks']:,} tasks were enqueued and run in {w['elapsed_s']:.0f} s "
        f"({w['tasks'] / w['elapsed_s']:,.0f} tasks/s) by workers that had started on an almost "
        "empty table (plans cached on a small table once slowed this run to ~50 tasks/s)."
    )


def memory_drift_kib(w: dict[str, Any]) -> dict[str, float]:
    """Per worker process: median RSS over the last quarter of the samples minus the first's."""
    samples = w.get("samples", [])
    if len(samples) < 4 or not isinstance(samples[0], dict):
        return {}
    quarter = len(samples) // 4
    drift = {}
    for pid in samples[0]["kib"]:
        first = [s["kib"][pid] for s in samples[:quarter] if s["kib"].get(pid)]
        last = [s["kib"][pid] for s in samples[-quarter:] if s["kib"].get(pid)]
        if first and last:
            drift[pid] = statistics.median(last) - statistics.median(first)
    return drift


def memory(data: dict[str, Any]) -> str:
    fig = data.get("memory")
    if not complete(fig):
        return why_missing(fig)
    w, p = fig["worker"], fig["producer"]
    drift = memory_drift_kib(w)
    after = {str(pid): kib for pid, kib in w["after_kib"].items()}
    rows = [
        [
            f"worker pid {pid}",
            f"{kib / 1024:.1f}",
            f"{after.get(str(pid), 0) / 1024:.1f}",
            f"{(after.get(str(pid), 0) - kib) / 1024:+.1f}",
            f"{drift[str(pid)] / 1024:+.1f}" if str(pid) in drift else DASH,
        ]
        for pid, kib in w["idle_kib"].items()
    ]
    rows.append(
        [
            "supervisor",
            f"{w['supervisor_idle_kib'] / 1024:.1f}",
            f"{w['supervisor_after_kib'] / 1024:.1f}",
            f"{(w['supervisor_after_kib'] - w['supervisor_idle_kib']) / 1024:+.1f}",
            DASH,
        ]
    )
    stream = table(
        ["enqueue_stream", "value"],
        [
            ["tasks", f"{p['count']:,}"],
            ["throughput", f"{p['count'] / p['elapsed_s']:,.0f} tasks/s"],
            ["RSS before", f"{p['rss_baseline_kib'] / 1024:.1f} MiB"],
            ["RSS peak", f"{p['rss_peak_kib'] / 1024:.1f} MiB"],
            ["RSS at the end", f"{p['rss_end_kib'] / 1024:.1f} MiB"],
        ],
    )
    concurrency = w.get("concurrency")
    how = f"`--concurrency {concurrency}`" if concurrency else "one task at a time"
    return (
        f"Workers: 2 processes running {how}, RSS (VmRSS, MiB) after 1,000 warm-up tasks and "
        f"idle, then after {w['tasks']:,} more no-op tasks (missing {w['missing']}, duplicated "
        f"{w['duplicated']}; same processes throughout: {w['same_processes']}; highest sample "
        f"during the run {w['peak_kib'] / 1024:.1f} MiB). Each process was sampled every second "
        "during the run (the plot's memory panel); drift is the median of the last quarter of "
        f"those samples minus the first quarter's.{_memory_pace(w)}\n\n"
        + table(["process", "idle MiB", "after MiB", "growth MiB", "drift MiB"], rows)
        + "\n\nProducer: one process enqueueing with `enqueue_stream` (1,000 per batch).\n\n"
        + stream
    )


def monitoring(data: dict[str, Any]) -> str:
    fig = data.get("monitoring")
    if not complete(fig):
        return why_missing(fig)
    rows = [
        [
            name,
            f"`{fig['paths'][name]}`",
            spread([r["p50"] for r in runs]).fmt(1),
            spread([r["p95"] for r in runs]).fmt(1),
            ",".join(str(s) for s in fig["statuses"][name]),
        ]
        for name, runs in fig["runs"].items()
    ]
    rerun = (
        f" Measured in a later run ({fig['rerun']['started_at']}, at {fig['rerun']['version']}): "
        f"{fig['rerun']['why']}."
        if "rerun" in fig
        else ""
    )
    return (
        f"{fig['rows']:,} task rows created over the last 24 hours (89 % success, 10 % pending, "
        f"1 % failed); {fig['requests_per_rep']} sequential requests per repetition; "
        f"{fig['server']}.{rerun}\n\n"
        + table(["request", "path", "p50 ms", "p95 ms", "HTTP status"], rows)
    )
