"""A worker's check before the next task of a batch: silence on the announcement channels lets
it go on without asking Redis only while its task still ranks ahead of what it last saw."""

from __future__ import annotations

import math

from hypothesis import given
from hypothesis import strategies as st

from django_task_queue.worker.decisions import (
    RECHECK_AFTER_S,
    LastLook,
    after_claim,
    check_for_better,
)


class _Redis:
    """Announcements heard, in order (then silence), and the ready head Redis would report."""

    def __init__(self, heard: list[bool | None], head_score: float) -> None:
        self.heard = heard
        self.head_score = head_score
        self.reads = 0
        self.looks = 0

    def heard_of_better(self) -> bool | None:
        self.reads += 1
        return self.heard.pop(0) if self.heard else False

    def best_ready_score(self, queue_name: str) -> float:
        self.looks += 1
        return self.head_score


def _check(
    last: LastLook,
    redis: _Redis,
    score: float,
    *,
    after_s: float = RECHECK_AFTER_S,
    pushes: int | None = None,
    claimed_ahead: tuple[str, float] | None = None,
) -> tuple[LastLook, bool]:
    """The check for a task of `score` in queue "default", `after_s` after the last look."""
    return check_for_better(
        last,
        ("default", score),
        now_s=last.at_s + after_s,
        pushes=last.pushes_seen if pushes is None else pushes,
        heard=redis.heard_of_better,
        claimed_ahead_head=lambda: claimed_ahead,
        ready_bound=redis.best_ready_score,
        queue_names=["default"],
    )


def test_silence_after_a_claim_asks_redis_nothing() -> None:
    redis = _Redis(heard=[], head_score=1.0)

    _, gives_back = _check(after_claim(0.0, 0), redis, 5.0)

    assert not gives_back
    assert redis.looks == 0


def test_an_announcement_sends_the_worker_to_look_and_it_keeps_what_it_saw() -> None:
    # The batch holds tasks scoring 2 and 4; a task scoring 3 was announced meanwhile.
    redis = _Redis(heard=[True], head_score=3.0)
    last = after_claim(0.0, 0)

    last, gives_back = _check(last, redis, 2.0)
    assert not gives_back  # the 3 ranks behind it
    assert redis.looks == 1
    last, gives_back = _check(last, redis, 2.5)
    assert not gives_back  # silence, and still ahead of the 3
    assert redis.looks == 1
    last, gives_back = _check(last, redis, 4.0)
    assert gives_back  # silence, but the 3 it saw ranks ahead: look again
    assert redis.looks == 2


def test_not_listening_means_asking_redis() -> None:
    redis = _Redis(heard=[None, None], head_score=10.0)
    last = after_claim(0.0, 0)

    last, first = _check(last, redis, 5.0)
    last, second = _check(last, redis, 6.0)

    assert not first
    assert not second
    assert redis.looks == 2


def test_before_the_recheck_interval_the_worker_reads_and_asks_nothing() -> None:
    redis = _Redis(heard=[True], head_score=1.0)
    last = after_claim(0.0, 0)

    after, gives_back = _check(last, redis, 5.0, after_s=RECHECK_AFTER_S / 2)

    assert (after, gives_back) == (last, False)
    assert (redis.reads, redis.looks) == (0, 0)  # the announcement is kept for the next look


def test_a_push_by_this_process_sends_the_worker_to_look_at_once() -> None:
    redis = _Redis(heard=[], head_score=1.0)
    last = after_claim(0.0, 0)

    after, gives_back = _check(last, redis, 5.0, after_s=0.0, pushes=1)

    assert gives_back
    assert redis.looks == 1
    assert after.pushes_seen == 1


def test_a_better_task_claimed_ahead_gives_the_batch_back_without_asking_redis() -> None:
    redis = _Redis(heard=[True], head_score=math.inf)

    _, gives_back = _check(after_claim(0.0, 0), redis, 5.0, claimed_ahead=("default", 1.0))

    assert gives_back
    assert redis.looks == 0


def test_a_task_of_an_earlier_queue_ready_gives_back_a_task_of_a_later_one() -> None:
    last = after_claim(0.0, 0)

    _, gives_back = check_for_better(
        last,
        ("bulk", 1.0),
        now_s=1.0,
        pushes=0,
        heard=lambda: True,
        claimed_ahead_head=lambda: None,
        ready_bound=lambda queue_name: -math.inf,  # Redis' answer when "urgent" has a task
        queue_names=["urgent", "bulk"],
    )

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
    redis = _Redis(heard=[heard], head_score=head)
    last = LastLook(at_s=0.0, pushes_seen=0, queue_name="default", bound=seen)

    _, gives_back = _check(last, redis, task, after_s=after_s)

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
    redis = _Redis(heard=[heard], head_score=-math.inf)
    last = LastLook(at_s=0.0, pushes_seen=3, queue_name="default", bound=seen)

    after, gives_back = _check(last, redis, task, after_s=after_s)

    assert (after, gives_back) == (last, False)
    assert (redis.reads, redis.looks) == (0, 0)
