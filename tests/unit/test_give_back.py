"""A worker's check before the next task of a batch: silence on the announcement channels lets
it go on without asking Redis only while its task still ranks ahead of what it last saw."""

from __future__ import annotations

import math

from hypothesis import given
from hypothesis import strategies as st

from django_task_queue.worker.decisions import (
    RECHECK_AFTER_S,
    LastLook,
    Moment,
    after_claim,
    check_for_better,
)


class _World:
    """What a look reads: announcements heard, in order (then silence), the best task of a claim
    made ahead, and the ready head Redis would report."""

    def __init__(
        self,
        heard: list[bool | None],
        head_score: float,
        claimed_ahead: tuple[str, float] | None = None,
    ) -> None:
        self.announcements = heard
        self.head_score = head_score
        self.claimed_ahead = claimed_ahead
        self.reads = 0
        self.looks = 0

    @property
    def queue_names(self) -> list[str]:
        return ["default"]

    def heard(self) -> bool | None:
        self.reads += 1
        return self.announcements.pop(0) if self.announcements else False

    def claimed_ahead_head(self) -> tuple[str, float] | None:
        return self.claimed_ahead

    def ready_bound(self, queue_name: str) -> float:
        self.looks += 1
        return self.head_score


def _check(
    last: LastLook,
    world: _World,
    score: float,
    *,
    after_s: float = RECHECK_AFTER_S,
    pushes: int | None = None,
) -> tuple[LastLook, bool]:
    """The check for a task of `score` in queue "default", `after_s` after the last look."""
    now = Moment(last.at_s + after_s, last.pushes_seen if pushes is None else pushes)
    return check_for_better(last, ("default", score), now, world)


def test_silence_after_a_claim_asks_world_nothing() -> None:
    world = _World(heard=[], head_score=1.0)

    _, gives_back = _check(after_claim(0.0, 0), world, 5.0)

    assert not gives_back
    assert world.looks == 0


def test_an_announcement_sends_the_worker_to_look_and_it_keeps_what_it_saw() -> None:
    # The batch holds tasks scoring 2 and 4; a task scoring 3 was announced meanwhile.
    world = _World(heard=[True], head_score=3.0)
    last = after_claim(0.0, 0)

    last, gives_back = _check(last, world, 2.0)
    assert not gives_back  # the 3 ranks behind it
    assert world.looks == 1
    last, gives_back = _check(last, world, 2.5)
    assert not gives_back  # silence, and still ahead of the 3
    assert world.looks == 1
    last, gives_back = _check(last, world, 4.0)
    assert gives_back  # silence, but the 3 it saw ranks ahead: look again
    assert world.looks == 2


def test_not_listening_means_asking_redis() -> None:
    world = _World(heard=[None, None], head_score=10.0)
    last = after_claim(0.0, 0)

    last, first = _check(last, world, 5.0)
    last, second = _check(last, world, 6.0)

    assert not first
    assert not second
    assert world.looks == 2


def test_before_the_recheck_interval_the_worker_reads_and_asks_nothing() -> None:
    world = _World(heard=[True], head_score=1.0)
    last = after_claim(0.0, 0)

    after, gives_back = _check(last, world, 5.0, after_s=RECHECK_AFTER_S / 2)

    assert (after, gives_back) == (last, False)
    assert (world.reads, world.looks) == (0, 0)  # the announcement is kept for the next look


def test_a_push_by_this_process_sends_the_worker_to_look_at_once() -> None:
    world = _World(heard=[], head_score=1.0)
    last = after_claim(0.0, 0)

    after, gives_back = _check(last, world, 5.0, after_s=0.0, pushes=1)

    assert gives_back
    assert world.looks == 1
    assert after.pushes_seen == 1


def test_a_better_task_claimed_ahead_gives_the_batch_back_without_asking_redis() -> None:
    world = _World(heard=[True], head_score=math.inf, claimed_ahead=("default", 1.0))

    _, gives_back = _check(after_claim(0.0, 0), world, 5.0)

    assert gives_back
    assert world.looks == 0


def test_a_task_of_an_earlier_queue_ready_gives_back_a_task_of_a_later_one() -> None:
    class _TwoQueues(_World):
        @property
        def queue_names(self) -> list[str]:
            return ["urgent", "bulk"]

    # Redis' answer when "urgent" has a task ready.
    world = _TwoQueues(heard=[True], head_score=-math.inf)

    _, gives_back = check_for_better(after_claim(0.0, 0), ("bulk", 1.0), Moment(1.0, 0), world)

    assert gives_back


_scores = st.floats(min_value=-1e12, max_value=1e12, allow_nan=False)


@given(
    seen=st.one_of(_scores, st.just(math.inf)),
    task=_scores,
    head=_scores,
    announced=st.sampled_from([True, None]),
    after_s=st.floats(min_value=RECHECK_AFTER_S, max_value=3600),
)
def test_a_better_ready_task_always_gives_the_batch_back_once_the_interval_passed(
    seen: float, task: float, head: float, announced: bool | None, after_s: float
) -> None:
    # The last look saw nothing below `seen`; `head` is what is ready now. A task that became
    # ready ahead of the head of then was announced (or the worker was not listening).
    heard = announced if head < seen else False
    world = _World(heard=[heard], head_score=head)
    last = LastLook(at_s=0.0, pushes_seen=0, queue_name="default", bound=seen)

    _, gives_back = _check(last, world, task, after_s=after_s)

    assert gives_back == (head < task)


@given(
    seen=st.one_of(_scores, st.just(math.inf)),
    task=_scores,
    heard=st.sampled_from([True, False, None]),
    after_s=st.floats(min_value=0, max_value=RECHECK_AFTER_S, exclude_max=True),
)
def test_within_the_interval_and_without_a_push_the_check_costs_nothing(
    seen: float, task: float, heard: bool | None, after_s: float
) -> None:
    world = _World(heard=[heard], head_score=-math.inf)
    last = LastLook(at_s=0.0, pushes_seen=3, queue_name="default", bound=seen)

    after, gives_back = _check(last, world, task, after_s=after_s)

    assert (after, gives_back) == (last, False)
    assert (world.reads, world.looks) == (0, 0)
