/** The one place that turns wire shapes (snake_case, ISO strings) into app types and back. */
import type {
  Attempt,
  AttemptOutcome,
  CatchUp,
  FailureGroup,
  Health,
  ListMeta,
  Me,
  PriorityName,
  QueueStats,
  RunningTask,
  Schedule,
  ScheduleDetail,
  ScheduleRun,
  Stats,
  StatusCounts,
  Task,
  TaskCreate,
  TaskDetail,
  TaskFilters,
  TaskFunction,
  TaskStatus,
  Worker,
  WorkerState,
  WorkflowDetail,
  WorkflowStep,
} from './types';
import {
  ATTEMPT_OUTCOMES,
  CATCH_UP_MODES,
  PRIORITY_NAMES,
  STEP_KINDS,
  STEP_STATES,
  TASK_STATUSES,
  WORKER_STATES,
  WORKFLOW_STATUSES,
} from './types';
import type {
  WireAttempt,
  WireFailureGroup,
  WireHealth,
  WireListMeta,
  WireMe,
  WireQueueStats,
  WireRunningTask,
  WireSchedule,
  WireScheduleDetail,
  WireScheduleRun,
  WireStats,
  WireTask,
  WireTaskCreate,
  WireTaskDetail,
  WireTaskFunction,
  WireWorker,
  WireWorkflowDetail,
  WireWorkflowStep,
} from './wire';

/** An ISO-8601 string as a Date; null (or an unparsable string) as null. */
export function toDate(value: string | null | undefined): Date | null {
  if (!value) return null;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? null : date;
}

function toRequiredDate(value: string): Date {
  return toDate(value) ?? new Date(0);
}

function oneOf<T extends string>(allowed: readonly T[], value: string, fallback: T): T {
  return (allowed as readonly string[]).includes(value) ? (value as T) : fallback;
}

export function toStatus(value: string): TaskStatus {
  return oneOf(TASK_STATUSES, value, 'pending');
}

export function toPriorityName(value: string): PriorityName {
  return oneOf(PRIORITY_NAMES, value, 'normal');
}

export function toTask(wire: WireTask): Task {
  return {
    id: wire.id,
    taskName: wire.task_name,
    status: toStatus(wire.status),
    args: wire.args ?? [],
    kwargs: wire.kwargs ?? {},
    priority: wire.priority,
    priorityName: toPriorityName(wire.priority_name),
    queueName: wire.queue_name,
    result: wire.result ?? null,
    errorMessage: wire.error_message ?? null,
    traceback: wire.traceback ?? null,
    retryCount: wire.retry_count,
    maxRetries: wire.max_retries,
    retryDelay: wire.retry_delay,
    timeout: wire.timeout,
    attempt: wire.attempt,
    workerId: wire.worker_id ?? null,
    createdAt: toRequiredDate(wire.created_at),
    updatedAt: toRequiredDate(wire.updated_at),
    runAfter: toDate(wire.run_after),
    startedAt: toDate(wire.started_at),
    completedAt: toDate(wire.completed_at),
    nextRetryAt: toDate(wire.next_retry_at),
    workflowId: wire.workflow_id ?? null,
    scheduleName: wire.schedule_name ?? null,
    scheduledFor: toDate(wire.scheduled_for),
  };
}

export function toAttempt(wire: WireAttempt): Attempt {
  return {
    number: wire.number,
    workerId: wire.worker_id ?? null,
    startedAt: toDate(wire.started_at),
    finishedAt: toDate(wire.finished_at),
    outcome: oneOf<AttemptOutcome>(ATTEMPT_OUTCOMES, wire.outcome, 'error'),
    errorType: wire.error_type ?? null,
    errorMessage: wire.error_message ?? null,
    traceback: wire.traceback ?? null,
    durationMs: wire.duration_ms ?? null,
  };
}

export function toTaskDetail(wire: WireTaskDetail): TaskDetail {
  return {
    ...toTask(wire),
    attempts: (wire.attempts ?? []).map(toAttempt),
    waitingReason: wire.waiting_reason ?? null,
  };
}

export function toListMeta(wire: WireListMeta | undefined, itemCount: number): ListMeta {
  return {
    page: wire?.page ?? 1,
    pageSize: wire?.page_size ?? itemCount,
    count: wire?.count ?? itemCount,
    countIsEstimate: wire?.count_is_estimate ?? false,
    hasNext: wire?.has_next ?? false,
    hasPrevious: wire?.has_previous ?? false,
  };
}

function toCounts(wire: Record<string, number>): StatusCounts {
  const counts = { total: wire.total ?? 0 } as StatusCounts;
  for (const status of TASK_STATUSES) counts[status] = wire[status] ?? 0;
  return counts;
}

