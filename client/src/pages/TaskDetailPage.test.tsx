import { act, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { fakeEventSources, wireEvent } from '../test/fakeEventSource';
import { wireTaskDetail } from '../test/fixtures';
import { mockFetch, ok } from '../test/mockFetch';
import { renderWithProviders } from '../test/render';
import { TaskDetailPage } from './TaskDetailPage';

const ID = '3f2b8c1e-0000-4000-8000-000000000001';

function renderDetail() {
  return renderWithProviders(<TaskDetailPage />, { route: `/tasks/${ID}`, path: '/tasks/:id' });
}

describe('TaskDetailPage', () => {
  it('says why a waiting task waits and offers Cancel', async () => {
    mockFetch({
      [`GET /api/tasks/${ID}/`]: ok(
        wireTaskDetail({ id: ID, status: 'pending', queue_name: 'e2e-idle', waiting_reason: 'No live worker serves the queue e2e-idle.' }),
      ),
    });
    renderDetail();
    expect(await screen.findByText('No live worker serves the queue e2e-idle.')).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Cancel' })).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Retry' })).not.toBeInTheDocument();
    expect(screen.getByLabelText('args (JSON)')).toHaveTextContent(/\[\s*10,\s*20\s*\]/);
  });

  it('shows a failed task with its attempts and a collapsible traceback, and offers Retry', async () => {
    mockFetch({
      [`GET /api/tasks/${ID}/`]: ok(
        wireTaskDetail({
          id: ID,
          status: 'failed',
          error_message: 'Task failed intentionally',
          traceback: 'Traceback (most recent call last):\nValueError: Task failed intentionally',
          started_at: '2025-01-02T03:04:06Z',
          completed_at: '2025-01-02T03:04:07Z',
          attempts: [
            {
              number: 1, worker_id: 'worker-1', started_at: '2025-01-02T03:04:06Z', finished_at: '2025-01-02T03:04:07Z',
              outcome: 'error', error_type: 'ValueError', error_message: 'Task failed intentionally',
              traceback: 'Traceback (most recent call last):\nValueError: Task failed intentionally', duration_ms: 1000,
            },
          ],
        }),
      ),
    });
    const user = userEvent.setup();
    renderDetail();
    expect(await screen.findByRole('button', { name: 'Retry' })).toBeInTheDocument();
    expect(screen.getByText('Attempt 1')).toBeInTheDocument();
    expect(screen.getByText('worker-1')).toBeInTheDocument();
    const details = screen.getByText('Traceback').closest('details');
    expect(details).not.toHaveAttribute('open');
    await user.click(screen.getByText('Traceback'));
    expect(details).toHaveAttribute('open');
    expect(screen.getByText(/Traceback \(most recent call last\)/)).toBeInTheDocument();
    expect(screen.getByRole('img', { name: 'Waited 1.0 s, ran 1.0 s' })).toBeInTheDocument();
  });

  it('shows the result of a successful task as JSON', async () => {
    mockFetch({ [`GET /api/tasks/${ID}/`]: ok(wireTaskDetail({ id: ID, status: 'success', result: { total: 30 } })) });
    renderDetail();
    expect(await screen.findByLabelText('result (JSON)')).toHaveTextContent('"total": 30');
  });

  it('names the schedule that made the task, linking to it, and the tick it was made for', async () => {
    mockFetch({
      [`GET /api/tasks/${ID}/`]: ok(
        wireTaskDetail({ id: ID, status: 'success', schedule_name: 'example-heartbeat', scheduled_for: '2025-01-02T03:05:00Z' }),
      ),
    });
    renderDetail();
    const link = await screen.findByRole('link', { name: 'example-heartbeat' });
    expect(link).toHaveAttribute('href', '/schedules/example-heartbeat');
    expect(link.closest('.task-schedule')?.querySelector('time')).toHaveAttribute('datetime', '2025-01-02T03:05:00.000Z');
  });

  it('says nothing of schedules for a task enqueued by hand', async () => {
    mockFetch({ [`GET /api/tasks/${ID}/`]: ok(wireTaskDetail({ id: ID, status: 'success' })) });
    const { container } = renderDetail();
    await screen.findByLabelText('result (JSON)');
    expect(container.querySelector('.task-schedule')).toBeNull();
  });

  it('says so when the task does not exist', async () => {
    mockFetch({});
    renderDetail();
    expect(await screen.findByText(/No task has the id/)).toBeInTheDocument();
  });

  it('links a workflow step to its workflow', async () => {
    mockFetch({
      [`GET /api/tasks/${ID}/`]: ok(wireTaskDetail({ id: ID, workflow_id: 'wf-1' })),
    });
    renderDetail();
    expect(await screen.findByRole('link', { name: 'workflow' })).toHaveAttribute('href', '/workflows/wf-1');
  });

  it('refetches the task when an event for it arrives, so its result shows, and not for other tasks', async () => {
    let current = wireTaskDetail({ id: ID, status: 'pending' });
    const { calls } = mockFetch({ [`GET /api/tasks/${ID}/`]: () => ok(current) });
    const sources = fakeEventSources();
    renderWithProviders(<TaskDetailPage />, {
      route: `/tasks/${ID}`,
      path: '/tasks/:id',
      eventSource: sources.factory,
      liveCache: { refetchEveryMs: 50, detailWaitMs: 10 },
    });
    await screen.findByText('No result yet.');
    act(() => sources.latest.open());
    const detailRequests = () => calls.filter((c) => c.url.pathname === `/api/tasks/${ID}/`).length;
    await waitFor(() => expect(detailRequests()).toBe(2)); // the load and the new stream's catch-up

    act(() => sources.latest.task(wireEvent({ type: 'started', task_id: 'aaaaaaaa-0000-4000-8000-000000000009', status: 'processing' })));
    await act(() => new Promise((resolve) => setTimeout(resolve, 60)));
    expect(detailRequests()).toBe(2);

    current = wireTaskDetail({ id: ID, status: 'success', attempt: 1, result: 30, updated_at: '2025-01-02T03:10:01Z' });
    act(() => sources.latest.task(wireEvent({ type: 'started', task_id: ID, status: 'processing', attempt: 1 })));
    act(() => sources.latest.task(wireEvent({ type: 'succeeded', task_id: ID, status: 'success', attempt: 1 })));
    await waitFor(() => expect(screen.getByLabelText('result (JSON)')).toHaveTextContent('30'));
    expect(detailRequests()).toBe(3); // one refetch for both events
  });
});
