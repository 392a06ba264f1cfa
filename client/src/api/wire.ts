/** The API's wire shapes, exactly as docs/api.md describes them (snake_case, ISO-8601 strings). */

export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

export interface WireEnvelope<T> {
  success: boolean;
  data?: T;
  meta?: WireListMeta;
  message?: string;
  errors?: Record<string, string[] | string>;
}

export interface WireListMeta {
  page: number;
  page_size: number;
  count: number;
  count_is_estimate: boolean;
  has_next: boolean;
  has_previous: boolean;
}

export interface WireTask {
  id: string;
  task_name: string;
  status: string;
  args: JsonValue[];
  kwargs: Record<string, JsonValue>;
  priority: number;
  priority_name: string;
  queue_name: string;
  result: JsonValue;
  error_message: string | null;
  traceback: string | null;
  retry_count: number;
  max_retries: number;
  retry_delay: number;
  timeout: number;
  attempt: number;
  worker_id: string | null;
  created_at: string;
  updated_at: string;
  run_after: string | null;
  started_at: string | null;
  completed_at: string | null;
  next_retry_at: string | null;
  workflow_id?: string | null;
  /** The schedule that made the task, and the tick it was made for (null for other tasks). */
  schedule_name?: string | null;
  scheduled_for?: string | null;
}

export interface WireAttempt {
  number: number;
  worker_id: string | null;
  started_at: string | null;
  finished_at: string | null;
  outcome: string;
  error_type: string | null;
  error_message: string | null;
  traceback: string | null;
  duration_ms: number | null;
}

export interface WireTaskDetail extends WireTask {
  attempts?: WireAttempt[];
  waiting_reason?: string | null;
}

export interface WireQueueStats {
  queue_name: string;
  redis_ready: number;
  redis_delayed: number;
  redis_processing: number;
  pending: number;
  scheduled: number;
  retry: number;
  processing: number;
  failed: number;
  drift: number;
  oldest_waiting_age_s: number | null;
  live_workers: number;
  paused?: boolean;
  concurrency_limit?: number | null;
  rate_limit?: string | null;
}

export interface WirePercentiles {
  p50: number | null;
  p95: number | null;
}

export interface WireStats {
  generated_at: string;
  window_minutes: number;
  counts: Record<string, number>;
  counts_are_estimates: boolean;
  queues: WireQueueStats[];
  throughput: { minute: string; completed: number; failed: number }[];
  wait_time_ms: WirePercentiles;
  run_time_ms: WirePercentiles;
  wait_by_priority: { priority_name: string; waiting: number; p50_ms: number | null; p95_ms: number | null }[];
}

export interface WireFailureGroup {
  error_type: string | null;
  error_message: string | null;
  task_name: string;
  count: number;
  last_seen_at: string | null;
  example_task_id: string | null;
}

export interface WireRunningTask {
  task_id: string;
  task_name: string;
  queue_name: string;
  attempt: number;
  slot: number;
  started_at: string | null;
}

export interface WireWorker {
  worker_id: string;
  hostname: string;
  pid: number | null;
  queues: string[];
  current_task_id: string | null;
  started_at: string | null;
  last_seen_at: string | null;
  heartbeat_age_s: number | null;
  tasks_done: number;
  state: string;
  concurrency: number;
  busy: number;
  running_tasks: WireRunningTask[];
}

export interface WireParameter {
  name: string;
  kind: string;
  required: boolean;
  default?: JsonValue;
}

export interface WireTaskFunction {
  name: string;
  doc: string | null;
  signature: string;
  parameters: WireParameter[];
  defaults: {
    priority_name: string;
    priority: number;
    max_retries: number;
    retry_delay: number;
    retry_backoff?: JsonValue;
    timeout: number;
    queue_name: string;
  };
}

export interface WireMe {
  authenticated: boolean;
  username: string | null;
  can_write: boolean;
  auth_required: boolean;
}

export interface WireHealth {
  postgres: { ok: boolean; error: string | null };
  redis: { ok: boolean; error: string | null };
  workers_alive: number;
}

export interface WireSchedule {
  name: string;
  task_name: string;
  cron: string | null;
  every_seconds: number | null;
  timezone: string;
  trigger: string;
  queue_name: string;
  priority: number;
  catch_up: string;
  skip_if_running: boolean;
  enabled: boolean;
  orphaned: boolean;
  next_run_at: string | null;
  last_run_at: string | null;
  last_task_id: string | null;
  last_task_status: string | null;
  lag_seconds: number | null;
  skipped_ticks: number;
}

export interface WireScheduleRun {
  task_id: string;
  scheduled_for: string;
  status: string;
  created_at: string;
  started_at: string | null;
  completed_at: string | null;
}

export interface WireScheduleDetail extends WireSchedule {
  recent_runs?: WireScheduleRun[];
}

/** Body of POST /api/tasks/. */
export interface WireTaskCreate {
  task_name: string;
  args?: JsonValue[];
  kwargs?: Record<string, JsonValue>;
  priority?: string | number;
  max_retries?: number;
  retry_delay?: number;
  timeout?: number;
  queue_name?: string;
  run_after?: string | null;
  countdown?: number;
}

export interface WireWorkflowStep {
  kind: string;
  path: string;
  state: string;
  reason: string | null;
  allow_failures: boolean;
  task_name: string | null;
  task_id: string | null;
  task_status: string | null;
  steps: WireWorkflowStep[];
}

export interface WireWorkflowProgress {
  total: number;
  waiting: number;
  running: number;
  success: number;
  failed: number;
  cancelled: number;
}

export interface WireWorkflowDetail {
  id: string;
  status: string;
  reason: string | null;
  created_at: string;
  updated_at: string;
  finished_at: string | null;
  progress: WireWorkflowProgress;
  tree: WireWorkflowStep;
}

/** The `data` of a `task` message of GET /api/events/ (its SSE `id` is the stream's id). */
export interface WireTaskEvent {
  type: string;
  task_id: string;
  task_name: string;
  queue_name: string;
  status: string;
  attempt: number;
  priority: number;
  at: string;
}

/** The `data` of a `reset` message: the events since Last-Event-ID are gone, refetch. */
export interface WireStreamReset {
  reason: string;
  message: string;
}
