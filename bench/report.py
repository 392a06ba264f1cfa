"""Write docs/benchmarks.md (and the plot) from the data bench/run.py collected."""

from __future__ import annotations

import json
import subprocess
from typing import Any

from bench.harness import env
from bench.harness.stats import DASH, spread

TIMES = "\u00d7"

OURS = "dtq"
PLOT = "benchmarks.png"
# "Flat" worker memory: each worker process grows by at most this much over the run.
FLAT_MAX_GROWTH_KIB = 4 * 1024


def _labels(data: dict[str, Any]) -> dict[str, str]:
    return {s["name"]: s["label"] for s in data["systems"]}


def _table(header: list[str], rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)


def _ok(figure: Any) -> bool:
    return isinstance(figure, dict) and "error" not in figure and "skipped" not in figure


def _why_missing(figure: Any) -> str:
    if not isinstance(figure, dict):
        return "_Not run._"
    if "error" in figure:
        return f"_Failed: {figure['error']}_"
    if "skipped" in figure:
        return f"_Skipped: {figure['skipped']}_"
    return "_Not run._"


# -- figures -------------------------------------------------------------------------------


def _machine(data: dict[str, Any]) -> str:
    fig = data.get("machine")
    if not _ok(fig):
        return _why_missing(fig)
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
        _table(["machine", ""], rows)
        + "\n\nWhat the stores allow on this machine "
        + "(read every figure as a fraction of these):\n\n"
        + _table(["limit", "rate or time"], limits)
    )


def _systems(data: dict[str, Any]) -> str:
    rows = [
        [s["label"], s["version"], s["bulk_api"] or "none", s["settings"]] for s in data["systems"]
    ]
    return _table(["system", "version", "bulk API used", "settings"], rows)


