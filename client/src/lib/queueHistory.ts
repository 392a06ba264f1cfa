/**
 * Recent depth samples of each queue, gathered from the stats polls since the page was opened
 * (the API gives throughput for all queues together, not per queue).
 */
import type { Stats } from '../api/types';
import { waitingCount } from './queues';

export const MAX_SAMPLES = 40;

export type QueueHistory = ReadonlyMap<string, readonly number[]>;

let history: QueueHistory = new Map();
let lastGeneratedAt = 0;
const listeners = new Set<() => void>();

/** Adds one sample per queue from a stats answer (older or repeated answers are ignored). */
export function recordQueueDepths(stats: Stats): void {
  const at = stats.generatedAt.getTime();
  if (at <= lastGeneratedAt) return;
  lastGeneratedAt = at;
  const next = new Map<string, readonly number[]>();
  for (const queue of stats.queues) {
    const samples = [...(history.get(queue.queueName) ?? []), waitingCount(queue)];
    next.set(queue.queueName, samples.slice(-MAX_SAMPLES));
  }
  history = next;
  for (const listener of listeners) listener();
}

export function subscribeQueueHistory(listener: () => void): () => void {
  listeners.add(listener);
  return () => {
    listeners.delete(listener);
  };
}

export function getQueueHistory(): QueueHistory {
  return history;
}

/** For tests: forget every sample. */
export function resetQueueHistory(): void {
  history = new Map();
  lastGeneratedAt = 0;
}
