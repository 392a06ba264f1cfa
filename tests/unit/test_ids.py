import time
import uuid

from django_task_queue.ids import new_id, new_ids


def test_ids_are_rfc_version_7_uuids() -> None:
    ids = [*new_ids(500), new_id()]

    assert {(task_id.version, task_id.variant) for task_id in ids} == {(7, uuid.RFC_4122)}


def test_an_id_begins_with_the_millisecond_it_was_made_in() -> None:
    before_ms = time.time_ns() // 1_000_000
    task_id = new_id()
    after_ms = time.time_ns() // 1_000_000

    assert before_ms <= task_id.int >> 80 <= after_ms


def test_ids_of_one_batch_are_distinct_in_their_random_bits() -> None:
    ids = new_ids(10_000)

    assert len(set(ids)) == 10_000
    # The 74 random bits differ even though every id of the batch has the same time.
    assert len({task_id.int >> 80 for task_id in ids}) == 1


def test_a_later_millisecond_sorts_after_every_earlier_id() -> None:
    earlier = new_ids(100)
    time.sleep(0.002)
    later = new_ids(100)

    assert max(earlier) < min(later)
