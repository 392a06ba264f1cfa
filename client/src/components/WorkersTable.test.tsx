import { screen, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { toWorker } from '../api/convert';
import { wireRunningTask, wireWorker } from '../test/fixtures';
import { renderWithProviders } from '../test/render';
import { WorkersTable } from './WorkersTable';

// The server answered at 03:05:01 (last heartbeat 03:05:00, 1 s old), the moment of the fetch.
const fetchedAt = Date.parse('2025-01-02T03:05:01Z');

describe('WorkersTable', () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(fetchedAt);
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('shows the slots in use and links each running task, with its slot and how long it has run', () => {
    const worker = toWorker(
      wireWorker({
        state: 'busy',
        concurrency: 4,
        busy: 2,
        running_tasks: [
          wireRunningTask({ task_id: 'task-a', task_name: 'add_numbers', slot: 0, started_at: '2025-01-02T03:04:59Z' }),
          wireRunningTask({ task_id: 'task-b', task_name: 'slow_task', slot: 3, started_at: '2025-01-02T03:03:31Z' }),
        ],
      }),
    );

    renderWithProviders(<WorkersTable workers={[worker]} updatedAt={fetchedAt} />);

    const meter = screen.getByRole('meter', { name: 'Slots in use' });
    expect(meter).toHaveTextContent('2/4 slots');
    expect(meter).toHaveAttribute('aria-valuetext', '2 of 4 slots busy');
    const items = within(screen.getByRole('row', { name: /box-4242/ })).getAllByRole('listitem');
    expect(items.map((item) => item.textContent)).toEqual(['slot 0add_numbers2.0 s', 'slot 3slow_task1 m 30 s']);
    expect(screen.getByRole('link', { name: 'slow_task' })).toHaveAttribute('href', '/tasks/task-b');
  });

  it('shows an idle worker with no slot in use and nothing running', () => {
    renderWithProviders(<WorkersTable workers={[toWorker(wireWorker({ concurrency: 2 }))]} updatedAt={fetchedAt} />);

    expect(screen.getByRole('meter', { name: 'Slots in use' })).toHaveTextContent('0/2 slots');
    expect(screen.queryByRole('listitem')).not.toBeInTheDocument();
  });

  it('links the current task of a worker that lists no running tasks (an older version)', () => {
    const worker = toWorker(wireWorker({ state: 'busy', busy: 1, current_task_id: '3f2b8c1e-0000-4000-8000-0000000000ab' }));

    renderWithProviders(<WorkersTable workers={[worker]} updatedAt={fetchedAt} />);

    expect(screen.getByRole('meter', { name: 'Slots in use' })).toHaveTextContent('1/1 slots');
    expect(screen.getByRole('link', { name: '000000ab' })).toHaveAttribute('href', '/tasks/3f2b8c1e-0000-4000-8000-0000000000ab');
  });
});
