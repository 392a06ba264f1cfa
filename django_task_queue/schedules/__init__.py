"""Periodic tasks with no beat process: every run_worker supervisor runs a scheduler, and
PostgreSQL makes each tick of each schedule one task however many of them try it.

    from django_task_queue.schedules import cron, every

    @task_registry.register("nightly_report", schedule=cron("0 3 * * *", tz="Europe/Paris"))
    def nightly_report(): ...

See docs/schedules.md.
"""

from django_task_queue.schedules.rules import CatchUp, Rule, cron, every

__all__ = ["CatchUp", "Rule", "cron", "every"]
