/** The app's types: camelCase names and Date values, converted from the wire in convert.ts. */
import type { JsonValue } from './wire';

export type { JsonValue };

export const TASK_STATUSES = ['pending', 'processing', 'success', 'retry', 'failed', 'cancelled'] as const;
export type TaskStatus = (typeof TASK_STATUSES)[number];

export const PRIORITY_NAMES = ['critical', 'high', 'normal', 'low'] as const;
export type PriorityName = (typeof PRIORITY_NAMES)[number];

export const ATTEMPT_OUTCOMES = ['running', 'success', 'error', 'timeout', 'lost', 'interrupted'] as const;
export type AttemptOutcome = (typeof ATTEMPT_OUTCOMES)[number];

export const WORKER_STATES = ['idle', 'busy', 'stopping'] as const;
export type WorkerState = (typeof WORKER_STATES)[number];

/** Statuses a task waits in (not yet running, not finished). */
export const WAITING_STATUSES: readonly TaskStatus[] = ['pending', 'retry'];

export interface Task {
  id: string;
  taskName: string;
  status: TaskStatus;
  args: JsonValue[];
  kwargs: Record<string, JsonValue>;
  priority: number;
  priorityName: PriorityName;
  queueName: string;
  result: JsonValue;
  errorMessage: string | null;
  traceback: string | null;
  retryCount: number;
  maxRetries: number;
  retryDelay: number;
  timeout: number;
  attempt: number;
  workerId: string | null;
  createdAt: Date;
  updatedAt: Date;
  runAfter: Date | null;
  startedAt: Date | null;
  completedAt: Date | null;
  nextRetryAt: Date | null;
  /** The workflow this task is a step of; null outside workflows. */
  workflowId: string | null;
  /** The schedule that made the task, and the tick it was made for (null for other tasks). */
  scheduleName: string | null;
  scheduledFor: Date | null;
}

export interface Attempt {
  number: number;
  workerId: string | null;
  startedAt: Date | null;
  finishedAt: Date | null;
  outcome: AttemptOutcome;
  errorType: string | null;
  errorMessage: string | null;
  traceback: string | null;
  durationMs: number | null;
}

export interface TaskDetail extends Task {
  attempts: Attempt[];
  waitingReason: string | null;
}

export interface ListMeta {
  page: number;
  pageSize: number;
  count: number;
  countIsEstimate: boolean;
  hasNext: boolean;
  hasPrevious: boolean;
}

export interface Page<T> {
  items: T[];
  meta: ListMeta;
}

export type StatusCounts = Record<TaskStatus, number> & { total: number };

export interface QueueStats {
  queueName: string;
  redisReady: number;
  redisDelayed: number;
  redisProcessing: number;
  pending: number;
  scheduled: number;
  retry: number;
  processing: number;
  failed: number;
  drift: number;
  oldestWaitingAgeS: number | null;
  liveWorkers: number;
  /** No worker starts this queue's tasks until it is resumed. */
  paused: boolean;
  /** The queue's own limits (TASK_QUEUE["QUEUES"]): tasks running at once, starts per time. */
  concurrencyLimit: number | null;
  rateLimit: string | null;
}

export interface Percentiles {
  p50: number | null;
  p95: number | null;
}

export interface ThroughputPoint {
  minute: Date;
  completed: number;
  failed: number;
}

export interface PriorityWait {
  priorityName: PriorityName;
  waiting: number;
  p50Ms: number | null;
  p95Ms: number | null;
}

export interface Stats {
  generatedAt: Date;
  windowMinutes: number;
  counts: StatusCounts;
  countsAreEstimates: boolean;
  queues: QueueStats[];
  throughput: ThroughputPoint[];
  waitTimeMs: Percentiles;
  runTimeMs: Percentiles;
  waitByPriority: PriorityWait[];
}

export interface FailureGroup {
  errorType: string;
  errorMessage: string;
  taskName: string;
  count: number;
  lastSeenAt: Date | null;
  exampleTaskId: string | null;
}

/** A task running in one of a worker's slots. */
export interface RunningTask {
  taskId: string;
  taskName: string;
  queueName: string;
  attempt: number;
  slot: number;
  startedAt: Date | null;
}

export interface Worker {
  workerId: string;
  hostname: string;
  pid: number | null;
  queues: string[];
  currentTaskId: string | null;
  startedAt: Date | null;
  lastSeenAt: Date | null;
  heartbeatAgeS: number | null;
  tasksDone: number;
  state: WorkerState;
  /** How many tasks the process may run at once (its slots). */
  concurrency: number;
  /** How many of its slots run a task now. */
  busy: number;
  /** The tasks it runs now, by slot. */
  runningTasks: RunningTask[];
}

export interface TaskFunctionParameter {
  name: string;
  kind: string;
  required: boolean;
  default: JsonValue | undefined;
}

export interface TaskFunctionDefaults {
  priorityName: PriorityName;
  priority: number;
  maxRetries: number;
  retryDelay: number;
  timeout: number;
  queueName: string;
}