export function toQueueStats(wire: WireQueueStats): QueueStats {
  return {
    queueName: wire.queue_name,
    redisReady: wire.redis_ready,
    redisDelayed: wire.redis_delayed,
    redisProcessing: wire.redis_processing,
    pending: wire.pending,
    scheduled: wire.scheduled,
    retry: wire.retry,
    processing: wire.processing,
    failed: wire.failed,
    drift: wire.drift,
    oldestWaitingAgeS: wire.oldest_waiting_age_s ?? null,
    liveWorkers: wire.live_workers,
    paused: wire.paused ?? false,
    concurrencyLimit: wire.concurrency_limit ?? null,
    rateLimit: wire.rate_limit ?? null,
  };
}

export function toStats(wire: WireStats): Stats {
  return {
    generatedAt: toRequiredDate(wire.generated_at),
    windowMinutes: wire.window_minutes,
    counts: toCounts(wire.counts ?? {}),
    countsAreEstimates: wire.counts_are_estimates ?? false,
    queues: (wire.queues ?? []).map(toQueueStats),
    throughput: (wire.throughput ?? []).map((point) => ({
      minute: toRequiredDate(point.minute),
      completed: point.completed,
      failed: point.failed,
    })),
    waitTimeMs: { p50: wire.wait_time_ms?.p50 ?? null, p95: wire.wait_time_ms?.p95 ?? null },
    runTimeMs: { p50: wire.run_time_ms?.p50 ?? null, p95: wire.run_time_ms?.p95 ?? null },
    waitByPriority: (wire.wait_by_priority ?? []).map((row) => ({
      priorityName: toPriorityName(row.priority_name),
      waiting: row.waiting,
      p50Ms: row.p50_ms ?? null,
      p95Ms: row.p95_ms ?? null,
    })),
  };
}

export function toFailureGroup(wire: WireFailureGroup): FailureGroup {
  return {
    errorType: wire.error_type ?? 'Error',
    errorMessage: wire.error_message ?? '',
    taskName: wire.task_name,
    count: wire.count,
    lastSeenAt: toDate(wire.last_seen_at),
    exampleTaskId: wire.example_task_id ?? null,
  };
}

export function toWorker(wire: WireWorker): Worker {
  return {
    workerId: wire.worker_id,
    hostname: wire.hostname,
    pid: wire.pid ?? null,
    queues: wire.queues ?? [],
    currentTaskId: wire.current_task_id ?? null,
    startedAt: toDate(wire.started_at),
    lastSeenAt: toDate(wire.last_seen_at),
    heartbeatAgeS: wire.heartbeat_age_s ?? null,
    tasksDone: wire.tasks_done ?? 0,
    state: oneOf<WorkerState>(WORKER_STATES, wire.state, 'idle'),
    concurrency: wire.concurrency ?? 1,
    busy: wire.busy ?? 0,
    runningTasks: (wire.running_tasks ?? []).map(toRunningTask),
  };
}

export function toRunningTask(wire: WireRunningTask): RunningTask {
  return {
    taskId: wire.task_id,
    taskName: wire.task_name,
    queueName: wire.queue_name,
    attempt: wire.attempt,
    slot: wire.slot,
    startedAt: toDate(wire.started_at),
  };
}

export function toTaskFunction(wire: WireTaskFunction): TaskFunction {
  return {
    name: wire.name,
    doc: (wire.doc ?? '').trim(),
    signature: wire.signature,
    parameters: (wire.parameters ?? []).map((p) => ({
      name: p.name,
      kind: p.kind,
      required: p.required,
      default: p.required ? undefined : p.default,
    })),
    defaults: {
      priorityName: toPriorityName(wire.defaults?.priority_name ?? 'normal'),
      priority: wire.defaults?.priority ?? 0,
      maxRetries: wire.defaults?.max_retries ?? 3,
      retryDelay: wire.defaults?.retry_delay ?? 60,
      timeout: wire.defaults?.timeout ?? 300,
      queueName: wire.defaults?.queue_name ?? 'default',
    },
  };
}

