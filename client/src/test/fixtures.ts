/** Wire-shaped sample data for tests. */
import type {
  WireRunningTask,
  WireSchedule,
  WireScheduleDetail,
  WireScheduleRun,
  WireTask,
  WireTaskDetail,
  WireTaskFunction,
  WireWorker,
} from '../api/wire';

export function wireTask(overrides: Partial<WireTask> = {}): WireTask {
  return {
    id: '3f2b8c1e-0000-4000-8000-000000000001',
    task_name: 'add_numbers',
    status: 'pending',
    args: [10, 20],
    kwargs: {},
    priority: 0,
    priority_name: 'normal',
    queue_name: 'default',
    result: null,
    error_message: null,
    traceback: null,
    retry_count: 0,
    max_retries: 3,
    retry_delay: 60,
    timeout: 300,
    attempt: 0,
    worker_id: null,
    created_at: '2025-01-02T03:04:05Z',
    updated_at: '2025-01-02T03:04:05Z',
    run_after: null,
    started_at: null,
    completed_at: null,
    next_retry_at: null,
    schedule_name: null,
    scheduled_for: null,
    ...overrides,
  };
}

export function wireTaskDetail(overrides: Partial<WireTaskDetail> = {}): WireTaskDetail {
  return { attempts: [], waiting_reason: null, ...wireTask(overrides), ...overrides };
}

export const addNumbersFunction: WireTaskFunction = {
  name: 'add_numbers',
  doc: 'Add two numbers.',
  signature: '(a, b)',
  parameters: [
    { name: 'a', kind: 'POSITIONAL_OR_KEYWORD', required: true, default: null },
    { name: 'b', kind: 'POSITIONAL_OR_KEYWORD', required: true, default: null },
  ],
  defaults: { priority_name: 'normal', priority: 0, max_retries: 3, retry_delay: 60, retry_backoff: true, timeout: 300, queue_name: 'default' },
};

export const slowTaskFunction: WireTaskFunction = {
  name: 'slow_task',
  doc: 'Sleep for a while.',
  signature: "(duration=5, message='Processing...')",
  parameters: [
    { name: 'duration', kind: 'POSITIONAL_OR_KEYWORD', required: false, default: 5 },
    { name: 'message', kind: 'POSITIONAL_OR_KEYWORD', required: false, default: 'Processing...' },
  ],
  defaults: { priority_name: 'normal', priority: 0, max_retries: 3, retry_delay: 60, retry_backoff: true, timeout: 300, queue_name: 'default' },
};

export function wireRunningTask(overrides: Partial<WireRunningTask> = {}): WireRunningTask {
  return {
    task_id: '3f2b8c1e-0000-4000-8000-000000000001',
    task_name: 'add_numbers',
    queue_name: 'default',
    attempt: 1,
    slot: 0,
    started_at: '2025-01-02T03:04:05Z',
    ...overrides,
  };
}

export function wireWorker(overrides: Partial<WireWorker> = {}): WireWorker {
  return {
    worker_id: 'box-4242-a1b2',
    hostname: 'box',
    pid: 4242,
    queues: ['default'],
    current_task_id: null,
    started_at: '2025-01-02T03:00:00Z',
    last_seen_at: '2025-01-02T03:05:00Z',
    heartbeat_age_s: 1,
    tasks_done: 7,
    state: 'idle',
    concurrency: 1,
    busy: 0,
    running_tasks: [],
    ...overrides,
  };
}

/** The example project's sample schedule, as GET /api/schedules/ lists it. */
export function wireSchedule(overrides: Partial<WireSchedule> = {}): WireSchedule {
  return {
    name: 'example-heartbeat',
    task_name: 'record_heartbeat',
    cron: '* * * * *',
    every_seconds: null,
    timezone: 'UTC',
    trigger: 'cron * * * * * (UTC)',
    queue_name: 'default',
    priority: 0,
    catch_up: 'latest',
    skip_if_running: false,
    enabled: true,
    orphaned: false,
    next_run_at: '2025-01-02T03:06:00Z',
    last_run_at: '2025-01-02T03:05:00Z',
    last_task_id: '3f2b8c1e-0000-4000-8000-0000000000c1',
    last_task_status: 'success',
    lag_seconds: 0.012,
    skipped_ticks: 0,
    ...overrides,
  };
}

export function wireScheduleRun(overrides: Partial<WireScheduleRun> = {}): WireScheduleRun {
  return {
    task_id: '3f2b8c1e-0000-4000-8000-0000000000c1',
    scheduled_for: '2025-01-02T03:05:00Z',
    status: 'success',
    created_at: '2025-01-02T03:05:00.012Z',
    started_at: '2025-01-02T03:05:00.050Z',
    completed_at: '2025-01-02T03:05:00.080Z',
    ...overrides,
  };
}

export function wireScheduleDetail(overrides: Partial<WireScheduleDetail> = {}): WireScheduleDetail {
  return { recent_runs: [wireScheduleRun()], ...wireSchedule(overrides), ...overrides };
}
