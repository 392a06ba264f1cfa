"""The Redis dispatch index: the only package that imports `redis`."""

from django_task_queue.broker.client import Broker, QueueDepths, WorkerRecord, get_broker

__all__ = ["Broker", "QueueDepths", "WorkerRecord", "get_broker"]
