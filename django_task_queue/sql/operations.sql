-- The SQL of operations on many tasks (the purge), run by name through store.py from
-- services/housekeeping.py. None of it runs on the hot path.

-- name: purge_batch --
-- One batch of the purge (and of the retention pruner): finished tasks completed before a
-- cut-off, of the given queues (all when null) but the excepted ones, oldest first (through the
-- completed_at index), with their attempts. Rows another transaction holds are left for later,
-- so pruners on several hosts share the work.
WITH doomed AS (
    SELECT id
    FROM django_task_queue_task
    WHERE status = ANY(%(statuses)s::text[]) AND completed_at < %(before)s
      AND (%(queues)s::text[] IS NULL OR queue_name = ANY(%(queues)s::text[]))
      AND NOT (queue_name = ANY(%(except_queues)s::text[]))
    ORDER BY completed_at
    LIMIT %(limit)s
    FOR UPDATE SKIP LOCKED
), attempts AS (
    DELETE FROM django_task_queue_attempt
    WHERE task_id IN (SELECT id FROM doomed)
    RETURNING 1
), tasks AS (
    DELETE FROM django_task_queue_task
    WHERE id IN (SELECT id FROM doomed)
    RETURNING 1
)
SELECT (SELECT count(*) FROM tasks), (SELECT count(*) FROM attempts);

-- name: purge_count --
-- What a purge would delete (the dry run).
SELECT count(*),
       COALESCE(sum((SELECT count(*) FROM django_task_queue_attempt a WHERE a.task_id = t.id)), 0)
FROM django_task_queue_task t
WHERE t.status = ANY(%(statuses)s::text[]) AND t.completed_at < %(before)s;
