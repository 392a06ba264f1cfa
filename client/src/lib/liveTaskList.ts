/**
 * A page of the tasks list brought up to date by one task event, without asking the API, where
 * the event alone says where the task goes; otherwise the page is reported stale (refetch it).
 *
 * Placed confidently: the default ordering (newest first) with any of the filters an event
 * carries (status, queue, task name, priority, created range). Not placed: a search or a
 * schedule filter (the event does not say), other orderings, and pages after the first when
 * the set of matching tasks changes (rows would shift across the page boundary).
 */
import type { Page, Task, TaskEvent, TaskEventType, TaskFilters, TaskStatus } from '../api/types';
import { priorityNameOf } from './priorities';

/** What is known of a task before the event: its status then, its creation time, its last row. */
export interface KnownTask {
  status?: TaskStatus;
  createdAt?: Date;
  row?: Task;
}

export interface PageUpdate {
  /** The new page, or null when the event changes nothing on it. */
  page: Page<Task> | null;
  /** The page may now be wrong in a way the event cannot fix: refetch it. */
  stale: boolean;
}

const UNCHANGED: PageUpdate = { page: null, stale: false };
const STALE: PageUpdate = { page: null, stale: true };

/** The status a task had before an event of this type, where the type alone says it. */
const STATUS_BEFORE: Partial<Record<TaskEventType, TaskStatus>> = {
  succeeded: 'processing',
  failed: 'processing',
  retry_scheduled: 'processing',
  released: 'processing',
};

/** A row brought up to date by the event: status, attempt and the times the event implies. */
export function taskWithEvent<T extends Task>(task: T, event: TaskEvent): T {
  const next: T = { ...task, status: event.status, attempt: event.attempt, updatedAt: event.at };
  if (event.priority !== task.priority) {
    next.priority = event.priority;
    next.priorityName = priorityNameOf(event.priority);
  }
  switch (event.type) {
    case 'started':
      return { ...next, startedAt: event.at, completedAt: null };
    case 'succeeded':
      return { ...next, completedAt: event.at, errorMessage: null };
    case 'failed':
    case 'cancelled':
      return { ...next, completedAt: event.at };
    case 'retry_scheduled':
      return next;
    case 'enqueued':
    case 'released':
    case 'retried':
      return { ...next, startedAt: null, completedAt: null };
  }
}

/** A list row made from an event alone (the list shows no field the event lacks but args and result). */
export function taskFromEvent(event: TaskEvent, createdAt: Date): Task {
  return taskWithEvent(
    {
      id: event.taskId,
      taskName: event.taskName,
      status: event.status,
      args: [],
      kwargs: {},
      priority: event.priority,
      priorityName: priorityNameOf(event.priority),
      queueName: event.queueName,
      result: null,
      errorMessage: null,
      traceback: null,
      retryCount: 0,
      maxRetries: 0,
      retryDelay: 0,
      timeout: 0,
      attempt: event.attempt,
      workerId: null,
      createdAt,
      updatedAt: event.at,
      runAfter: null,
      startedAt: null,
      completedAt: null,
      nextRetryAt: null,
      scheduleName: null,
      scheduledFor: null,
      workflowId: null,
    },
    event,
  );
}

function isDefaultOrdering(filters: TaskFilters): boolean {
  return !filters.ordering || filters.ordering === '-created_at';
}

/** True when an event can be placed into a page of this view without asking the API. */
export function canPlaceEvents(filters: TaskFilters): boolean {
  return isDefaultOrdering(filters) && !filters.search && !filters.scheduleName;
}

/** Whether the task matches the view's filters but status; undefined when that needs its unknown creation time. */
function matchesBesidesStatus(filters: TaskFilters, event: TaskEvent, createdAt: Date | undefined): boolean | undefined {
  if (filters.queueName && filters.queueName !== event.queueName) return false;
  if (filters.taskName && filters.taskName !== event.taskName) return false;
  if (filters.priority && filters.priority !== priorityNameOf(event.priority)) return false;
  if (filters.createdAfter || filters.createdBefore) {
    if (!createdAt) return undefined;
    if (filters.createdAfter && createdAt < filters.createdAfter) return false;
    if (filters.createdBefore && createdAt >= filters.createdBefore) return false;
  }
  return true;
}

