import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { toSchedule } from '../api/convert';
import { wireSchedule, wireTask } from '../test/fixtures';
import { mockFetch, ok } from '../test/mockFetch';
import { renderWithProviders } from '../test/render';
import { ScheduleActions } from './ScheduleActions';

const NEW_TASK = '3f2b8c1e-0000-4000-8000-0000000000f7';

describe('ScheduleActions', () => {
  it('posts to the pause endpoint of the schedule', async () => {
    const { calls } = mockFetch({ 'POST /api/schedules/example-heartbeat/pause/': ok(wireSchedule({ enabled: false })) });
    const user = userEvent.setup();
    renderWithProviders(<ScheduleActions schedule={toSchedule(wireSchedule())} />);

    await user.click(screen.getByRole('button', { name: 'Pause' }));

    await waitFor(() => expect(calls.some((c) => c.method === 'POST' && c.url.pathname === '/api/schedules/example-heartbeat/pause/')).toBe(true));
    expect(screen.queryByRole('alert')).not.toBeInTheDocument();
  });

  it('posts to the resume endpoint of a paused schedule', async () => {
    const { calls } = mockFetch({ 'POST /api/schedules/example-heartbeat/resume/': ok(wireSchedule()) });
    const user = userEvent.setup();
    renderWithProviders(<ScheduleActions schedule={toSchedule(wireSchedule({ enabled: false }))} />);

    await user.click(screen.getByRole('button', { name: 'Resume' }));

    await waitFor(() => expect(calls.some((c) => c.url.pathname === '/api/schedules/example-heartbeat/resume/')).toBe(true));
  });

  it('runs the schedule now and links the new task', async () => {
    mockFetch({
      'POST /api/schedules/example-heartbeat/run/': {
        status: 201,
        body: { success: true, data: wireTask({ id: NEW_TASK, task_name: 'record_heartbeat', schedule_name: 'example-heartbeat' }) },
      },
    });
    const user = userEvent.setup();
    renderWithProviders(<ScheduleActions schedule={toSchedule(wireSchedule())} />);

    await user.click(screen.getByRole('button', { name: 'Run now' }));

    const link = await screen.findByRole('link', { name: 'task 000000f7' });
    expect(link).toHaveAttribute('href', `/tasks/${NEW_TASK}`);
    expect(link.closest('.action-result')).toHaveTextContent('Enqueued task 000000f7');
  });

  it('shows the 409 message when the schedule cannot be run', async () => {
    mockFetch({
      'POST /api/schedules/example-heartbeat/run/': {
        status: 409,
        body: { success: false, message: 'The schedule example-heartbeat is orphaned: it is not in the code.', errors: {} },
      },
    });
    const user = userEvent.setup();
    renderWithProviders(<ScheduleActions schedule={toSchedule(wireSchedule())} />);

    await user.click(screen.getByRole('button', { name: 'Run now' }));

    expect(await screen.findByRole('alert')).toHaveTextContent(
      'Run now failed: The schedule example-heartbeat is orphaned: it is not in the code. (HTTP 409)',
    );
  });

  it('encodes a schedule name that is not URL-safe', async () => {
    const { calls } = mockFetch({ 'POST /api/schedules/hourly%20cleanup/pause/': ok(wireSchedule({ name: 'hourly cleanup' })) });
    const user = userEvent.setup();
    renderWithProviders(<ScheduleActions schedule={toSchedule(wireSchedule({ name: 'hourly cleanup' }))} />);

    await user.click(screen.getByRole('button', { name: 'Pause' }));

    await waitFor(() => expect(calls.some((c) => c.url.pathname === '/api/schedules/hourly%20cleanup/pause/')).toBe(true));
  });
});
