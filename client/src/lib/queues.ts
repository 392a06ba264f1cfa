/** Queue health rules shared by the overview's panels. */
import type { QueueStats } from '../api/types';

/** Tasks that wait in a queue: pending (due or scheduled) plus those waiting for a retry. */
export function waitingCount(queue: QueueStats): number {
  return queue.pending + queue.retry;
}

/** Backed up: tasks wait but no live worker serves the queue. */
export function isBackedUp(queue: QueueStats): boolean {
  return waitingCount(queue) > 0 && queue.liveWorkers === 0;
}
