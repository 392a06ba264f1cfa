/**
 * What each task event does to the query cache: task lists change from the event alone where it
 * can be placed (else one refetch a second at most), a task's detail is refetched (debounced),
 * and the summaries (stats, failures, workers, schedules) are refetched at most once a second.
 */
import type { Query, QueryClient, QueryKey } from '@tanstack/react-query';
import type { Page, Task, TaskDetail, TaskEvent, TaskStatus } from '../api/types';
import { applyEventToPage, type KnownTask } from '../lib/liveTaskList';
import { debounce, throttle, type Limited } from '../lib/rateLimit';
import { filtersFromParams } from '../lib/taskQuery';
import { queryKeys } from './queries';

/** The first part of every query key that events can make out of date. */
export const LIVE_QUERY_ROOTS: readonly string[] = ['stats', 'tasks', 'task', 'failures', 'workers', 'schedules'];
const SUMMARY_ROOTS = ['stats', 'failures', 'workers', 'schedules'] as const;

export interface LiveCacheOptions {
  /** The least time between two refetches of one query because of events. */
  refetchEveryMs?: number;
  /** How long a task's detail waits for its events to stop before it is refetched. */
  detailWaitMs?: number;
}

const KNOWN_LIMIT = 5000;
const DETAIL_RECHECKS = 3;

function isLiveQuery(query: Query): boolean {
  return LIVE_QUERY_ROOTS.includes(String(query.queryKey[0]));
}

export class LiveCache {
  private readonly client: QueryClient;
  private readonly refetchEveryMs: number;
  private readonly detailWaitMs: number;
  private readonly summaries: Limited;
  private readonly staleLists = new Map<string, Limited>();
  private readonly details = new Map<string, Limited>();
  /** Each task's status and creation time as its latest event said, oldest first (bounded). */
  private readonly known = new Map<string, { status: TaskStatus; createdAt?: Date; event: TaskEvent }>();
  /** Events that arrived while a list was being fetched: applied again to what the fetch brings. */
  private readonly pending = new Map<string, { event: TaskEvent; known: KnownTask }[]>();
  /** Queries whose first load was under way when a catch-up was asked: refetched once it lands. */
  private readonly refetchAfterLoad = new Set<string>();
  private readonly timers = new Set<ReturnType<typeof setTimeout>>();
  private readonly unsubscribe: () => void;

  constructor(client: QueryClient, { refetchEveryMs = 1000, detailWaitMs = 250 }: LiveCacheOptions = {}) {
    this.client = client;
    this.refetchEveryMs = refetchEveryMs;
    this.detailWaitMs = detailWaitMs;
    this.summaries = throttle(() => {
      for (const root of SUMMARY_ROOTS) void client.invalidateQueries({ queryKey: [root] });
    }, refetchEveryMs);
    this.unsubscribe = client.getQueryCache().subscribe((cacheEvent) => {
      if (cacheEvent.type !== 'updated') return;
      const { action, query } = cacheEvent;
      if (action.type === 'success' && !action.manual) {
        this.replayPending(query);
        if (this.refetchAfterLoad.delete(query.queryHash)) void client.invalidateQueries({ queryKey: query.queryKey, exact: true });
      } else if (action.type === 'error') {
        this.pending.delete(query.queryHash);
        this.refetchAfterLoad.delete(query.queryHash);
      }
    });
  }

  apply(event: TaskEvent): void {
    const known = this.knownTask(event.taskId);
    this.applyToLists(event, known);
    this.applyToDetail(event);
    this.remember(event, known);
    this.summaries.call();
  }

  /** Refetches every shown query that events keep up to date, now. */
  refetchAll(): void {
    this.pending.clear();
    for (const query of this.client.getQueryCache().findAll({ predicate: isLiveQuery })) {
      // A first load joins the fetch under way rather than starting another, and that one may
      // have been answered before the stream began.
      if (query.state.fetchStatus === 'fetching' && query.state.data === undefined) this.refetchAfterLoad.add(query.queryHash);
    }
    void this.client.invalidateQueries({ predicate: isLiveQuery });
  }

