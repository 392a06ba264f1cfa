import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { wireSchedule } from '../test/fixtures';
import { mockFetch, ok } from '../test/mockFetch';
import { renderWithProviders } from '../test/render';
import { SchedulesPage } from './SchedulesPage';

describe('SchedulesPage', () => {
  it('lists the schedules and counts the paused and orphaned ones', async () => {
    mockFetch({
      'GET /api/schedules/': ok([
        wireSchedule(),
        wireSchedule({ name: 'poll-feeds', cron: null, every_seconds: 30, enabled: false, next_run_at: null }),
        wireSchedule({ name: 'old-report', orphaned: true, next_run_at: null }),
      ]),
    });
    renderWithProviders(<SchedulesPage />, { route: '/schedules' });

    expect(await screen.findByRole('link', { name: 'example-heartbeat' })).toBeInTheDocument();
    expect(screen.getByText('3 schedules · 1 paused · 1 orphaned')).toBeInTheDocument();
    expect(screen.getAllByRole('row')).toHaveLength(4);
  });

  it('pauses a schedule: the row turns paused and offers Resume', async () => {
    let enabled = true;
    const { calls } = mockFetch({
      'GET /api/schedules/': () => ok([wireSchedule({ enabled, next_run_at: enabled ? '2025-01-02T03:06:00Z' : null })]),
      'POST /api/schedules/example-heartbeat/pause/': () => {
        enabled = false;
        return ok(wireSchedule({ enabled: false, next_run_at: null }));
      },
    });
    const user = userEvent.setup();
    renderWithProviders(<SchedulesPage />, { route: '/schedules' });

    await user.click(await screen.findByRole('button', { name: 'Pause' }));

    const row = screen.getByRole('row', { name: /example-heartbeat/ });
    expect(await within(row).findByRole('button', { name: 'Resume' })).toBeInTheDocument();
    expect(within(row).getByText('paused')).toHaveClass('schedule', 'paused');
    // The list is fetched again after the action.
    await waitFor(() => expect(calls.filter((c) => c.url.pathname === '/api/schedules/').length).toBeGreaterThanOrEqual(2));
  });

  it('shows the load error in the panel', async () => {
    mockFetch({ 'GET /api/schedules/': { status: 500, body: { success: false, message: 'Database unavailable.', errors: {} } } });
    renderWithProviders(<SchedulesPage />, { route: '/schedules' });

    expect(await screen.findByRole('alert')).toHaveTextContent('Database unavailable. (HTTP 500)');
  });
});
