/** The tasks list's filters as they live in the URL query string (so a view can be bookmarked). */
import type { PriorityName, TaskFilters, TaskStatus } from '../api/types';
import { PRIORITY_NAMES, TASK_STATUSES } from '../api/types';

export const TIME_RANGES = [
  { value: '15m', label: 'Last 15 minutes', seconds: 15 * 60 },
  { value: '1h', label: 'Last hour', seconds: 3600 },
  { value: '6h', label: 'Last 6 hours', seconds: 6 * 3600 },
  { value: '24h', label: 'Last 24 hours', seconds: 86400 },
  { value: '7d', label: 'Last 7 days', seconds: 7 * 86400 },
] as const;

export const ORDERINGS = [
  { value: '-created_at', label: 'Newest first' },
  { value: 'created_at', label: 'Oldest first' },
  { value: '-priority', label: 'Highest priority' },
  { value: 'priority', label: 'Lowest priority' },
  { value: '-updated_at', label: 'Recently updated' },
  { value: '-completed_at', label: 'Recently completed' },
] as const;

export const PAGE_SIZES = [25, 50, 100, 200] as const;
export const DEFAULT_PAGE_SIZE = 50;

/** Names of the URL parameters the tasks page reads; the API's names where there is one. */
export const FILTER_PARAMS = ['status', 'priority', 'queue_name', 'task_name', 'schedule_name', 'search', 'since'] as const;

function positiveInt(value: string | null): number | undefined {
  if (!value) return undefined;
  const n = Number.parseInt(value, 10);
  return Number.isFinite(n) && n > 0 ? n : undefined;
}

function isoDate(value: string | null): Date | undefined {
  if (!value) return undefined;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? undefined : date;
}

/** The API filters a URL query string stands for; `since` becomes created_after relative to now. */
export function filtersFromParams(params: URLSearchParams, now: number = Date.now()): TaskFilters {
  const status = params.get('status');
  const priority = params.get('priority');
  const since = TIME_RANGES.find((range) => range.value === params.get('since'));
  const filters: TaskFilters = {
    status: (TASK_STATUSES as readonly string[]).includes(status ?? '') ? (status as TaskStatus) : undefined,
    priority: (PRIORITY_NAMES as readonly string[]).includes(priority ?? '') ? (priority as PriorityName) : undefined,
    queueName: params.get('queue_name') || undefined,
    taskName: params.get('task_name') || undefined,
    scheduleName: params.get('schedule_name') || undefined,
    search: params.get('search') || undefined,
    createdAfter: since ? new Date(now - since.seconds * 1000) : isoDate(params.get('created_after')),
    createdBefore: isoDate(params.get('created_before')),
    ordering: params.get('ordering') || undefined,
    page: positiveInt(params.get('page')) ?? 1,
    pageSize: positiveInt(params.get('page_size')) ?? DEFAULT_PAGE_SIZE,
  };
  return filters;
}

/** A copy of params with the given keys set (or removed when empty); any filter change goes back to page 1. */
export function withParams(params: URLSearchParams, updates: Record<string, string | number | undefined>): URLSearchParams {
  const next = new URLSearchParams(params);
  for (const [key, value] of Object.entries(updates)) {
    if (value === undefined || value === '') next.delete(key);
    else next.set(key, String(value));
  }
  if (!('page' in updates)) next.delete('page');
  return next;
}

/** True when any filter (not paging or ordering) is set. */
export function hasFilters(params: URLSearchParams): boolean {
  return FILTER_PARAMS.some((key) => params.get(key)) || Boolean(params.get('created_after') || params.get('created_before'));
}
