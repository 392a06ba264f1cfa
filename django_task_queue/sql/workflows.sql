-- The SQL of workflows (chains, groups, chords), run by name through store.py from
-- workflows/. None of it runs for a task outside a workflow: the hot path reaches it only for a
-- task whose row has a workflow_id.

-- name: insert_workflow --
INSERT INTO django_task_queue_workflow (id, status, created_at, updated_at)
VALUES (%(id)s, 'running', %(now)s, %(now)s);

-- name: insert_workflow_steps --
-- Every step of a new workflow's tree, in pre-order.
INSERT INTO django_task_queue_workflowstep (
    workflow_id, position, parent, index, last, kind, path, state, allow_failures, remaining,
    spec
)
SELECT %(workflow_id)s, s.position, s.parent, s.index, s.last, s.kind, s.path, 'waiting',
       s.allow_failures, s.remaining, s.spec::jsonb
FROM unnest(
    %(positions)s::int[], %(parents)s::int[], %(indexes)s::int[], %(lasts)s::int[],
    %(kinds)s::text[], %(paths)s::text[], %(allow_failures)s::bool[], %(remainings)s::int[],
    %(specs)s::text[]
) AS s(position, parent, index, last, kind, path, allow_failures, remaining, spec);

-- name: insert_workflow_tasks --
-- The tasks of steps that have become runnable, as insert_tasks with their workflow's id and
-- their limit groups.
INSERT INTO django_task_queue_task (
    id, task_name, args, kwargs, priority, queue_name, status, retry_count, max_retries,
    retry_delay, retry_backoff, timeout, attempt, created_at, updated_at, workflow_id,
    limit_group
)
SELECT t.id, t.task_name, t.args::jsonb, t.kwargs::jsonb, t.priority, t.queue_name, 'pending', 0,
       t.max_retries, t.retry_delay, t.retry_backoff, t.timeout, 0, %(now)s, %(now)s,
       %(workflow_id)s, t.limit_group
FROM unnest(
    %(ids)s::uuid[], %(task_names)s::text[], %(args)s::text[], %(kwargs)s::text[],
    %(priorities)s::smallint[], %(queue_names)s::text[], %(max_retries)s::int[],
    %(retry_delays)s::float8[], %(retry_backoffs)s::bool[], %(timeouts)s::float8[],
    %(limit_groups)s::text[]
) WITH ORDINALITY AS t(
    id, task_name, args, kwargs, priority, queue_name, max_retries, retry_delay, retry_backoff,
    timeout, limit_group, ord
)
ORDER BY t.ord
RETURNING id, seq, priority, queue_name;

-- name: start_steps --
-- Steps that have become runnable: running, a task step with its new task's id.
UPDATE django_task_queue_workflowstep AS s
SET state = 'running', task_id = started.task_id, reason = NULL
FROM unnest(%(positions)s::int[], %(task_ids)s::uuid[]) AS started(position, task_id)
WHERE s.workflow_id = %(workflow_id)s AND s.position = started.position
  AND s.state = 'waiting';

-- name: lock_workflows --
-- Advancing a workflow holds its row until commit, so its steps change one transaction at a
-- time; taken after the member's task row, as every path does (no lock-order deadlock).
SELECT id, status
FROM django_task_queue_workflow
WHERE id = ANY(%(ids)s::uuid[])
ORDER BY id
FOR UPDATE;

-- name: steps_of_tasks --
SELECT workflow_id, position, parent, index, last, kind, state, allow_failures, result::text,
       path, task_id
FROM django_task_queue_workflowstep
WHERE task_id = ANY(%(task_ids)s::uuid[]);

