import { QueryClient, QueryObserver } from '@tanstack/react-query';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { toTask, toTaskDetail } from '../api/convert';
import type { Page, Task, TaskDetail, TaskEvent } from '../api/types';
import { wireTask, wireTaskDetail } from '../test/fixtures';
import { LiveCache } from './liveCache';
import { queryKeys } from './queries';

const ID = '3f2b8c1e-0000-4000-8000-0000000000e1';
const OLD = 'aaaaaaaa-0000-4000-8000-000000000001';

function event(overrides: Partial<TaskEvent> = {}): TaskEvent {
  return {
    id: '1-0',
    type: 'enqueued',
    taskId: ID,
    taskName: 'add_numbers',
    queueName: 'default',
    status: 'pending',
    attempt: 0,
    priority: 0,
    at: new Date('2025-01-02T03:10:00Z'),
    ...overrides,
  };
}

function listPage(items: Task[]): Page<Task> {
  return { items, meta: { page: 1, pageSize: 50, count: items.length, countIsEstimate: false, hasNext: false, hasPrevious: false } };
}

const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

let cache: LiveCache | undefined;
afterEach(() => cache?.dispose());

function setup() {
  const client = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  cache = new LiveCache(client, { refetchEveryMs: 40, detailWaitMs: 10 });
  return { client, cache };
}

/** An active query (one observer), as a mounted page holds it. */
function observe(client: QueryClient, queryKey: readonly unknown[], queryFn: () => Promise<unknown>, staleTime = 0) {
  const observer = new QueryObserver(client, { queryKey, queryFn, staleTime });
  const unsubscribe = observer.subscribe(() => undefined);
  return { observer, unsubscribe };
}

describe('LiveCache', () => {
  it('applies again, to what a list fetch brings, the events that came while it was under way', async () => {
    const { client, cache } = setup();
    let answer: (page: Page<Task>) => void = () => undefined;
    const { unsubscribe } = observe(client, queryKeys.tasks(''), () => new Promise<Page<Task>>((resolve) => (answer = resolve)));
    await wait(0);

    cache.apply(event());
    answer(listPage([toTask(wireTask({ id: OLD }))])); // fetched before the event
    await wait(0);

    expect(client.getQueryData<Page<Task>>(queryKeys.tasks(''))?.items.map((t) => t.id)).toEqual([ID, OLD]);
    unsubscribe();
  });

  it("refetches a task's detail once its events stop", async () => {
    const { client, cache } = setup();
    const fetchDetail = vi.fn(async () => toTaskDetail(wireTaskDetail({ id: ID, status: 'success', attempt: 1, updated_at: '2025-01-02T03:10:01Z' })));
    client.setQueryData<TaskDetail>(queryKeys.task(ID), toTaskDetail(wireTaskDetail({ id: ID, status: 'pending' })));
    const { unsubscribe } = observe(client, queryKeys.task(ID), fetchDetail, Infinity);

    cache.apply(event({ type: 'started', status: 'processing', attempt: 1 }));
    cache.apply(event({ type: 'succeeded', status: 'success', attempt: 1 }));
    cache.apply(event({ type: 'started', taskId: OLD, status: 'processing' }));
    await wait(60);

    expect(fetchDetail).toHaveBeenCalledTimes(1);
    expect(client.getQueryData<TaskDetail>(queryKeys.task(ID))?.status).toBe('success');
    unsubscribe();
  });

  it('fetches a detail again when it comes back older than its latest event', async () => {
    const { client, cache } = setup();
    const lagging = toTaskDetail(wireTaskDetail({ id: ID, status: 'processing', updated_at: '2025-01-02T03:09:00Z' }));
    const fresh = toTaskDetail(wireTaskDetail({ id: ID, status: 'success', updated_at: '2025-01-02T03:10:01Z' }));
    const fetchDetail = vi.fn().mockResolvedValueOnce(lagging).mockResolvedValue(fresh);
    client.setQueryData<TaskDetail>(queryKeys.task(ID), lagging);
    const { unsubscribe } = observe(client, queryKeys.task(ID), fetchDetail, Infinity);

    cache.apply(event({ type: 'succeeded', status: 'success', attempt: 1 }));
    await wait(100);

    expect(fetchDetail).toHaveBeenCalledTimes(2);
    expect(client.getQueryData<TaskDetail>(queryKeys.task(ID))?.status).toBe('success');
    unsubscribe();
  });

  it('refetches the summaries on events at most once per interval, and never without one', async () => {
    const { client, cache } = setup();
    const fetchStats = vi.fn(async () => ({}));
    const { unsubscribe } = observe(client, ['stats', 60], fetchStats);
    await wait(0);
    fetchStats.mockClear();

    await wait(100);
    expect(fetchStats).not.toHaveBeenCalled();
    for (let i = 0; i < 20; i += 1) cache.apply(event({ taskId: `${ID}-${i}` }));
    await wait(100);
    expect(fetchStats).toHaveBeenCalledTimes(2);
    unsubscribe();
  });

  it('refetches a first load that was under way when the stream began, once it lands', async () => {
    const { client, cache } = setup();
    const fetchList = vi.fn(async () => listPage([]));
    const { unsubscribe } = observe(client, queryKeys.tasks(''), fetchList);
    cache.refetchAll();
    await wait(20);
    expect(fetchList).toHaveBeenCalledTimes(2);
    unsubscribe();
  });
});
