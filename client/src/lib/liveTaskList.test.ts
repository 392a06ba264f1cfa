import { describe, expect, it } from 'vitest';
import { toTask } from '../api/convert';
import type { ListMeta, Page, Task, TaskEvent, TaskFilters } from '../api/types';
import { wireTask } from '../test/fixtures';
import { applyEventToPage, canPlaceEvents, taskWithEvent } from './liveTaskList';

const NEW_ID = '3f2b8c1e-0000-4000-8000-0000000000e1';

function task(n: number, overrides: Parameters<typeof wireTask>[0] = {}): Task {
  return toTask(
    wireTask({
      id: `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`,
      created_at: new Date(Date.UTC(2025, 0, 2, 3, 0, n)).toISOString(),
      ...overrides,
    }),
  );
}

/** Tasks newest first, as the default ordering lists them. */
function page(items: Task[], meta: Partial<ListMeta> = {}): Page<Task> {
  return {
    items,
    meta: { page: 1, pageSize: 50, count: items.length, countIsEstimate: false, hasNext: false, hasPrevious: false, ...meta },
  };
}

function event(overrides: Partial<TaskEvent> = {}): TaskEvent {
  return {
    id: '1-0',
    type: 'enqueued',
    taskId: NEW_ID,
    taskName: 'add_numbers',
    queueName: 'default',
    status: 'pending',
    attempt: 0,
    priority: 0,
    at: new Date(Date.UTC(2025, 0, 2, 3, 10)),
    ...overrides,
  };
}

const DEFAULT: TaskFilters = { page: 1, pageSize: 50 };

/** The page an update holds; fails the test when the event changed nothing. */
function changed(update: { page: Page<Task> | null }): Page<Task> {
  if (!update.page) throw new Error('the event changed nothing');
  return update.page;
}

describe('applyEventToPage, default view (first page, newest first)', () => {
  it('puts an enqueued task at the top and counts it', () => {
    const before = page([task(2), task(1)]);
    const { page: after, stale } = applyEventToPage(before, DEFAULT, event());
    expect(stale).toBe(false);
    expect(after?.items.map((t) => t.id)).toEqual([NEW_ID, before.items[0].id, before.items[1].id]);
    expect(after?.items[0]).toMatchObject({ taskName: 'add_numbers', status: 'pending', queueName: 'default', priorityName: 'normal' });
    expect(after?.items[0].createdAt).toEqual(event().at);
    expect(after?.meta.count).toBe(3);
  });

  it('pushes the last row to the next page when the page is full', () => {
    const before = page([task(2), task(1)], { pageSize: 2, count: 2 });
    const after = applyEventToPage(before, { ...DEFAULT, pageSize: 2 }, event()).page;
    expect(after?.items.map((t) => t.id)).toEqual([NEW_ID, before.items[0].id]);
    expect(after?.meta).toMatchObject({ count: 3, hasNext: true });
  });

  it('changes a shown row in place on any other event', () => {
    const before = page([task(2), task(1)]);
    const started = event({ type: 'started', taskId: before.items[1].id, status: 'processing', attempt: 1 });
    const after = applyEventToPage(before, DEFAULT, started).page;
    expect(after?.items[1]).toMatchObject({ id: before.items[1].id, status: 'processing', attempt: 1, startedAt: started.at });
    expect(after?.items[0]).toBe(before.items[0]);
    expect(after?.meta.count).toBe(2);

    const done = event({ type: 'succeeded', taskId: before.items[1].id, status: 'success', attempt: 1 });
    expect(changed(applyEventToPage(changed({ page: after }), DEFAULT, done)).items[1]).toMatchObject({ status: 'success', completedAt: done.at });
  });

  it('ignores an event of a task on a later page', () => {
    const before = page([task(2), task(1)], { count: 500, hasNext: true });
    expect(applyEventToPage(before, DEFAULT, event({ type: 'started', taskId: 'old', status: 'processing' }))).toEqual({
      page: null,
      stale: false,
    });
  });

  it('does not count a replayed enqueued event twice', () => {
    const before = page([task(2)]);
    const first = changed(applyEventToPage(before, DEFAULT, event()));
    const again = changed(applyEventToPage(first, DEFAULT, event()));
    expect(again.items).toHaveLength(2);
    expect(again.meta.count).toBe(2);
  });
});

