"""The state machine's table: every status reachable, finished ones only by their verbs."""

from django_task_queue.states import TRANSITIONS, TaskStatus, can


def test_every_status_is_reachable_and_finished_ones_only_by_their_verbs() -> None:
    targets = {status for _, ends in TRANSITIONS.values() for status in ends}
    assert targets == set(TaskStatus)
    assert can("claim", "retry")
    assert not can("claim", "success")
    assert not can("cancel", "processing")
    assert can("retry", "failed")
