/** Which actions a task's status allows (mirrors the API: retry 409s unless failed/cancelled, cancel unless pending/retry). */
import type { TaskStatus } from '../api/types';

const RETRYABLE: readonly TaskStatus[] = ['failed', 'cancelled'];
const CANCELLABLE: readonly TaskStatus[] = ['pending', 'retry'];
const FINISHED: readonly TaskStatus[] = ['success', 'failed', 'cancelled'];

export function canRetry(status: TaskStatus): boolean {
  return RETRYABLE.includes(status);
}

export function canCancel(status: TaskStatus): boolean {
  return CANCELLABLE.includes(status);
}

export function isFinished(status: TaskStatus): boolean {
  return FINISHED.includes(status);
}
