"""The Redis dispatch index: the only package that imports `redis`."""

from django_task_queue.broker.client import Broker, get_broker
from django_task_queue.broker.index_reads import QueueDepths
from django_task_queue.broker.registry import RunningRecord, WorkerRecord

__all__ = ["Broker", "QueueDepths", "RunningRecord", "WorkerRecord", "get_broker"]