  dispose(): void {
    this.unsubscribe();
    this.summaries.cancel();
    for (const limited of [...this.staleLists.values(), ...this.details.values()]) limited.cancel();
    this.staleLists.clear();
    this.details.clear();
    this.pending.clear();
    this.refetchAfterLoad.clear();
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
  }

  private listQueries(): Query[] {
    return this.client.getQueryCache().findAll({ queryKey: ['tasks'] });
  }

  private applyToLists(event: TaskEvent, known: KnownTask): void {
    for (const query of this.listQueries()) {
      if (query.state.fetchStatus === 'fetching') {
        this.pending.set(query.queryHash, [...(this.pending.get(query.queryHash) ?? []), { event, known }]);
      }
      this.applyToList(query, event, known);
    }
  }

  private applyToList(query: Query, event: TaskEvent, known: KnownTask): void {
    const page = query.state.data as Page<Task> | undefined;
    if (!page) return;
    const filters = filtersFromParams(new URLSearchParams(String(query.queryKey[1] ?? '')));
    const update = applyEventToPage(page, filters, event, known);
    if (update.page) this.client.setQueryData(query.queryKey, update.page);
    if (update.stale) this.refetchSoon(query.queryKey, query.queryHash);
  }

  private replayPending(query: Query): void {
    const events = this.pending.get(query.queryHash);
    if (!events) return;
    this.pending.delete(query.queryHash);
    for (const { event, known } of events) this.applyToList(query, event, known);
  }

  private refetchSoon(queryKey: QueryKey, hash: string): void {
    let limited = this.staleLists.get(hash);
    if (!limited) {
      limited = throttle(() => void this.client.invalidateQueries({ queryKey, exact: true }), this.refetchEveryMs);
      this.staleLists.set(hash, limited);
    }
    limited.call();
  }

  private applyToDetail(event: TaskEvent): void {
    // Only refetched, not patched from the event: a success would show a null result until then.
    if (!this.client.getQueryCache().find({ queryKey: queryKeys.task(event.taskId), exact: true })) return;
    let limited = this.details.get(event.taskId);
    if (!limited) {
      limited = debounce(() => void this.refreshDetail(event.taskId, DETAIL_RECHECKS), this.detailWaitMs, this.refetchEveryMs);
      this.details.set(event.taskId, limited);
    }
    limited.call();
  }

  /** Refetches a task; if it comes back older than its latest event (a lagging read), tries again a little later. */
  private async refreshDetail(taskId: string, rechecks: number): Promise<void> {
    const queryKey = queryKeys.task(taskId);
    await this.client.refetchQueries({ queryKey, exact: true, type: 'active' });
    const detail = this.client.getQueryData<TaskDetail>(queryKey);
    const latest = this.known.get(taskId)?.event;
    if (!detail || !latest || detail.status === latest.status || detail.updatedAt >= latest.at || rechecks <= 0) return;
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      void this.refreshDetail(taskId, rechecks - 1);
    }, this.refetchEveryMs);
    this.timers.add(timer);
  }

  /** What the stream and the cached lists and details say of a task before this event. */
  private knownTask(taskId: string): KnownTask {
    const remembered = this.known.get(taskId);
    let row: Task | undefined = this.client.getQueryData<TaskDetail>(queryKeys.task(taskId));
    if (!row) {
      for (const query of this.listQueries()) {
        row = (query.state.data as Page<Task> | undefined)?.items.find((task) => task.id === taskId);
        if (row) break;
      }
    }
    return { status: remembered?.status ?? row?.status, createdAt: remembered?.createdAt ?? row?.createdAt, row };
  }

  private remember(event: TaskEvent, known: KnownTask): void {
    const createdAt = event.type === 'enqueued' ? event.at : known.createdAt;
    this.known.delete(event.taskId);
    this.known.set(event.taskId, { status: event.status, createdAt, event });
    if (this.known.size > KNOWN_LIMIT) {
      const oldest = this.known.keys().next().value;
      if (oldest !== undefined) this.known.delete(oldest);
    }
  }
}