export interface TaskFunction {
  name: string;
  doc: string;
  signature: string;
  parameters: TaskFunctionParameter[];
  defaults: TaskFunctionDefaults;
}

export interface Me {
  authenticated: boolean;
  username: string | null;
  canWrite: boolean;
  authRequired: boolean;
}

export interface Health {
  postgres: { ok: boolean; error: string | null };
  redis: { ok: boolean; error: string | null };
  workersAlive: number;
}

export const CATCH_UP_MODES = ['none', 'latest', 'all'] as const;
export type CatchUp = (typeof CATCH_UP_MODES)[number];

/** A periodic task: when its task function is enqueued, and how its last tick went. */
export interface Schedule {
  name: string;
  taskName: string;
  /** A 5-field cron expression, or null for an interval schedule. */
  cron: string | null;
  /** The interval of an `every` schedule, or null for a cron schedule. */
  everySeconds: number | null;
  timezone: string;
  /** The API's own one-line description of the trigger. */
  trigger: string;
  queueName: string;
  priority: number;
  catchUp: CatchUp;
  skipIfRunning: boolean;
  enabled: boolean;
  /** Removed from code: shown, never run. */
  orphaned: boolean;
  /** Null while paused or orphaned. */
  nextRunAt: Date | null;
  /** The tick (scheduled_for) of the schedule's latest task. */
  lastRunAt: Date | null;
  lastTaskId: string | null;
  lastTaskStatus: TaskStatus | null;
  /** How late the last tick was enqueued, in seconds. */
  lagSeconds: number | null;
  skippedTicks: number;
}

/** One task a schedule made. */
export interface ScheduleRun {
  taskId: string;
  scheduledFor: Date;
  status: TaskStatus;
  createdAt: Date;
  startedAt: Date | null;
  completedAt: Date | null;
}

export interface ScheduleDetail extends Schedule {
  /** Newest first, up to 20. */
  recentRuns: ScheduleRun[];
}

/** What the create form sends; converted to the wire body by toWireTaskCreate. */
export interface TaskCreate {
  taskName: string;
  args: JsonValue[];
  kwargs: Record<string, JsonValue>;
  priority: PriorityName | number;
  maxRetries?: number;
  retryDelay?: number;
  timeout?: number;
  queueName?: string;
  runAfter?: Date | null;
  countdown?: number;
}

/** Filters of GET /api/tasks/, the same names the URL query string carries. */
export interface TaskFilters {
  status?: TaskStatus;
  priority?: PriorityName;
  queueName?: string;
  taskName?: string;
  scheduleName?: string;
  search?: string;
  createdAfter?: Date;
  createdBefore?: Date;
  ordering?: string;
  page?: number;
  pageSize?: number;
}

export const WORKFLOW_STATUSES = ['running', 'success', 'failed', 'cancelled'] as const;
export type WorkflowStatus = (typeof WORKFLOW_STATUSES)[number];

/** A step's state: `waiting` steps are not runnable yet and have no task. */
export const STEP_STATES = ['waiting', 'running', 'success', 'failed', 'cancelled'] as const;
export type StepState = (typeof STEP_STATES)[number];

export const STEP_KINDS = ['task', 'chain', 'group', 'chord'] as const;
export type StepKind = (typeof STEP_KINDS)[number];

/** One node of a workflow's tree; a chain, group or chord holds its steps in order. */
export interface WorkflowStep {
  kind: StepKind;
  path: string;
  state: StepState;
  reason: string | null;
  allowFailures: boolean;
  taskName: string | null;
  taskId: string | null;
  taskStatus: TaskStatus | null;
  steps: WorkflowStep[];
}

/** How many of a workflow's task steps are in each state. */
export type WorkflowProgress = Record<StepState | 'total', number>;

export interface WorkflowDetail {
  id: string;
  status: WorkflowStatus;
  reason: string | null;
  createdAt: Date;
  updatedAt: Date;
  finishedAt: Date | null;
  progress: WorkflowProgress;
  tree: WorkflowStep;
}

/** What happened to a task, as GET /api/events/ names it; `status` is the task's status after it. */
export const TASK_EVENT_TYPES = [
  'enqueued',
  'started',
  'succeeded',
  'failed',
  'retry_scheduled',
  'cancelled',
  'released',
  'retried',
] as const;
export type TaskEventType = (typeof TASK_EVENT_TYPES)[number];

/** One change of a task's status, from the event stream. */
export interface TaskEvent {
  /** The stream's id (the SSE `id`); empty when the server sent none. */
  id: string;
  type: TaskEventType;
  taskId: string;
  taskName: string;
  queueName: string;
  status: TaskStatus;
  attempt: number;
  priority: number;
  /** When it happened; for `enqueued`, the task's creation time. */
  at: Date;
}

/** The server no longer holds the events the client missed: everything shown must be refetched. */
export interface StreamReset {
  reason: string;
  message: string;
}

/** Filters of GET /api/events/ (all optional). */
export interface TaskEventFilters {
  queueName?: string;
  taskName?: string;
  taskId?: string;
  status?: TaskStatus;
}
