"""The RQ task function of the benchmark."""

from bench import workload


def bench_task(task_id: str, sleep_s: float) -> None:
    workload.run(task_id, sleep_s)
