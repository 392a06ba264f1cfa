"""The targets of the page, each with its figure and verdict, and the facts that bound them.

Issue 20 set the current targets; bench/README.md lists them with how each is measured.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from bench.harness.stats import DASH
from bench.report.concurrency import best
from bench.report.markdown import OURS, TIMES, complete, labels, median
from bench.report.sections import memory_drift_kib

# "Flat" worker memory: each worker process grows by at most this much over the run.
FLAT_MAX_GROWTH_KIB = 4 * 1024
MEMORY_CONCURRENCY = 32
# The peers whose enqueue call returns once the task is durable in PostgreSQL, as ours does.
SAME_DURABILITY = ("djtasks",)
PGBENCH_SHARE = 0.70

Row = list[str]


def at_least(value: float | None, goal: float, unit: str = "", digits: int = 0) -> str:
    if value is None:
        return DASH
    if value >= goal:
        return "**met**"
    return f"**missed** by {goal - value:,.{digits}f}{unit} ({1 - value / goal:.0%} short)"


def ratio_at_least(ratio: float | None, goal: float) -> str:
    if ratio is None:
        return DASH
    if ratio >= goal:
        return "**met**"
    short = 1 - ratio / goal
    return f"**missed**: {TIMES}{ratio:.2f} of the {TIMES}{goal:g} needed ({short:.0%} short)"


def at_most(value: float | None, limit: float, unit: str = "", digits: int = 2) -> str:
    if value is None:
        return DASH
    if value <= limit:
        return "**met**"
    return f"**missed** by {value - limit:,.{digits}f}{unit} ({value / limit - 1:.0%} over)"


def _ratio(value: float | None, other: float | None) -> float | None:
    return value / other if value and other else None


def _drain_noop(data: dict[str, Any]) -> list[Row]:
    drain = data.get("drain")
    if not complete(drain):
        return []
    medians = {
        name: median([r["rate"] for r in bodies["noop"] if r.get("rate")])
        for name, bodies in drain["runs"].items()
    }
    ours = medians.pop(OURS, None)
    peers = [(name, rate) for name, rate in medians.items() if rate]
    top = max(peers, key=lambda nr: nr[1], default=None)
    ours_runs = drain["runs"].get(OURS, {}).get("noop", [])
    clean = bool(ours_runs) and all(r["missing"] == r["duplicated"] == 0 for r in ours_runs)
    ratio = _ratio(ours, top[1] if top else None)
    return [
        [
            f"no-op drain ≥ 2{TIMES} the fastest peer (one task at a time per process)",
            f"ours {ours or 0:,.0f}/s vs {labels(data).get(top[0], '?') if top else '?'} "
            f"{top[1] if top else 0:,.0f}/s ({TIMES}{ratio or 0:.2f}); exactly once: {clean}",
            ratio_at_least(ratio, 2.0) if clean else "**missed** (not exactly once)",
        ]
    ]


def _best_against_peers(data: dict[str, Any], figure: str) -> tuple[str, float | None, bool]:
    """'ours at its best vs the best peer at its best', the ratio, and whether ours ran once."""
    fig = data[figure]
    names = labels(data)
    bests = {name: best(settings) for name, settings in fig["runs"].items()}
    ours = bests.pop(OURS, None)
    peers = [(name, b) for name, b in bests.items() if b]
    top = max(peers, key=lambda nb: nb[1][1], default=None)
    runs = [r for rs in fig["runs"].get(OURS, {}).values() for r in rs]
    clean = bool(runs) and all(r["missing"] == r["duplicated"] == 0 for r in runs)
    ratio = _ratio(ours[1] if ours else None, top[1][1] if top else None)
    text = (
        f"ours {ours[1] if ours else 0:,.0f}/s ({ours[0] if ours else '?'} per process) vs "
        f"{names.get(top[0], '?') if top else 'no peer'} {top[1][1] if top else 0:,.0f}/s "
        f"({top[1][0] if top else '?'} per process) ({TIMES}{ratio or 0:.2f}); "
        f"exactly once: {clean}"
    )
    return text, ratio, clean


def _drain_threads(data: dict[str, Any]) -> list[Row]:
    rows = []
    if complete(data.get("drain_threads")):
        text, ratio, clean = _best_against_peers(data, "drain_threads")
        rows.append(
            [
                f"10 ms drain, each system at its best setting ≥ 2{TIMES} the best peer's best",
                text,
                ratio_at_least(ratio, 2.0) if clean else "**missed** (not exactly once)",
            ]
        )
    if complete(data.get("drain_async")):
        text, _, _ = _best_against_peers(data, "drain_async")
        rows.append(
            ["async 10 ms drain (issue 20 sets no target: shown for reference)", text, DASH]
        )
    return rows


def _latency(data: dict[str, Any]) -> list[Row]:
    latency = data.get("latency")
    if not complete(latency):
        return []
    good = [r for r in latency["runs"].get(OURS, []) if "error" not in r and "p50" in r]

    def med(key: str) -> float | None:
        return median([r[key] for r in good if key in r])

    p50, p99, call = med("p50"), med("p99"), med("enqueue_call_p50")
    return [
        [
            "pickup p50 ≤ 1 ms from the enqueue call's return",
            f"{p50 or 0:.2f} ms",
            at_most(p50, 1.0, " ms"),
        ],
        [
            "pickup p99 ≤ 3 ms from the enqueue call's return",
            f"{p99 or 0:.2f} ms",
            at_most(p99, 3.0, " ms"),
        ],
        [
            "enqueue call p50 ≤ 1.5 ms (tasks 20 ms apart)",
            f"{call or 0:.2f} ms",
            at_most(call, 1.5, " ms"),
        ],
    ]


def _enqueue(data: dict[str, Any]) -> list[Row]:
    enqueue = data.get("enqueue")
    if not complete(enqueue):
        return []
    rates = enqueue["rates"]
    bulk = median(rates.get(OURS, {}).get("bulk", []))
    one = median(rates.get(OURS, {}).get("one", []))
    peers = [(name, median(rates[name]["one"])) for name in SAME_DURABILITY if name in rates]
    top = max(((n, r) for n, r in peers if r), key=lambda nr: nr[1], default=None)
    ratio = _ratio(one, top[1] if top else None)
    names = labels(data)
    rows = [
        ["bulk enqueue ≥ 20,000 tasks/s", f"{bulk or 0:,.0f} tasks/s", at_least(bulk, 20_000)],
        [
            f"one-by-one enqueue ≥ 2{TIMES} the faster peer of the same durability "
            "(django-tasks-db)",
            f"ours {one or 0:,.0f}/s vs {names.get(top[0], '?') if top else 'no peer'} "
            f"{top[1] if top else 0:,.0f}/s ({TIMES}{ratio or 0:.2f})",
            ratio_at_least(ratio, 2.0),
        ],
    ]
    threaded = median(rates.get(OURS, {}).get("threads", []))
    machine = data.get("machine")
    pgbench = machine["pgbench_inserts"].get("clients=8") if complete(machine) else None
    if threaded is not None:
        threads = enqueue.get("threads", 8)
        share = _ratio(threaded, pgbench)
        rows.append(
            [
                f"one-by-one enqueue from {threads} producer threads ≥ "
                f"{PGBENCH_SHARE:.0%} of pgbench's 8-client single-row commits (same run)",
                f"{threaded:,.0f}/s vs pgbench {pgbench or 0:,.0f}/s ({share or 0:.0%})",
                at_least(share * 100 if share else None, PGBENCH_SHARE * 100, " points"),
            ]
        )
    return rows


def _crash(data: dict[str, Any]) -> list[Row]:
    crash = data.get("crash")
    if not complete(crash):
        return []
    runs = crash["runs"].get(OURS, [])
    times = [r.get("rerun_after_s") for r in runs]
    ok = bool(runs) and all(t is not None and t <= 30 for t in times)
    shown = ", ".join("none" if t is None else f"{t:.1f} s" for t in times)
    verdict = DASH if not runs else ("**met**" if ok else "**missed**")
    return [["every SIGKILLed task rerun within 30 s", f"reruns after {shown}", verdict]]


def _memory(data: dict[str, Any]) -> list[Row]:
    memory = data.get("memory")
    if not complete(memory):
        return []
    w = memory["worker"]
    after = {str(pid): kib for pid, kib in w["after_kib"].items()}
    growth = max(after.get(str(pid), 0) - kib for pid, kib in w["idle_kib"].items())
    drift = max(memory_drift_kib(w).values(), default=0.0)
    concurrency = w.get("concurrency")
    worst = max(growth, drift)
    verdict = at_most(worst / 1024, FLAT_MAX_GROWTH_KIB / 1024, " MiB", 1)
    if not w["same_processes"]:
        verdict = "**missed** (a worker process was replaced)"
    elif concurrency != MEMORY_CONCURRENCY:
        verdict = f"{DASH} (measured without `--concurrency {MEMORY_CONCURRENCY}`)"
    return [
        [
            f"worker memory flat across {w['tasks']:,} tasks with `--concurrency "
            f"{MEMORY_CONCURRENCY}` (≤ {FLAT_MAX_GROWTH_KIB // 1024} MiB growth per process)",
            f"largest growth {growth / 1024:+.1f} MiB, largest drift {drift / 1024:+.1f} MiB",
            verdict,
        ]
    ]


def _monitoring(data: dict[str, Any]) -> list[Row]:
    monitoring = data.get("monitoring")
    if not complete(monitoring):
        return []
    p95s = {
        name: median([r["p95"] for r in runs]) or 0 for name, runs in monitoring["runs"].items()
    }
    worst = max(p95s.items(), key=lambda kv: kv[1])
    return [
        [
            f"list and stats p95 < 100 ms with {monitoring['rows']:,} rows",
            f"worst: {worst[0]} {worst[1]:.1f} ms",
            at_most(worst[1], 100, " ms", 1),
        ]
    ]


TARGETS: tuple[Callable[[dict[str, Any]], list[Row]], ...] = (
    _drain_threads,
    _drain_noop,
    _latency,
    _enqueue,
    _memory,
    _crash,
    _monitoring,
)


def targets(data: dict[str, Any]) -> list[Row]:
    return [row for target in TARGETS for row in target(data)]


def context_notes(data: dict[str, Any]) -> list[str]:
    """Facts that bound what a target can reach on this machine, computed from the run."""
    notes = [
        f"Two processes that run T tasks at once cannot pass 2 {TIMES} T / 10 ms on the 10 ms "
        "body (200 tasks/s at one task at a time, 6,400 tasks/s at 32)."
    ]
    machine = data.get("machine")
    if complete(machine) and machine["pgbench_inserts"]:
        inserts = machine["pgbench_inserts"]
        notes.append(
            "One call per task commits a PostgreSQL transaction per task for "
            "django-task-queue (and django-tasks-db), while the Redis-only peers pay one Redis "
            "round trip; pgbench's single-row INSERT commits reach "
            + ", ".join(f"{rate:,.0f}/s with {k.split('=')[1]}" for k, rate in inserts.items())
            + " client(s) on this machine."
        )
    idle = machine.get("idle_round_trips") if complete(machine) else None
    if idle:
        commit, ping = idle["pg_insert_commit"]["p50"], idle["redis_ping"]["p50"]
        notes.append(
            f"After {idle['interval_ms']:.0f} ms of quiet, one durable single-row commit takes "
            f"{commit:.2f} ms here and one Redis round trip {ping:.2f} ms (medians, measured "
            "with the stores alone): an enqueue that commits and then pushes cannot return in "
            f"less than about {commit + ping:.2f} ms, before any worker has woken."
        )
    return notes
