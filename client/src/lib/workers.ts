/** Ages of a worker's heartbeat and of its running tasks, measured on the server's clock. */
import type { RunningTask, Worker } from '../api/types';

/** The server's time now: its time at the fetch (last heartbeat plus its age) plus the time since. */
function serverNow(worker: Worker, now: number, updatedAt: number): number | null {
  if (worker.heartbeatAgeS === null || !worker.lastSeenAt) return null;
  return worker.lastSeenAt.getTime() + worker.heartbeatAgeS * 1000 + Math.max(0, now - updatedAt);
}

/** Seconds since the worker's last heartbeat: the server's age plus the time since the fetch (no clock skew). */
export function heartbeatAge(worker: Worker, now: number, updatedAt: number): number | null {
  if (worker.heartbeatAgeS !== null) return worker.heartbeatAgeS + Math.max(0, now - updatedAt) / 1000;
  return worker.lastSeenAt ? (now - worker.lastSeenAt.getTime()) / 1000 : null;
}

/** Milliseconds a task has run: on the server's clock when the worker's record allows, else the browser's. */
export function runningForMs(task: RunningTask, worker: Worker, now: number, updatedAt: number): number | null {
  if (!task.startedAt) return null;
  const reference = serverNow(worker, now, updatedAt) ?? now;
  return Math.max(0, reference - task.startedAt.getTime());
}
