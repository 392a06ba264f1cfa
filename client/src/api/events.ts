/** GET /api/events/: the one place that opens the event stream and turns its messages into typed events. */
import { buildUrl } from './client';
import { toDate, toStatus } from './convert';
import { TASK_EVENT_TYPES, type StreamReset, type TaskEvent, type TaskEventFilters, type TaskEventType } from './types';
import type { WireStreamReset, WireTaskEvent } from './wire';

/** The part of the browser's EventSource the app uses, so that tests can hand in a fake. */
export interface EventSourceLike {
  readonly readyState: number;
  addEventListener(type: string, listener: (event: Event) => void): void;
  close(): void;
}

export type EventSourceFactory = (url: string) => EventSourceLike;

/** EventSource.CLOSED: the browser gave up (a non-200 answer, a wrong content type) and will not reconnect. */
export const EVENT_SOURCE_CLOSED = 2;

/** The browser's EventSource (same origin: the session cookie goes along), or null where there is none. */
export function browserEventSourceFactory(): EventSourceFactory | null {
  if (typeof EventSource === 'undefined') return null;
  return (url) => new EventSource(url);
}

export function eventsUrl(filters: TaskEventFilters = {}): string {
  return buildUrl('/events/', {
    queue: filters.queueName,
    task_name: filters.taskName,
    task_id: filters.taskId,
    status: filters.status,
  });
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function parseJson(data: string): unknown {
  try {
    return JSON.parse(data) as unknown;
  } catch {
    return undefined;
  }
}

/**
 * The `data` of a `task` message as a TaskEvent; null for anything malformed or of a type this
 * dashboard does not know (newer servers may add types: they are skipped, not fatal).
 */
export function parseTaskEvent(data: string, id: string): TaskEvent | null {
  const wire = parseJson(data);
  if (!isRecord(wire)) return null;
  const { type, task_id, task_name, queue_name, status, attempt, priority, at } = wire as Partial<Record<keyof WireTaskEvent, unknown>>;
  if (typeof type !== 'string' || !(TASK_EVENT_TYPES as readonly string[]).includes(type)) return null;
  if (typeof task_id !== 'string' || !task_id || typeof status !== 'string') return null;
  const when = toDate(typeof at === 'string' ? at : null);
  if (!when) return null;
  return {
    id,
    type: type as TaskEventType,
    taskId: task_id,
    taskName: typeof task_name === 'string' ? task_name : '',
    queueName: typeof queue_name === 'string' ? queue_name : '',
    status: toStatus(status),
    attempt: typeof attempt === 'number' ? attempt : 0,
    priority: typeof priority === 'number' ? priority : 0,
    at: when,
  };
}

export function parseReset(data: string): StreamReset {
  const wire = parseJson(data);
  const { reason, message } = (isRecord(wire) ? wire : {}) as Partial<Record<keyof WireStreamReset, unknown>>;
  return {
    reason: typeof reason === 'string' ? reason : 'unknown',
    message: typeof message === 'string' ? message : 'The event stream was reset: refetch.',
  };
}

export interface EventStreamHandlers {
  /** The stream is up; `resumed` when the browser reconnected by itself (with Last-Event-ID). */
  onOpen: (resumed: boolean) => void;
  onEvent: (event: TaskEvent) => void;
  onReset: (reset: StreamReset) => void;
  /** `fatal` when the browser will not reconnect by itself (the caller must open a new stream). */
  onError: (fatal: boolean) => void;
}

/** Opens GET /api/events/ and reports what comes; returns the function that closes it. */
export function openEventStream(
  createEventSource: EventSourceFactory,
  handlers: EventStreamHandlers,
  filters: TaskEventFilters = {},
): () => void {
  const source = createEventSource(eventsUrl(filters));
  let opened = false;
  source.addEventListener('open', () => {
    handlers.onOpen(opened);
    opened = true;
  });
  source.addEventListener('task', (message) => {
    const { data, lastEventId } = message as MessageEvent<string>;
    const event = parseTaskEvent(data, lastEventId ?? '');
    if (event) handlers.onEvent(event);
  });
  source.addEventListener('reset', (message) => handlers.onReset(parseReset((message as MessageEvent<string>).data)));
  source.addEventListener('error', () => handlers.onError(source.readyState === EVENT_SOURCE_CLOSED));
  return () => source.close();
}
