from django_task_queue.broker.client import Broker
from django_task_queue.models import Task
from django_task_queue.services import enqueue


def test_enqueued_task_is_ready_in_redis(stores: Broker) -> None:
    task = enqueue("add_numbers", [1, 2])

    assert Task.objects.get(pk=task.id).status == "pending"
    assert stores.ready_ids("default", 10) == [str(task.id)]