describe('applyEventToPage, filtered views', () => {
  it('leaves out an enqueued task of another queue, task function or status', () => {
    const before = page([task(1)]);
    for (const filters of [{ queueName: 'emails' }, { taskName: 'send_email' }, { status: 'failed' as const }, { priority: 'high' as const }]) {
      expect(applyEventToPage(before, { ...DEFAULT, ...filters }, event())).toEqual({ page: null, stale: false });
    }
  });

  it('drops a row that leaves the status filtered on, and counts one fewer', () => {
    const before = page([task(2), task(1)]);
    const started = event({ type: 'started', taskId: before.items[0].id, status: 'processing', attempt: 1 });
    const { page: after, stale } = applyEventToPage(before, { ...DEFAULT, status: 'pending' }, started);
    expect(after?.items.map((t) => t.id)).toEqual([before.items[1].id]);
    expect(after?.meta.count).toBe(1);
    expect(stale).toBe(false);
  });

  it('asks for a refill once a page with more behind it runs short', () => {
    const before = page([task(2), task(1)], { pageSize: 2, count: 10, hasNext: true });
    const started = event({ type: 'started', taskId: before.items[0].id, status: 'processing' });
    expect(applyEventToPage(before, { ...DEFAULT, pageSize: 2, status: 'pending' }, started).stale).toBe(false);
    const smaller = page([task(1)], { pageSize: 3, count: 10, hasNext: true });
    const again = event({ type: 'started', taskId: smaller.items[0].id, status: 'processing' });
    expect(applyEventToPage(smaller, { ...DEFAULT, pageSize: 3, status: 'pending' }, again).stale).toBe(true);
  });

  it('places a task that enters the status filtered on, by its known creation time', () => {
    const before = page([task(30, { status: 'success' }), task(10, { status: 'success' })]);
    const known = task(20, { status: 'processing' });
    const done = event({ type: 'succeeded', taskId: known.id, status: 'success', attempt: 1 });
    const after = applyEventToPage(before, { ...DEFAULT, status: 'success' }, done, {
      status: 'processing',
      createdAt: known.createdAt,
      row: known,
    }).page;
    expect(after?.items.map((t) => t.id)).toEqual([before.items[0].id, known.id, before.items[1].id]);
    expect(after?.items[1]).toMatchObject({ status: 'success', args: [10, 20] });
    expect(after?.meta.count).toBe(3);
  });

  it('only counts a task that enters the filter below a full page', () => {
    const before = page([task(30, { status: 'success' })], { pageSize: 1, count: 1 });
    const done = event({ type: 'succeeded', taskId: 'older', status: 'success' });
    const after = applyEventToPage(before, { ...DEFAULT, pageSize: 1, status: 'success' }, done, {
      createdAt: new Date(Date.UTC(2025, 0, 1)),
    }).page;
    expect(after?.items).toEqual(before.items);
    expect(after?.meta).toMatchObject({ count: 2, hasNext: true });
  });

  it('asks the API when a task enters the filter and its creation time is unknown', () => {
    const before = page([task(30, { status: 'success' })]);
    const done = event({ type: 'succeeded', taskId: 'unseen', status: 'success' });
    expect(applyEventToPage(before, { ...DEFAULT, status: 'success' }, done)).toEqual({ page: null, stale: true });
  });

  it('counts one fewer when a task of a later page leaves the filter, and marks the count an estimate when unsure', () => {
    const before = page([task(2, { status: 'processing' })], { count: 100, hasNext: true });
    const done = event({ type: 'succeeded', taskId: 'elsewhere', status: 'success' });
    expect(applyEventToPage(before, { ...DEFAULT, status: 'processing' }, done).page?.meta.count).toBe(99);
    // `started` may come from pending or retry: a retry-filtered count cannot know which.
    const started = event({ type: 'started', taskId: 'elsewhere', status: 'processing' });
    const unsure = applyEventToPage(page([task(2, { status: 'retry' })], { count: 5 }), { ...DEFAULT, status: 'retry' }, started);
    expect(unsure.page?.meta).toMatchObject({ count: 5, countIsEstimate: true });
  });
});

describe('applyEventToPage, views an event cannot be placed in', () => {
  it('changes a shown row and asks for a refetch under a search, a schedule filter or another ordering', () => {
    const before = page([task(2), task(1)]);
    const started = event({ type: 'started', taskId: before.items[0].id, status: 'processing' });
    for (const filters of [{ search: 'boom' }, { scheduleName: 'nightly' }, { ordering: '-updated_at' }]) {
      expect(canPlaceEvents({ ...DEFAULT, ...filters })).toBe(false);
      const update = applyEventToPage(before, { ...DEFAULT, ...filters }, started);
      expect(update.stale).toBe(true);
      expect(update.page?.items[0].status).toBe('processing');
    }
  });

  it('asks for a refetch of a later page when a new task shifts its rows', () => {
    const before = page([task(2)], { page: 2, hasPrevious: true, count: 51 });
    expect(applyEventToPage(before, { ...DEFAULT, page: 2 }, event())).toEqual({ page: null, stale: true });
  });

  it('ignores, under another ordering, an event of a queue the view leaves out', () => {
    const before = page([task(1)]);
    expect(applyEventToPage(before, { ...DEFAULT, ordering: 'created_at', queueName: 'emails' }, event())).toEqual({
      page: null,
      stale: false,
    });
  });
});

describe('taskWithEvent', () => {
  it('clears the run times of a task given back or retried', () => {
    const ran = task(1, { status: 'failed', started_at: '2025-01-02T03:00:00Z', completed_at: '2025-01-02T03:00:01Z' });
    const retried = taskWithEvent(ran, event({ type: 'retried', taskId: ran.id, status: 'pending', attempt: 1 }));
    expect(retried).toMatchObject({ status: 'pending', startedAt: null, completedAt: null });
  });
});
