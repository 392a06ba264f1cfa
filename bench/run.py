"""Run the benchmark suite and write docs/benchmarks.md (`make bench`).

.venv/bin/python bench/run.py                  # everything, 3 repetitions (about an hour)
.venv/bin/python bench/run.py --quick          # small sizes, 1 repetition (a few minutes)
.venv/bin/python bench/run.py --only drain,latency --systems dtq,celery
.venv/bin/python bench/run.py --only drain_threads,drain_async --threads 1,32 --reps 1
"""

from __future__ import annotations

import argparse
import atexit
import json
import signal
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
# Run as a script, Python puts bench/ first on the path; the suite imports `bench.*` from the root.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != ROOT / "bench"]
sys.path.insert(0, str(ROOT))

from bench.harness import env, procs, stores, venv  # noqa: E402
from bench.harness.context import Context, Sizes, log  # noqa: E402
from bench.systems import all_systems  # noqa: E402

FIGURES = [
    "machine",
    "enqueue",
    "drain",
    "drain_threads",
    "drain_async",
    "latency",
    "crash",
    "http",
    "memory",
    "monitoring",
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small sizes, 1 repetition")
    parser.add_argument("--only", default=",".join(FIGURES), help="comma-separated figures")
    parser.add_argument("--systems", default="", help="comma-separated systems (default: all)")
    parser.add_argument("--reps", type=int, default=None, help="override the repetitions")
    parser.add_argument(
        "--threads",
        default="",
        help="tasks at once per worker process in drain_threads and drain_async, comma-separated "
        "(default 1,4,8,16,32; with --quick 1,32)",
    )
    parser.add_argument("--no-report", action="store_true", help="keep docs/benchmarks.md as it is")
    parser.add_argument(
        "--report-only",
        type=Path,
        metavar="JSON",
        help="only rewrite docs/benchmarks.md from a saved run (e.g. bench/results/full.json)",
    )
    args = parser.parse_args()
    if args.report_only:
        from bench import report

        report.write(json.loads(args.report_only.read_text()))
        log(f"wrote {env.DOCS_DIR / 'benchmarks.md'} from {args.report_only}")
        return

    run(args, parser)


def run(args: argparse.Namespace, parser: argparse.ArgumentParser) -> None:
    figures = [f for f in args.only.split(",") if f]
    unknown = sorted(set(figures) - set(FIGURES))
    if unknown:
        parser.error(f"unknown figures: {', '.join(unknown)}")
    sizes = Sizes.quick() if args.quick else Sizes()
    if args.reps:
        sizes = Sizes(**{**sizes.__dict__, "reps": args.reps})
    if args.threads:
        threads = tuple(int(t) for t in args.threads.split(",") if t)
        if not threads or min(threads) < 1:
            parser.error("--threads takes positive integers, e.g. 1,8,32")
        sizes = Sizes(**{**sizes.__dict__, "threads": threads})
    systems = all_systems()
    if args.systems:
        wanted = args.systems.split(",")
        systems = [s for s in systems if s.name in wanted]

    atexit.register(procs.kill_all)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))

    log("setting up bench/.venv, the benchmark database and Redis databases")
    venv.ensure()
    stores.ensure_database()
    stores.claim_redis_databases()
    for system in systems:
        system.prepare()
    ctx = Context(systems=systems, sizes=sizes)
    ctx.reset()

    _measure(ctx, figures, quick=args.quick, report_wanted=not args.no_report)


def _measure(ctx: Context, figures: list[str], *, quick: bool, report_wanted: bool) -> None:
    systems, sizes = ctx.systems, ctx.sizes
    started = time.time()
    data: dict[str, Any] = {
        "quick": quick,
        "sizes": sizes.__dict__,
        "started_at": time.strftime("%Y-%m-%d %H:%M:%S %Z"),
        "systems": [
            {
                "name": s.name,
                "label": s.label,
                "version": s.version(),
                "bulk_api": s.bulk_api,
                "settings": s.settings,
                "threaded_settings": s.threaded_settings,
                "runs_coroutines": s.runs_coroutines,
            }
            for s in systems
        ],
    }
    from bench.figures import machine

    data["load_before"] = machine.loadavg()
    for figure in figures:
        log(f"figure: {figure}")
        module = __import__(f"bench.figures.{figure}", fromlist=["run"])
        try:
            data[figure] = module.run(ctx)
        except Exception as exc:  # noqa: BLE001  (one failed figure must not lose the others)
            log(f"figure {figure} failed: {exc!r}")
            data[figure] = {"error": repr(exc)}
        finally:
            procs.kill_all()
        _save(data)
    data["load_after"] = machine.loadavg()
    data["duration_s"] = time.time() - started
    ctx.reset()
    _save(data)
    stamp = time.strftime("%Y%m%d-%H%M%S", time.localtime(started))
    (env.RESULTS_DIR / f"run-{stamp}{'-quick' if quick else ''}.json").write_text(
        json.dumps(data, indent=1, default=str)
    )
    if report_wanted:
        from bench import report

        report.write(data)
        log(f"wrote {env.DOCS_DIR / 'benchmarks.md'}")
    log(f"done in {data['duration_s'] / 60:.1f} min; raw data in {env.RESULTS_DIR / 'latest.json'}")


def _save(data: dict[str, Any]) -> None:
    env.RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    (env.RESULTS_DIR / "latest.json").write_text(json.dumps(data, indent=1, default=str))


if __name__ == "__main__":
    main()
