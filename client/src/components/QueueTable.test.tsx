import { screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { toQueueStats } from '../api/convert';
import type { WireQueueStats } from '../api/wire';
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
});