/**
 * Whether the task was in the view before the event; undefined when unknown. Every event but
 * `enqueued` changes a task's status, so one that ends in the filtered status entered the view.
 */
function wasInView(filters: TaskFilters, event: TaskEvent, others: boolean | undefined, statusBefore: TaskStatus | undefined) {
  if (event.type === 'enqueued' || others === false) return false;
  if (others === undefined) return undefined;
  if (!filters.status || statusBefore === filters.status) return true;
  if (statusBefore === undefined) return event.status === filters.status ? false : undefined;
  return false;
}

/** Newest first, then the greater id (the API's `-created_at, -id`). */
function comesBefore(createdAt: Date, id: string, row: Task): boolean {
  const diff = createdAt.getTime() - row.createdAt.getTime();
  return diff > 0 || (diff === 0 && id > row.id);
}

function withCount(page: Page<Task>, items: Task[], countDelta: number, extra: Partial<Page<Task>['meta']> = {}): Page<Task> {
  return { items, meta: { ...page.meta, count: Math.max(0, page.meta.count + countDelta), ...extra } };
}

/** The page after the event (see the module's docstring for what can be placed). */
export function applyEventToPage(page: Page<Task>, filters: TaskFilters, event: TaskEvent, known: KnownTask = {}): PageUpdate {
  const index = page.items.findIndex((task) => task.id === event.taskId);
  const shown = index >= 0;
  const createdAt = event.type === 'enqueued' ? event.at : (known.createdAt ?? (shown ? page.items[index].createdAt : undefined));
  const others = matchesBesidesStatus(filters, event, createdAt);
  const matchesNow = filters.status && filters.status !== event.status ? false : others;
  const statusBefore = event.type === 'enqueued' ? undefined : (known.status ?? STATUS_BEFORE[event.type]);
  const wasMember = wasInView(filters, event, others, statusBefore);
  const updatedInPlace = () => page.items.map((task, i) => (i === index ? taskWithEvent(task, event) : task));

  if (!canPlaceEvents(filters)) {
    // A search or schedule filter, or another ordering: show the change, then ask the API.
    if (!shown && matchesNow === false && wasMember === false) return UNCHANGED;
    return { page: shown ? withCount(page, updatedInPlace(), 0) : null, stale: true };
  }

  if (shown) {
    if (matchesNow !== false) return { page: withCount(page, updatedInPlace(), 0), stale: false };
    const items = page.items.filter((_, i) => i !== index);
    // Rows from the next page would move up; refill once the page runs short.
    const short = page.meta.hasNext && items.length < page.meta.pageSize / 2;
    return { page: withCount(page, items, -1), stale: short || page.meta.page > 1 };
  }

  if (matchesNow === undefined) return STALE;
  if (matchesNow === false) {
    if (wasMember === false) return UNCHANGED;
    // It left the view from a later page (the first page holds the newest): one fewer.
    if (wasMember === true) return page.meta.page > 1 ? STALE : { page: withCount(page, page.items, -1), stale: false };
    return { page: withCount(page, page.items, 0, { countIsEstimate: true }), stale: false };
  }

  if (wasMember !== false) {
    // Already in the view but not on this page: on a later one, unless this page holds them all.
    const holdsAll = !page.meta.hasNext && !page.meta.hasPrevious && page.items.length < page.meta.pageSize;
    return holdsAll && wasMember === true ? STALE : UNCHANGED;
  }
  if (page.meta.page > 1 || !createdAt) return STALE;

  const position = page.items.findIndex((task) => comesBefore(createdAt, event.taskId, task));
  const at = position === -1 ? page.items.length : position;
  if (at >= page.meta.pageSize || (at === page.items.length && page.meta.hasNext)) {
    return { page: withCount(page, page.items, 1, { hasNext: true }), stale: false };
  }
  const row = known.row ? taskWithEvent(known.row, event) : taskFromEvent(event, createdAt);
  const items = [...page.items.slice(0, at), row, ...page.items.slice(at)];
  const overflow = items.length > page.meta.pageSize;
  return {
    page: withCount(page, overflow ? items.slice(0, page.meta.pageSize) : items, 1, overflow ? { hasNext: true } : {}),
    stale: false,
  };
}
