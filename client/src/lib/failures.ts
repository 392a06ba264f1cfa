/** Groups the API's failure rows (error type, message, task name) by error type and message. */
import type { FailureGroup } from '../api/types';

export interface ErrorGroup {
  key: string;
  errorType: string;
  errorMessage: string;
  count: number;
  lastSeenAt: Date | null;
  byTask: FailureGroup[];
}

export function groupFailures(rows: FailureGroup[]): ErrorGroup[] {
  const groups = new Map<string, ErrorGroup>();
  for (const row of rows) {
    const key = `${row.errorType}\u0000${row.errorMessage}`;
    let group = groups.get(key);
    if (!group) {
      group = { key, errorType: row.errorType, errorMessage: row.errorMessage, count: 0, lastSeenAt: null, byTask: [] };
      groups.set(key, group);
    }
    group.count += row.count;
    group.byTask.push(row);
    if (row.lastSeenAt && (!group.lastSeenAt || row.lastSeenAt > group.lastSeenAt)) group.lastSeenAt = row.lastSeenAt;
  }
  return [...groups.values()].sort((a, b) => b.count - a.count);
}
