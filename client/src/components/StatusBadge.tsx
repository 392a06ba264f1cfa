import type { TaskStatus } from '../api/types';

/** A task's status, with the API's value as both text and CSS class. */
export function StatusBadge({ status }: { status: TaskStatus }) {
  return <span className={`badge status ${status}`}>{status}</span>;
}
