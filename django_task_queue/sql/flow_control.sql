-- Flow control's statements (django_task_queue/flow_control/), looked up by name.

-- name: pause_queue --
-- A queue paused twice keeps the time of its first pause.
INSERT INTO django_task_queue_pausedqueue (queue_name, paused_at)
VALUES (%(queue_name)s, %(now)s)
ON CONFLICT (queue_name) DO NOTHING
RETURNING queue_name;

-- name: resume_queue --
DELETE FROM django_task_queue_pausedqueue
WHERE queue_name = %(queue_name)s
RETURNING queue_name;

-- name: paused_queues --
SELECT queue_name, paused_at FROM django_task_queue_pausedqueue ORDER BY queue_name;
