import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { wireScheduleDetail, wireScheduleRun, wireTask } from '../test/fixtures';
import { mockFetch, ok } from '../test/mockFetch';
import { renderWithProviders } from '../test/render';
import { ScheduleDetailPage } from './ScheduleDetailPage';

function renderDetail(name = 'example-heartbeat') {
  return renderWithProviders(<ScheduleDetailPage />, { route: `/schedules/${encodeURIComponent(name)}`, path: '/schedules/:name' });
}

function definition(term: string) {
  const dt = screen.getByText(term, { selector: 'dt' });
  return dt.nextElementSibling as HTMLElement;
}

describe('ScheduleDetailPage', () => {
  it('shows the definition of the schedule', async () => {
    mockFetch({
      'GET /api/schedules/example-heartbeat/': ok(
        wireScheduleDetail({ cron: '0 3 * * *', timezone: 'Europe/Paris', catch_up: 'all', skip_if_running: true, skipped_ticks: 4, priority: 50 }),
      ),
    });
    renderDetail();

    expect(await screen.findByRole('heading', { name: /example-heartbeat/ })).toBeInTheDocument();
    expect(definition('Task function')).toHaveTextContent('record_heartbeat');
    expect(definition('Trigger')).toHaveTextContent(/^cron 0 3 \* \* \*$/);
    expect(definition('Time zone')).toHaveTextContent('Europe/Paris');
    expect(definition('Queue')).toHaveTextContent('default');
    expect(definition('Priority')).toHaveTextContent('50');
    expect(definition('Catch up')).toHaveTextContent('all (one run per missed tick)');
    expect(definition('Skip if running')).toHaveTextContent(/^yes/);
    expect(definition('Skipped ticks')).toHaveTextContent('4');
    expect(screen.getByRole('button', { name: 'Pause' })).toBeInTheDocument();
  });

  it('lists the recent runs, newest first, each linking to its task, and links all runs to the filtered tasks', async () => {
    mockFetch({
      'GET /api/schedules/example-heartbeat/': ok(
        wireScheduleDetail({
          recent_runs: [
            wireScheduleRun({ task_id: 'run-2', scheduled_for: '2025-01-02T03:06:00Z', status: 'processing', completed_at: null }),
            wireScheduleRun({ task_id: 'run-1', scheduled_for: '2025-01-02T03:05:00Z', status: 'failed' }),
          ],
        }),
      ),
    });
    renderDetail();

    const runs = await screen.findByRole('region', { name: 'Recent runs (2)' });
    const rows = within(runs).getAllByRole('row').slice(1);
    expect(rows.map((row) => row.getAttribute('data-status'))).toEqual(['processing', 'failed']);
    expect(within(rows[0]).getByRole('link', { name: 'run-2' })).toHaveAttribute('href', '/tasks/run-2');
    expect(within(rows[0]).getByText('processing')).toHaveClass('badge', 'status', 'processing');
    expect(within(rows[0]).getAllByRole('cell')[4]).toHaveTextContent('—');
    expect(within(runs).getByRole('link', { name: 'All runs →' })).toHaveAttribute('href', '/tasks?schedule_name=example-heartbeat');
  });

  it('runs the schedule now and leads to the new task', async () => {
    mockFetch({
      'GET /api/schedules/example-heartbeat/': ok(wireScheduleDetail()),
      'POST /api/schedules/example-heartbeat/run/': { status: 201, body: { success: true, data: wireTask({ id: '3f2b8c1e-0000-4000-8000-0000000000f7' }) } },
    });
    const user = userEvent.setup();
    renderDetail();

    await user.click(await screen.findByRole('button', { name: 'Run now' }));
    await user.click(await screen.findByRole('link', { name: 'task 000000f7' }));

    expect(screen.getByTestId('location')).toHaveTextContent('/tasks/3f2b8c1e-0000-4000-8000-0000000000f7');
  });

  it('explains an orphaned schedule and offers no action', async () => {
    mockFetch({ 'GET /api/schedules/old-report/': ok(wireScheduleDetail({ name: 'old-report', orphaned: true, next_run_at: null })) });
    renderDetail('old-report');

    expect(await screen.findByText(/no longer in the code/)).toBeInTheDocument();
    expect(screen.queryByRole('button')).not.toBeInTheDocument();
  });

  it('says so when no schedule has the name', async () => {
    mockFetch({});
    renderDetail('no-such-schedule');

    expect(await screen.findByText(/No schedule is named/)).toHaveTextContent('no-such-schedule');
  });
});
