import { beforeEach, describe, expect, it } from 'vitest';
import { toStats } from '../api/convert';
import type { WireStats } from '../api/wire';
import { getQueueHistory, MAX_SAMPLES, recordQueueDepths, resetQueueHistory } from './queueHistory';

function stats(second: number, pending: number): ReturnType<typeof toStats> {
  const wire: WireStats = {
    generated_at: new Date(Date.UTC(2025, 0, 1, 0, 0, second)).toISOString(),
    window_minutes: 60,
    counts: {},
    counts_are_estimates: false,
    queues: [
      {
        queue_name: 'default', redis_ready: 0, redis_delayed: 0, redis_processing: 0, pending, scheduled: 0, retry: 1,
        processing: 0, failed: 0, drift: 0, oldest_waiting_age_s: null, live_workers: 1,
      },
    ],
    throughput: [],
    wait_time_ms: { p50: null, p95: null },
    run_time_ms: { p50: null, p95: null },
    wait_by_priority: [],
  };
  return toStats(wire);
}

beforeEach(() => resetQueueHistory());

describe('queue depth history', () => {
  it('keeps one waiting count (pending + retry) per new stats answer', () => {
    recordQueueDepths(stats(1, 4));
    recordQueueDepths(stats(1, 9)); // same answer again: ignored
    recordQueueDepths(stats(2, 2));
    expect(getQueueHistory().get('default')).toEqual([5, 3]);
  });

  it('keeps at most MAX_SAMPLES samples', () => {
    for (let i = 1; i <= MAX_SAMPLES + 5; i += 1) recordQueueDepths(stats(i, i));
    expect(getQueueHistory().get('default')).toHaveLength(MAX_SAMPLES);
  });
});
