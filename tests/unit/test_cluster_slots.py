"""Keys grouped by hash slot for a Redis Cluster: one group per queue, whatever else it holds."""

from __future__ import annotations

import pytest
from pytest_django.fixtures import Settings

from django_task_queue.broker.cluster import by_slot
from django_task_queue.broker.connection import connect
from django_task_queue.broker.keys import KeySpace
from django_task_queue.exceptions import ConfigurationError
from tests.api.conftest import set_task_queue


def test_every_key_of_a_queue_falls_in_one_slot_and_queues_in_their_own() -> None:
    keys = KeySpace("dtq", cluster=True)
    a, b = keys.queue("a"), keys.queue("b")

    groups = by_slot([a.notify, b.notify, a.events, a.ready, b.ready])

    assert groups == [[a.notify, a.events, a.ready], [b.notify, b.ready]]


def test_on_a_cluster_the_queue_set_and_the_epoch_marker_share_a_slot() -> None:
    keys = KeySpace("dtq", cluster=True)

    assert len(by_slot([keys.queues, keys.epoch])) == 1
    assert (KeySpace("dtq").queues, KeySpace("dtq").epoch) == ("dtq:queues", "dtq:epoch")


def test_a_cluster_url_naming_a_database_other_than_0_is_refused(settings: Settings) -> None:
    set_task_queue(settings, REDIS_CLUSTER=True)

    with pytest.raises(ConfigurationError, match="only 0"):
        connect("redis://127.0.0.1:1/3")