def _enqueue(data: dict[str, Any]) -> str:
    fig = data.get("enqueue")
    if not _ok(fig):
        return _why_missing(fig)
    labels = _labels(data)
    rows = [
        [
            labels[name],
            spread(modes["one"]).fmt(),
            spread(modes["bulk"]).fmt() if modes["bulk"] else "n/a (no bulk API)",
        ]
        for name, modes in fig["rates"].items()
    ]
    return f"{fig['n']:,} tasks, tasks/s.\n\n" + _table(
        ["system", "one call per task", "bulk API"], rows
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


def _drain(data: dict[str, Any]) -> str:
    fig = data.get("drain")
    if not _ok(fig):
        return _why_missing(fig)
    labels = _labels(data)
    rows = []
    for name, bodies in fig["runs"].items():
        noop_rate, noop_check = _drain_cell(bodies["noop"])
        sleep_rate, sleep_check = _drain_cell(bodies["sleep10ms"])
        rows.append([labels[name], noop_rate, noop_check, sleep_rate, sleep_check])
    return (
        f"{fig['n']:,} tasks enqueued first, then {fig['workers']} worker processes; tasks/s from "
        "the first task's start to the last task's end. Missing / duplicated are summed over "
        "all repetitions. The 10 ms ceiling for 2 processes running one task at a time is "
        "200 tasks/s.\n\n"
        + _table(
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


def _latency(data: dict[str, Any]) -> str:
    fig = data.get("latency")
    if not _ok(fig):
        return _why_missing(fig)
    labels = _labels(data)
    rows = []
    for name, runs in fig["runs"].items():
        good = [r for r in runs if "error" not in r]
        if not good:
            rows.append([labels[name], runs[0].get("error", DASH), "", "", "", ""])
            continue
        rows.append(
            [
                labels[name],
                spread([r["p50"] for r in good]).fmt(2),
                spread([r["p95"] for r in good]).fmt(2),
                spread([r["p99"] for r in good]).fmt(2),
                spread([r["p50_after_return"] for r in good]).fmt(2),
                spread([r["enqueue_call_p50"] for r in good]).fmt(2),
            ]
        )
    return (
        f"{fig['n']} tasks, one every {fig['interval_ms']:.0f} ms, to {fig['workers']} idle "
        "worker processes; milliseconds from the moment the producer called enqueue to the "
        "moment the task body started. The last columns show the same from the moment enqueue "
        "returned, and how long the enqueue call took.\n\n"
        + _table(
            ["system", "p50 ms", "p95 ms", "p99 ms", "p50 from return ms", "enqueue call p50 ms"],
            rows,
        )
    )


def _crash(data: dict[str, Any]) -> str:
    fig = data.get("crash")
    if not _ok(fig):
        return _why_missing(fig)
    labels = _labels(data)
    rows = []
    for name, runs in fig["runs"].items():
        reruns = [r["rerun_after_s"] for r in runs if r.get("rerun_after_s") is not None]
        errors = [r["error"] for r in runs if r.get("error")]
        rows.append(
            [
                labels[name],
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
        + _table(["system", "rerun", "rerun after s", "note"], rows)
    )


def _http(data: dict[str, Any]) -> str:
    fig = data.get("http")
    if not _ok(fig):
        return _why_missing(fig)
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
        + _table(["request", "requests/s", "tasks/s", "p50 ms", "non-2xx"], rows)
    )


def _memory_pace(w: dict[str, Any]) -> str:
    if "elapsed_s" not in w:  # results from before the figure timed its run
        return ""
    return (
        f" The {w['tasks']:,} tasks were enqueued and run in {w['elapsed_s']:.0f} s "
        f"({w['tasks'] / w['elapsed_s']:,.0f} tasks/s) by workers that had started on an almost "
        "empty table (plans cached on a small table once slowed this run to ~50 tasks/s)."
    )


def _memory(data: dict[str, Any]) -> str:
    fig = data.get("memory")
    if not _ok(fig):
        return _why_missing(fig)
    w, p = fig["worker"], fig["producer"]
    rows = [
        [
            f"worker pid {pid}",
            f"{w['idle_kib'][pid] / 1024:.1f}",
            f"{w['after_kib'].get(pid, 0) / 1024:.1f}",
            f"{(w['after_kib'].get(pid, 0) - w['idle_kib'][pid]) / 1024:+.1f}",
        ]
        for pid in w["idle_kib"]
    ]
    rows.append(
        [
            "supervisor",
            f"{w['supervisor_idle_kib'] / 1024:.1f}",
            f"{w['supervisor_after_kib'] / 1024:.1f}",
            f"{(w['supervisor_after_kib'] - w['supervisor_idle_kib']) / 1024:+.1f}",
        ]
    )
    stream = _table(
        ["enqueue_stream", "value"],
        [
            ["tasks", f"{p['count']:,}"],
            ["throughput", f"{p['count'] / p['elapsed_s']:,.0f} tasks/s"],
            ["RSS before", f"{p['rss_baseline_kib'] / 1024:.1f} MiB"],
            ["RSS peak", f"{p['rss_peak_kib'] / 1024:.1f} MiB"],
            ["RSS at the end", f"{p['rss_end_kib'] / 1024:.1f} MiB"],
        ],
    )
    return (
        f"Workers: 2 processes, RSS (VmRSS, MiB) after 1,000 warm-up tasks and idle, then after "
        f"{w['tasks']:,} more no-op tasks (missing {w['missing']}, duplicated {w['duplicated']}; "
        f"same processes throughout: {w['same_processes']}; highest sample during the run "
        f"{w['peak_kib'] / 1024:.1f} MiB).{_memory_pace(w)}\n\n"
        + _table(["process", "idle MiB", "after MiB", "growth MiB"], rows)
        + "\n\nProducer: one process enqueueing with `enqueue_stream` (1,000 per batch).\n\n"
        + stream
    )


def _monitoring(data: dict[str, Any]) -> str:
    fig = data.get("monitoring")
    if not _ok(fig):
        return _why_missing(fig)
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
        + _table(["request", "path", "p50 ms", "p95 ms", "HTTP status"], rows)
    )


# -- targets -------------------------------------------------------------------------------


def _median(values: list[float]) -> float | None:
    s = spread(values)
    return s.median if s.n else None


def targets(data: dict[str, Any]) -> list[list[str]]:
    rows: list[list[str]] = []

    def verdict(ok: bool | None) -> str:
        return DASH if ok is None else ("**met**" if ok else "**missed**")

    drain = data.get("drain")
    if _ok(drain):
        for body, label in (("noop", "no-op"), ("sleep10ms", "10 ms")):
            medians = {
                name: _median([r["rate"] for r in b[body] if r.get("rate")])
                for name, b in drain["runs"].items()
            }
            ours = medians.pop(OURS, None)
            peers = {k: v for k, v in medians.items() if v}
            best = max(peers.items(), key=lambda kv: kv[1]) if peers else None
            clean = all(
                r["missing"] == 0 and r["duplicated"] == 0
                for r in drain["runs"].get(OURS, {}).get(body, [])
            )
            ok = ours is not None and best is not None and ours >= 2 * best[1]
            rows.append(
                [
                    f"drain {label} ≥ 2{TIMES} the fastest peer",
                    f"ours {ours or 0:,.0f}/s vs {best[0] if best else '?'} "
                    f"{best[1] if best else 0:,.0f}/s "
                    f"({TIMES}{(ours or 0) / best[1] if best else 0:.2f}); "
                    f"exactly once: {clean}",
                    verdict(ok if best else None),
                ]
            )
    latency = data.get("latency")
    if _ok(latency):
        good = [r for r in latency["runs"].get(OURS, []) if "error" not in r]
        p50, p99 = _median([r["p50"] for r in good]), _median([r["p99"] for r in good])
        from_return = _median([r["p50_after_return"] for r in good]) or 0
        rows.append(
            [
                "pickup p50 ≤ 2 ms and p99 ≤ 10 ms",
                f"p50 {p50 or 0:.2f} ms, p99 {p99 or 0:.2f} ms from the enqueue call "
                f"(p50 {from_return:.2f} ms from its return)",
                verdict(None if p50 is None else (p50 <= 2 and (p99 or 1e9) <= 10)),
            ]
        )
    enqueue = data.get("enqueue")
    if _ok(enqueue):
        bulk = _median(enqueue["rates"].get(OURS, {}).get("bulk", []))
        rows.append(
            [
                "bulk enqueue ≥ 20,000 tasks/s",
                f"{bulk or 0:,.0f} tasks/s",
                verdict(None if bulk is None else bulk >= 20_000),
            ]
        )
        one = {n: _median(m["one"]) for n, m in enqueue["rates"].items()}
        ours = one.pop(OURS, None)
        best = max(((k, v) for k, v in one.items() if v), key=lambda kv: kv[1], default=None)
        rows.append(
            [
                "one-by-one enqueue ≥ the fastest peer's",
                f"ours {ours or 0:,.0f}/s vs {best[0] if best else '?'} "
                f"{best[1] if best else 0:,.0f}/s",
                verdict(None if ours is None or best is None else ours >= best[1]),
            ]
        )
    crash = data.get("crash")
    if _ok(crash):
        runs = crash["runs"].get(OURS, [])
        times = [r.get("rerun_after_s") for r in runs]
        ok = bool(runs) and all(t is not None and t <= 30 for t in times)
        shown = ", ".join("none" if t is None else f"{t:.1f} s" for t in times)
        rows.append(
            [
                "every SIGKILLed task rerun within 30 s",
                f"reruns after {shown}",
                verdict(ok if runs else None),
            ]
        )
    memory = data.get("memory")
    if _ok(memory):
        w = memory["worker"]
        growth = max(w["after_kib"].get(pid, 0) - kib for pid, kib in w["idle_kib"].items())
        rows.append(
            [
                f"worker memory flat across {w['tasks']:,} tasks "
                f"(≤ {FLAT_MAX_GROWTH_KIB // 1024} MiB growth per process)",
                f"largest growth {growth / 1024:+.1f} MiB",
                verdict(growth <= FLAT_MAX_GROWTH_KIB and w["same_processes"]),
            ]
        )
    monitoring = data.get("monitoring")
    if _ok(monitoring):
        p95s = {
            name: _median([r["p95"] for r in runs]) or 0
            for name, runs in monitoring["runs"].items()
        }
        worst = max(p95s.items(), key=lambda kv: kv[1])
        rows.append(
            [
                f"list and stats p95 < 100 ms with {monitoring['rows']:,} rows",
                f"worst: {worst[0]} {worst[1]:.1f} ms",
                verdict(worst[1] < 100),
            ]
        )
    return rows


def context_notes(data: dict[str, Any]) -> list[str]:
    """Facts that bound what a target can reach on this machine, computed from the run."""
    notes = [
        f"Two processes that run one task at a time cannot pass 2 {TIMES} 1 / 10 ms = 200 "
        f'tasks/s on the 10 ms body, so "2{TIMES} the fastest peer" there is reachable only '
        "while the fastest peer stays below 100 tasks/s; beyond that it needs concurrency "
        "inside a process."
    ]
    machine = data.get("machine")
    if _ok(machine) and machine["pgbench_inserts"]:
        one_client = machine["pgbench_inserts"].get("clients=1")
        if one_client:
            notes.append(
                "One call per task commits a PostgreSQL transaction per task for "
                "django-task-queue (and django-tasks-db); pgbench's single-row INSERT commits "
                f"from one client reach {one_client:,.0f}/s on this machine, while the "
                "Redis-only peers pay one Redis round trip."
            )
    latency = data.get("latency")
    ours = [r for r in (latency or {}).get("runs", {}).get("dtq", []) if "error" not in r]
    if _ok(latency) and ours:
        call = _median([r["enqueue_call_p50"] for r in ours]) or 0
        after = _median([r["p50_after_return"] for r in ours]) or 0
        notes.append(
            "Pickup latency counts from the moment enqueue is called, and django-task-queue's "
            "call returns only once the task's row is durable in PostgreSQL (a commit that "
            f"waits for the WAL flush): {call:.2f} ms at its median here, with tasks 20 ms "
            f"apart. From the call's return a task started after {after:.2f} ms at the median."
        )
        idle = machine.get("idle_round_trips") if _ok(machine) else None
        if idle:
            commit, ping = idle["pg_insert_commit"]["p50"], idle["redis_ping"]["p50"]
            notes.append(
                f"After {idle['interval_ms']:.0f} ms of quiet, one durable single-row commit "
                f"takes {commit:.2f} ms here and one Redis round trip {ping:.2f} ms (medians, "
                "measured with the stores alone): an enqueue that commits and then pushes "
                f"cannot return in less than about {commit + ping:.2f} ms, before any worker "
                "has woken."
            )
    return notes


# -- the page --------------------------------------------------------------------------------


def render(data: dict[str, Any], plot: bool) -> str:
    quick = (
        " (**quick run: small sizes, 1 repetition — not the reference numbers**)"
        if data["quick"]
        else ""
    )
    sizes = data["sizes"]
    parts = [
        "# Benchmarks",
        "",
        f"Generated by `make bench` (`bench/run.py`) on {data['started_at']} in "
        f"{data.get('duration_s', 0) / 60:.0f} minutes{quick}. Every figure is the median and, in "
        f"parentheses, the min{DASH}max over {sizes['reps']} repetition(s); the systems take turns "
        "(repetition 1 of every system, then repetition 2, …) so drift hits all alike. Every "
        "system runs the same task body (`bench/workload.py`: record the task id and start time "
        "in a Redis database of its own, then sleep 0 or 10 ms) against the same PostgreSQL and "
        "Redis. How to run it and what each figure means: [bench/README.md](../bench/README.md).",
        "",
        "## Targets",
        "",
        _table(["target", "measured", "verdict"], targets(data)),
        "",
        *[f"- {note}" for note in context_notes(data)],
        "",
        "## Machine",
        "",
        _machine(data),
        "",
        "## Systems",
        "",
        _systems(data),
        "",
        "## 1. Enqueue throughput",
        "",
        _enqueue(data),
        "",
        "## 2. Drain throughput",
        "",
        _drain(data),
        "",
        "## 3. Pickup latency",
        "",
        _latency(data),
        "",
    ]
    if plot:
        parts += [f"![drain throughput and pickup latency per system]({PLOT})", ""]
    parts += [
        "## 4. Crash safety",
        "",
        _crash(data),
        "",
        "## 5. HTTP enqueue",
        "",
        _http(data),
        "",
        "## 6. Memory",
        "",
        _memory(data),
        "",
        "## 7. Monitoring at scale",
        "",
        _monitoring(data),
        "",
    ]
    return "\n".join(parts)


def write(data: dict[str, Any]) -> None:
    env.DOCS_DIR.mkdir(exist_ok=True)
    plotted = False
    if env.BENCH_PYTHON.exists() and (_ok(data.get("drain")) or _ok(data.get("latency"))):
        env.RESULTS_DIR.mkdir(parents=True, exist_ok=True)
        raw = env.RESULTS_DIR / "plot-input.json"
        raw.write_text(json.dumps(data, default=str))
        done = subprocess.run(
            [str(env.BENCH_PYTHON), "-m", "bench.plot", str(raw), str(env.DOCS_DIR / PLOT)],
            cwd=env.ROOT,
            env=env.base_env(),
            check=False,
        )
        plotted = done.returncode == 0
    (env.DOCS_DIR / "benchmarks.md").write_text(render(data, plotted))
