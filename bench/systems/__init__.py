"""Every system the benchmark drives, in the order they take turns."""

from bench.systems.base import System
from bench.systems.celery_system import CelerySystem
from bench.systems.djtasks_system import DjTasksSystem
from bench.systems.dramatiq_system import DramatiqSystem
from bench.systems.dtq_system import DtqSystem
from bench.systems.huey_system import HueySystem
from bench.systems.rq_system import RqSystem


def all_systems() -> list[System]:
    return [
        DtqSystem(),
        CelerySystem(),
        RqSystem(),
        DramatiqSystem(),
        HueySystem(),
        DjTasksSystem(),
    ]


def by_name(name: str) -> System:
    for system in all_systems():
        if system.name == name:
            return system
    raise KeyError(name)
