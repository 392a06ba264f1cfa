import { act, screen, waitFor } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { fakeEventSources, wireEvent } from '../test/fakeEventSource';
import { addNumbersFunction, wireTask } from '../test/fixtures';
import { mockFetch, ok, type RecordedCall } from '../test/mockFetch';
import { renderWithProviders } from '../test/render';
import { TasksPage } from './TasksPage';

const NEW_ID = '3f2b8c1e-0000-4000-8000-0000000000e1';
const LIVE = { refetchEveryMs: 50, detailWaitMs: 10 };

function routes() {
  const tasks = [
    wireTask({ id: 'aaaaaaaa-0000-4000-8000-000000000001', status: 'failed', created_at: '2025-01-02T03:04:06Z' }),
    wireTask({ id: 'bbbbbbbb-0000-4000-8000-000000000002', status: 'success', created_at: '2025-01-02T03:04:05Z' }),
  ];
  return mockFetch({
    'GET /api/tasks/': (call) => {
      const status = call.url.searchParams.get('status');
      const shown = tasks.filter((t) => !status || t.status === status);
      return ok(shown, { page: 1, page_size: 50, count: shown.length, count_is_estimate: false, has_next: false, has_previous: false });
    },
    'GET /api/task-functions/': ok([addNumbersFunction]),
    'GET /api/stats/': ok({ generated_at: '2025-01-01T00:00:00Z', window_minutes: 1, counts: {}, queues: [], throughput: [] }),
  });
}

function listRequests(calls: RecordedCall[]): number {
  return calls.filter((c) => c.method === 'GET' && c.url.pathname === '/api/tasks/').length;
}

const settle = () => act(() => new Promise((resolve) => setTimeout(resolve, 120)));

function rowIds(): (string | null)[] {
  return screen.queryAllByRole('row').slice(1).map((row) => row.getAttribute('data-task-id'));
}

async function openLive(route: string) {
  const sources = fakeEventSources();
  const { calls } = routes();
  renderWithProviders(<TasksPage />, { route, eventSource: sources.factory, liveCache: LIVE });
  await screen.findAllByRole('row');
  act(() => sources.latest.open());
  // A new stream starts now: the list is refetched once, for what happened before it opened.
  await waitFor(() => expect(listRequests(calls)).toBe(2));
  await settle();
  return { sources, calls };
}

describe('TasksPage with live updates', () => {
  it('shows a new task at the top and its status changes from the events alone, with no list request', async () => {
    const { sources, calls } = await openLive('/tasks');
    const requestsBefore = listRequests(calls);

    act(() => sources.latest.task(wireEvent({ type: 'enqueued', task_id: NEW_ID, status: 'pending' })));
    await waitFor(() => expect(rowIds()[0]).toBe(NEW_ID));
    expect(rowIds()).toHaveLength(3);
    expect(screen.getByText(/1–3 of 3/)).toBeInTheDocument();

    act(() => sources.latest.task(wireEvent({ type: 'started', task_id: NEW_ID, status: 'processing', attempt: 1 })));
    await waitFor(() => expect(screen.getAllByRole('row')[1]).toHaveAttribute('data-status', 'processing'));
    act(() => sources.latest.task(wireEvent({ type: 'succeeded', task_id: NEW_ID, status: 'success', attempt: 1 })));
    await waitFor(() => expect(screen.getAllByRole('row')[1]).toHaveAttribute('data-status', 'success'));

    await settle();
    expect(listRequests(calls)).toBe(requestsBefore);
  });

  it('keeps a status-filtered page right from the events alone', async () => {
    const { sources, calls } = await openLive('/tasks?status=failed');
    const requestsBefore = listRequests(calls);
    expect(rowIds()).toEqual(['aaaaaaaa-0000-4000-8000-000000000001']);

    act(() => sources.latest.task(wireEvent({ type: 'enqueued', task_id: NEW_ID })));
    act(() => sources.latest.task(wireEvent({ type: 'started', task_id: NEW_ID, status: 'processing', attempt: 1 })));
    act(() => sources.latest.task(wireEvent({ type: 'failed', task_id: NEW_ID, status: 'failed', attempt: 1 })));
    await waitFor(() => expect(rowIds()).toEqual([NEW_ID, 'aaaaaaaa-0000-4000-8000-000000000001']));
    act(() =>
      sources.latest.task(
        wireEvent({ type: 'retried', task_id: 'aaaaaaaa-0000-4000-8000-000000000001', status: 'pending', attempt: 1 }),
      ),
    );
    await waitFor(() => expect(rowIds()).toEqual([NEW_ID]));

    await settle();
    expect(listRequests(calls)).toBe(requestsBefore);
  });

  it('refetches a view it cannot place events in, at most once per interval', async () => {
    const { sources, calls } = await openLive('/tasks?search=boom');
    const requestsBefore = listRequests(calls);

    act(() => {
      for (let i = 0; i < 10; i += 1) sources.latest.task(wireEvent({ type: 'enqueued', task_id: `${NEW_ID.slice(0, -2)}${10 + i}` }));
    });
    await settle();
    // One at once, one for the rest of the burst when the interval ends.
    expect(listRequests(calls) - requestsBefore).toBe(2);
  });

  it('refetches the list after a reset', async () => {
    const { sources, calls } = await openLive('/tasks');
    const requestsBefore = listRequests(calls);
    act(() => sources.latest.message('reset', '{"reason": "too_old", "message": "refetch"}'));
    await waitFor(() => expect(listRequests(calls)).toBe(requestsBefore + 1));
  });
});
