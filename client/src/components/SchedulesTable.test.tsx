import { screen, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { toSchedule } from '../api/convert';
import { wireSchedule } from '../test/fixtures';
import { renderWithProviders } from '../test/render';
import { SchedulesTable } from './SchedulesTable';

// Between the last tick (03:05:00) and the next (03:06:00).
const now = Date.parse('2025-01-02T03:05:30Z');

function rowOf(name: string) {
  return screen.getByRole('row', { name: new RegExp(name) });
}

describe('SchedulesTable', () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(now);
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('shows a cron schedule with its time zone, its next run and its last run linking to the task', () => {
    const schedule = toSchedule(wireSchedule({ cron: '0 3 * * *', timezone: 'Europe/Paris' }));

    renderWithProviders(<SchedulesTable schedules={[schedule]} />);

    const row = rowOf('example-heartbeat');
    expect(within(row).getByRole('link', { name: 'example-heartbeat' })).toHaveAttribute('href', '/schedules/example-heartbeat');
    expect(within(row).getByText('record_heartbeat')).toBeInTheDocument();
    expect(within(row).getByText('cron 0 3 * * * · Europe/Paris')).toBeInTheDocument();
    expect(within(row).getByText('enabled')).toHaveClass('badge', 'schedule', 'enabled');
    expect(within(row).getByText('in 30 s')).toBeInTheDocument();
    expect(within(row).getByText('30 s ago')).toBeInTheDocument();
    const lastTask = within(row).getByRole('link', { name: 'success' });
    expect(lastTask).toHaveAttribute('href', '/tasks/3f2b8c1e-0000-4000-8000-0000000000c1');
    expect(within(lastTask).getByText('success')).toHaveClass('badge', 'status', 'success');
    expect(within(row).getByText('12 ms')).not.toHaveClass('late');
    expect(within(row).getByRole('button', { name: 'Pause' })).toBeInTheDocument();
    expect(within(row).getByRole('button', { name: 'Run now' })).toBeInTheDocument();
  });

  it('shows a paused interval schedule with no next run and Resume instead of Pause', () => {
    const schedule = toSchedule(wireSchedule({ name: 'poll-feeds', cron: null, every_seconds: 30, enabled: false, next_run_at: null }));

    renderWithProviders(<SchedulesTable schedules={[schedule]} />);

    const row = rowOf('poll-feeds');
    expect(within(row).getByText('every 30 s')).toBeInTheDocument();
    expect(within(row).getByText('paused')).toHaveClass('schedule', 'paused');
    expect(within(row).getByRole('button', { name: 'Resume' })).toBeInTheDocument();
    expect(within(row).queryByRole('button', { name: 'Pause' })).not.toBeInTheDocument();
    expect(within(row).getByRole('button', { name: 'Run now' })).toBeInTheDocument();
  });

  it('shows an orphaned schedule as orphaned, with no Run now and no Pause', () => {
    const schedule = toSchedule(wireSchedule({ name: 'old-report', orphaned: true, next_run_at: null }));

    renderWithProviders(<SchedulesTable schedules={[schedule]} />);

    const row = rowOf('old-report');
    expect(row).toHaveAttribute('data-state', 'orphaned');
    expect(within(row).getByText('orphaned')).toHaveClass('schedule', 'orphaned');
    expect(within(row).queryByRole('button')).not.toBeInTheDocument();
    expect(within(row).getByText('removed from code')).toBeInTheDocument();
  });

  it('says never for a schedule without a run, and marks a late tick', () => {
    const never = toSchedule(
      wireSchedule({ name: 'fresh', last_run_at: null, last_task_id: null, last_task_status: null, lag_seconds: null }),
    );
    const late = toSchedule(wireSchedule({ name: 'slow', lag_seconds: 2.5 }));

    renderWithProviders(<SchedulesTable schedules={[never, late]} />);

    expect(within(rowOf('fresh')).getByText('never')).toBeInTheDocument();
    expect(within(rowOf('slow')).getByText('2.5 s')).toHaveClass('late');
  });

  it('says how to declare a schedule when there is none', () => {
    renderWithProviders(<SchedulesTable schedules={[]} />);

    expect(screen.getByText(/No schedules/)).toBeInTheDocument();
  });
});
