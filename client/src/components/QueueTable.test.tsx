import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { toQueueStats } from '../api/convert';
import type { WireQueueStats } from '../api/wire';
import { mockFetch } from '../test/mockFetch';
import { renderWithProviders } from '../test/render';
import { QueueTable } from './QueueTable';

function queue(overrides: Partial<WireQueueStats>) {
  return toQueueStats({
    queue_name: 'default', redis_ready: 0, redis_delayed: 0, redis_processing: 0, pending: 0, scheduled: 0, retry: 0,
    processing: 0, failed: 0, drift: 0, oldest_waiting_age_s: null, live_workers: 1, ...overrides,
  });
}

describe('QueueTable', () => {
  it('warns when a queue has waiting tasks and no live worker', () => {
    renderWithProviders(
      <QueueTable
        queues={[queue({ queue_name: 'default', pending: 3 }), queue({ queue_name: 'e2e-idle', pending: 2, retry: 1, live_workers: 0, oldest_waiting_age_s: 125 })]}
        throughput={[]}
      />,
    );
    expect(screen.getAllByText(/No live worker serves this queue/)).toHaveLength(1);
    const row = screen.getByRole('row', { name: /e2e-idle/ });
    expect(row).toHaveClass('warn-row');
    expect(row).toHaveTextContent('2 m');
  });

  it('does not warn about an idle queue without workers', () => {
    renderWithProviders(<QueueTable queues={[queue({ live_workers: 0 })]} throughput={[]} />);
    expect(screen.queryByText(/No live worker/)).not.toBeInTheDocument();
  });

  it('pauses a running queue from its row', async () => {
    const { calls } = mockFetch({ 'POST /api/queues/reports/pause/': { body: { success: true, data: {} } } });
    const user = userEvent.setup();
    renderWithProviders(<QueueTable queues={[queue({ queue_name: 'reports' })]} throughput={[]} />);
    expect(screen.queryByText('paused')).not.toBeInTheDocument();
    await user.click(screen.getByRole('button', { name: 'Pause queue reports' }));
    await waitFor(() => expect(calls.some((c) => c.method === 'POST' && c.url.pathname === '/api/queues/reports/pause/')).toBe(true));
  });

  it('marks a paused queue and offers to resume it', async () => {
    const { calls } = mockFetch({ 'POST /api/queues/reports/resume/': { body: { success: true, data: {} } } });
    const user = userEvent.setup();
    renderWithProviders(<QueueTable queues={[queue({ queue_name: 'reports', paused: true })]} throughput={[]} />);
    expect(screen.getByRole('row', { name: /reports/ })).toHaveTextContent('paused');
    await user.click(screen.getByRole('button', { name: 'Resume queue reports' }));
    await waitFor(() => expect(calls.some((c) => c.url.pathname === '/api/queues/reports/resume/')).toBe(true));
  });

  it('shows the limits of a queue that has its own, and none for the others', () => {
    renderWithProviders(
      <QueueTable
        queues={[queue({ queue_name: 'reports', concurrency_limit: 4, rate_limit: '10/s' }), queue({ queue_name: 'default' })]}
        throughput={[]}
      />,
    );
    expect(screen.getByRole('row', { name: /reports/ })).toHaveTextContent('≤ 4 at once · 10/s');
    expect(screen.getByRole('row', { name: /default/ })).not.toHaveTextContent('at once');
  });
});
