"""The targets of the page, each with its figure and verdict, and the facts that bound them."""

from __future__ import annotations

from typing import Any

from bench.harness.stats import DASH
from bench.report.markdown import OURS, TIMES, complete, median

# "Flat" worker memory: each worker process grows by at most this much over the run.
FLAT_MAX_GROWTH_KIB = 4 * 1024


def targets(data: dict[str, Any]) -> list[list[str]]:
    rows: list[list[str]] = []

    def verdict(ok: bool | None) -> str:
        return DASH if ok is None else ("**met**" if ok else "**missed**")

    drain = data.get("drain")
    if complete(drain):
        for body, label in (("noop", "no-op"), ("sleep10ms", "10 ms")):
            medians = {
                name: median([r["rate"] for r in b[body] if r.get("rate")])
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
    if complete(latency):
        good = [r for r in latency["runs"].get(OURS, []) if "error" not in r]
        p50, p99 = median([r["p50"] for r in good]), median([r["p99"] for r in good])
        from_return = median([r["p50_after_return"] for r in good]) or 0
        rows.append(
            [
                "pickup p50 ≤ 2 ms and p99 ≤ 10 ms",
                f"p50 {p50 or 0:.2f} ms, p99 {p99 or 0:.2f} ms from the enqueue call "
                f"(p50 {from_return:.2f} ms from its return)",
                verdict(None if p50 is None else (p50 <= 2 and (p99 or 1e9) <= 10)),
            ]
        )
    enqueue = data.get("enqueue")
    if complete(enqueue):
        bulk = median(enqueue["rates"].get(OURS, {}).get("bulk", []))
        rows.append(
            [
                "bulk enqueue ≥ 20,000 tasks/s",
                f"{bulk or 0:,.0f} tasks/s",
                verdict(None if bulk is None else bulk >= 20_000),
            ]
        )
        one = {n: median(m["one"]) for n, m in enqueue["rates"].items()}
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
    if complete(crash):
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
    if complete(memory):
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
    if complete(monitoring):
        p95s = {
            name: median([r["p95"] for r in runs]) or 0 for name, runs in monitoring["runs"].items()
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
    if complete(machine) and machine["pgbench_inserts"]:
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
    if complete(latency) and ours:
        call = median([r["enqueue_call_p50"] for r in ours]) or 0
        after = median([r["p50_after_return"] for r in ours]) or 0
        notes.append(
            "Pickup latency counts from the moment enqueue is called, and django-task-queue's "
            "call returns only once the task's row is durable in PostgreSQL (a commit that "
            f"waits for the WAL flush): {call:.2f} ms at its median here, with tasks 20 ms "
            f"apart. From the call's return a task started after {after:.2f} ms at the median."
        )
        idle = machine.get("idle_round_trips") if complete(machine) else None
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
