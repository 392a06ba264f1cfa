/** The priority band an integer falls in, as django_task_queue/priorities.py:priority_name draws it. */
import type { PriorityName } from '../api/types';

export const PRIORITY_BY_NAME: Record<PriorityName, number> = { critical: 100, high: 50, normal: 0, low: -50 };

export function priorityNameOf(priority: number): PriorityName {
  if (priority >= PRIORITY_BY_NAME.critical) return 'critical';
  if (priority >= PRIORITY_BY_NAME.high) return 'high';
  if (priority > PRIORITY_BY_NAME.low) return 'normal';
  return 'low';
}
