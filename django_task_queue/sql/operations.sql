-- The SQL of operations (maintenance commands and the admin), looked up by name through
-- services/housekeeping.py. None of it runs on the hot path.

-- name: purge_batch --
-- One batch of the purge: finished tasks completed before a cut-off, oldest first (through the
-- completed_at index), with their attempts. Rows another transaction holds are left for later.
WITH doomed AS (
    SELECT id
    FROM django_task_queue_task
    WHERE status = ANY(%(statuses)s::text[]) AND completed_at < %(before)s
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

-- name: counts_by_queue --
SELECT queue_name, status, count(*)
FROM django_task_queue_task
GROUP BY queue_name, status;

-- name: queue_names --
-- Distinct queue names by a loose index scan: one index probe per name, not a table scan.
WITH RECURSIVE names AS (
    (SELECT queue_name AS name FROM django_task_queue_task ORDER BY queue_name LIMIT 1)
    UNION ALL
    SELECT (SELECT t.queue_name FROM django_task_queue_task t
            WHERE t.queue_name > names.name ORDER BY t.queue_name LIMIT 1)
    FROM names
    WHERE names.name IS NOT NULL
)
SELECT name FROM names WHERE name IS NOT NULL LIMIT %(limit)s;

-- name: task_names --
-- Distinct task names by a loose index scan (dtq_task_name_created leads with task_name).
WITH RECURSIVE names AS (
    (SELECT task_name AS name FROM django_task_queue_task ORDER BY task_name LIMIT 1)
    UNION ALL
    SELECT (SELECT t.task_name FROM django_task_queue_task t
            WHERE t.task_name > names.name ORDER BY t.task_name LIMIT 1)
    FROM names
    WHERE names.name IS NOT NULL
)
SELECT name FROM names WHERE name IS NOT NULL LIMIT %(limit)s;
