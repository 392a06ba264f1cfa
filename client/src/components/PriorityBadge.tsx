import type { PriorityName } from '../api/types';

/** A task's priority band; the integer shows on hover. */
export function PriorityBadge({ name, value }: { name: PriorityName; value?: number }) {
  return (
    <span className={`badge priority ${name}`} title={value === undefined ? undefined : `priority ${value}`}>
      {name}
    </span>
  );
}
