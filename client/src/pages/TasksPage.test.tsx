import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { addNumbersFunction, wireTask } from '../test/fixtures';
import { mockFetch, ok } from '../test/mockFetch';
import { renderWithProviders } from '../test/render';
import { TasksPage } from './TasksPage';

const meta = { page: 1, page_size: 50, count: 2, count_is_estimate: false, has_next: false, has_previous: false };

function routes() {
  return mockFetch({
    'GET /api/tasks/': (call) => {
      const status = call.url.searchParams.get('status');
      const tasks = [
        wireTask({ id: 'aaaaaaaa-0000-4000-8000-000000000001', status: 'failed', error_message: 'boom' }),
        wireTask({ id: 'bbbbbbbb-0000-4000-8000-000000000002', status: 'success' }),
      ].filter((t) => !status || t.status === status);
      return ok(tasks, { ...meta, count: tasks.length });
    },
    'GET /api/task-functions/': ok([addNumbersFunction]),
    'GET /api/stats/': ok({ generated_at: '2025-01-01T00:00:00Z', window_minutes: 1, counts: {}, queues: [], throughput: [] }),
  });
}

describe('TasksPage', () => {
  it('reads its filters from the URL and sends them to the API', async () => {
    const { calls } = routes();
    renderWithProviders(<TasksPage />, { route: '/tasks?status=failed&queue_name=default' });
    const rows = await screen.findAllByRole('row');
    expect(rows).toHaveLength(2); // header + one failed task
    expect(within(rows[1]).getByText('failed')).toHaveClass('status', 'failed');
    const listCall = calls.find((c) => c.url.pathname === '/api/tasks/');
    expect(listCall?.url.searchParams.get('status')).toBe('failed');
    expect(listCall?.url.searchParams.get('queue_name')).toBe('default');
    expect(screen.getByLabelText('Status')).toHaveValue('failed');
  });

  it('writes a changed filter into the URL and goes back to page 1', async () => {
    const { calls } = routes();
    const user = userEvent.setup();
    renderWithProviders(<TasksPage />, { route: '/tasks?page=3' });
    await screen.findAllByText('add_numbers', { selector: '.task-name' });
    await user.selectOptions(screen.getByLabelText('Status'), 'success');
    await waitFor(() => expect(screen.getByTestId('location')).toHaveTextContent('/tasks?status=success'));
    await waitFor(() => expect(calls.some((c) => c.url.searchParams.get('status') === 'success')).toBe(true));
  });

  it('puts the debounced search text into the URL', async () => {
    routes();
    const user = userEvent.setup();
    renderWithProviders(<TasksPage />, { route: '/tasks' });
    await user.type(screen.getByRole('searchbox'), 'boom');
    await waitFor(() => expect(screen.getByTestId('location')).toHaveTextContent('/tasks?search=boom'));
  });

  it('keys rows by task id so updates change them in place', async () => {
    routes();
    renderWithProviders(<TasksPage />, { route: '/tasks' });
    const rows = await screen.findAllByRole('row');
    expect(rows.slice(1).map((r) => r.getAttribute('data-task-id'))).toEqual([
      'aaaaaaaa-0000-4000-8000-000000000001',
      'bbbbbbbb-0000-4000-8000-000000000002',
    ]);
    expect(screen.getByText(/^updated/, { selector: '.freshness' })).toBeInTheDocument();
  });

  it('filters by the schedule named in the URL, and drops that filter from its chip', async () => {
    const { calls } = routes();
    const user = userEvent.setup();
    renderWithProviders(<TasksPage />, { route: '/tasks?schedule_name=example-heartbeat' });
    await screen.findAllByRole('row');
    expect(calls.find((c) => c.url.pathname === '/api/tasks/')?.url.searchParams.get('schedule_name')).toBe('example-heartbeat');
    const chip = screen.getByRole('group', { name: 'Schedule' });
    expect(within(chip).getByRole('link', { name: 'example-heartbeat' })).toHaveAttribute('href', '/schedules/example-heartbeat');

    await user.click(within(chip).getByRole('button', { name: 'Remove the filter on schedule example-heartbeat' }));

    await waitFor(() => expect(screen.getByTestId('location')).toHaveTextContent(/^\/tasks$/));
    expect(screen.queryByRole('group', { name: 'Schedule' })).not.toBeInTheDocument();
  });
});