-- name: steps_between --
-- (jsonb as text, for one decoding whatever the cursor: Django's leaves jsonb undecoded.)
-- A subtree (its steps are numbered from its root's position to its `last`), or one step.
SELECT workflow_id, position, parent, index, last, kind, state, allow_failures, result::text,
       path, task_id, spec::text
FROM django_task_queue_workflowstep
WHERE workflow_id = %(workflow_id)s AND position BETWEEN %(first)s AND %(last)s
ORDER BY position;

-- name: steps_at --
-- (jsonb as text, as steps_between.) Some steps of a workflow, by position.
SELECT workflow_id, position, parent, index, last, kind, state, allow_failures, result::text,
       path, task_id, spec::text
FROM django_task_queue_workflowstep
WHERE workflow_id = %(workflow_id)s AND position = ANY(%(positions)s::int[]);

-- name: finish_steps --
-- finish_step for the members of one group that succeeded together (a worker's batch).
UPDATE django_task_queue_workflowstep AS s
SET state = 'success', result = f.result::jsonb, reason = NULL
FROM unnest(%(positions)s::int[], %(results)s::text[]) AS f(position, result)
WHERE s.workflow_id = %(workflow_id)s AND s.position = f.position AND s.state = 'running'
RETURNING s.position;

-- name: finish_step --
-- A running step's outcome, once: the guard that makes a member run twice count once.
UPDATE django_task_queue_workflowstep
SET state = %(state)s, result = %(result)s::jsonb, reason = %(reason)s
WHERE workflow_id = %(workflow_id)s AND position = %(position)s AND state = 'running'
RETURNING position;

-- name: count_group_member --
-- Group members finished (or failed where failures are allowed): the group's counter, in
-- PostgreSQL, says which transaction saw the last one.
UPDATE django_task_queue_workflowstep
SET remaining = remaining - %(count)s
WHERE workflow_id = %(workflow_id)s AND position = %(position)s AND remaining >= %(count)s
RETURNING remaining, state;

-- name: group_results --
-- A finished group's result: its members' results in the group's order, null for a failure.
SELECT COALESCE(
    jsonb_agg(CASE WHEN state = 'success' THEN result END ORDER BY index), '[]'::jsonb
)::text
FROM django_task_queue_workflowstep
WHERE workflow_id = %(workflow_id)s AND position BETWEEN %(first)s AND %(last)s
  AND parent = %(position)s;

-- name: finish_workflow --
UPDATE django_task_queue_workflow
SET status = %(status)s, reason = %(reason)s, finished_at = %(now)s, updated_at = %(now)s
WHERE id = %(workflow_id)s AND status = 'running'
RETURNING id;

-- name: waiting_member_tasks --
-- The tasks of a workflow's running task steps, for a failure or a cancel to stop.
SELECT task_id
FROM django_task_queue_workflowstep
WHERE workflow_id = %(workflow_id)s AND kind = 'task' AND state = 'running';

-- name: cancel_workflow_tasks --
-- Members that can no longer run, because their workflow failed or was cancelled: only those
-- still waiting; a running one finishes, and its outcome no longer advances the workflow.
UPDATE django_task_queue_task
SET status = 'cancelled', completed_at = %(now)s, updated_at = %(now)s, next_retry_at = NULL,
    error_message = %(reason)s
WHERE id = ANY(%(task_ids)s::uuid[])
  AND CASE WHEN status IN ('pending', 'retry') THEN true ELSE false END
RETURNING id, queue_name, task_name, attempt, priority;

-- name: cancel_steps --
-- The steps that will not run: those never started, and task steps whose task was cancelled.
UPDATE django_task_queue_workflowstep
SET state = 'cancelled', reason = %(reason)s
WHERE workflow_id = %(workflow_id)s
  AND (state = 'waiting' OR (state = 'running' AND task_id = ANY(%(task_ids)s::uuid[])));

-- name: resume_steps --
-- A retried member resumes its failed workflow: its failed ancestors run again, and the steps
-- its failure cancelled wait again (task steps: their tasks are retried too).
UPDATE django_task_queue_workflowstep
SET state = CASE WHEN position = ANY(%(positions)s::int[]) OR task_id IS NOT NULL
                 THEN 'running' ELSE 'waiting' END,
    reason = NULL
WHERE workflow_id = %(workflow_id)s
  AND (state = 'cancelled' OR (position = ANY(%(positions)s::int[]) AND state = 'failed'))
RETURNING task_id;

-- name: resume_workflow --
UPDATE django_task_queue_workflow
SET status = 'running', reason = NULL, finished_at = NULL, updated_at = %(now)s
WHERE id = %(workflow_id)s AND status IN ('failed', 'cancelled')
RETURNING id;