export function toSchedule(wire: WireSchedule): Schedule {
  return {
    name: wire.name,
    taskName: wire.task_name,
    cron: wire.cron ?? null,
    everySeconds: wire.every_seconds ?? null,
    timezone: wire.timezone ?? 'UTC',
    trigger: wire.trigger ?? '',
    queueName: wire.queue_name,
    priority: wire.priority ?? 0,
    catchUp: oneOf<CatchUp>(CATCH_UP_MODES, wire.catch_up, 'latest'),
    skipIfRunning: wire.skip_if_running ?? false,
    enabled: wire.enabled,
    orphaned: wire.orphaned ?? false,
    nextRunAt: toDate(wire.next_run_at),
    lastRunAt: toDate(wire.last_run_at),
    lastTaskId: wire.last_task_id ?? null,
    lastTaskStatus: wire.last_task_status ? toStatus(wire.last_task_status) : null,
    lagSeconds: wire.lag_seconds ?? null,
    skippedTicks: wire.skipped_ticks ?? 0,
  };
}

export function toScheduleRun(wire: WireScheduleRun): ScheduleRun {
  return {
    taskId: wire.task_id,
    scheduledFor: toRequiredDate(wire.scheduled_for),
    status: toStatus(wire.status),
    createdAt: toRequiredDate(wire.created_at),
    startedAt: toDate(wire.started_at),
    completedAt: toDate(wire.completed_at),
  };
}

export function toScheduleDetail(wire: WireScheduleDetail): ScheduleDetail {
  return { ...toSchedule(wire), recentRuns: (wire.recent_runs ?? []).map(toScheduleRun) };
}

export function toMe(wire: WireMe): Me {
  return {
    authenticated: wire.authenticated,
    username: wire.username ?? null,
    canWrite: wire.can_write,
    authRequired: wire.auth_required,
  };
}

export function toHealth(wire: WireHealth): Health {
  return {
    postgres: { ok: wire.postgres?.ok ?? false, error: wire.postgres?.error ?? null },
    redis: { ok: wire.redis?.ok ?? false, error: wire.redis?.error ?? null },
    workersAlive: wire.workers_alive ?? 0,
  };
}

/** The create form's values as the body of POST /api/tasks/ (unset options are left out). */
export function toWireTaskCreate(task: TaskCreate): WireTaskCreate {
  const body: WireTaskCreate = {
    task_name: task.taskName,
    args: task.args,
    kwargs: task.kwargs,
    priority: task.priority,
  };
  if (task.maxRetries !== undefined) body.max_retries = task.maxRetries;
  if (task.retryDelay !== undefined) body.retry_delay = task.retryDelay;
  if (task.timeout !== undefined) body.timeout = task.timeout;
  if (task.queueName) body.queue_name = task.queueName;
  if (task.runAfter) body.run_after = task.runAfter.toISOString();
  if (task.countdown !== undefined) body.countdown = task.countdown;
  return body;
}

/** Task filters as the query parameters of GET /api/tasks/ (empty ones are left out). */
export function toTaskQuery(filters: TaskFilters): Record<string, string> {
  const query: Record<string, string> = {};
  if (filters.status) query.status = filters.status;
  if (filters.priority) query.priority = filters.priority;
  if (filters.queueName) query.queue_name = filters.queueName;
  if (filters.taskName) query.task_name = filters.taskName;
  if (filters.scheduleName) query.schedule_name = filters.scheduleName;
  if (filters.search) query.search = filters.search;
  if (filters.createdAfter) query.created_after = filters.createdAfter.toISOString();
  if (filters.createdBefore) query.created_before = filters.createdBefore.toISOString();
  if (filters.ordering) query.ordering = filters.ordering;
  if (filters.page && filters.page > 1) query.page = String(filters.page);
  if (filters.pageSize) query.page_size = String(filters.pageSize);
  return query;
}

export function toWorkflowStep(wire: WireWorkflowStep): WorkflowStep {
  return {
    kind: oneOf(STEP_KINDS, wire.kind, 'task'),
    path: wire.path,
    state: oneOf(STEP_STATES, wire.state, 'waiting'),
    reason: wire.reason ?? null,
    allowFailures: wire.allow_failures,
    taskName: wire.task_name ?? null,
    taskId: wire.task_id ?? null,
    taskStatus: wire.task_status ? toStatus(wire.task_status) : null,
    steps: (wire.steps ?? []).map(toWorkflowStep),
  };
}

export function toWorkflowDetail(wire: WireWorkflowDetail): WorkflowDetail {
  const p = wire.progress;
  return {
    id: wire.id,
    status: oneOf(WORKFLOW_STATUSES, wire.status, 'running'),
    reason: wire.reason ?? null,
    createdAt: toRequiredDate(wire.created_at),
    updatedAt: toRequiredDate(wire.updated_at),
    finishedAt: toDate(wire.finished_at),
    progress: {
      total: p.total,
      waiting: p.waiting,
      running: p.running,
      success: p.success,
      failed: p.failed,
      cancelled: p.cancelled,
    },
    tree: toWorkflowStep(wire.tree),
  };
}
