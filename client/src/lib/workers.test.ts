import { describe, expect, it } from 'vitest';
import { toRunningTask, toWorker } from '../api/convert';
import { wireRunningTask, wireWorker } from '../test/fixtures';
import { heartbeatAge, runningForMs } from './workers';

const fetchedAt = Date.parse('2025-01-02T03:05:02Z');

describe('ages on the server clock', () => {
  it('measures how long a task has run from the server time at the fetch, whatever the browser clock says', () => {
    // The server answered at 03:05:02 (heartbeat at 03:05:00, 2 s old); the browser clock is an hour fast.
    const worker = toWorker(wireWorker({ last_seen_at: '2025-01-02T03:05:00Z', heartbeat_age_s: 2 }));
    const task = toRunningTask(wireRunningTask({ started_at: '2025-01-02T03:04:02Z' }));
    const skew = 3_600_000;

    expect(runningForMs(task, worker, fetchedAt + skew + 5_000, fetchedAt + skew)).toBe(65_000);
    expect(heartbeatAge(worker, fetchedAt + skew + 5_000, fetchedAt + skew)).toBe(7);
  });

  it('falls back to the browser clock when the record has no heartbeat time', () => {
    const worker = toWorker(wireWorker({ last_seen_at: null, heartbeat_age_s: null }));
    const task = toRunningTask(wireRunningTask({ started_at: '2025-01-02T03:04:02Z' }));

    expect(runningForMs(task, worker, fetchedAt, fetchedAt)).toBe(60_000);
  });

  it('has no running time for a task without a start', () => {
    const worker = toWorker(wireWorker());
    expect(runningForMs(toRunningTask(wireRunningTask({ started_at: null })), worker, fetchedAt, fetchedAt)).toBeNull();
  });
});
