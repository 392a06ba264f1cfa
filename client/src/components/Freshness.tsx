import { useNow } from '../hooks/useNow';
import { formatRelative } from '../lib/format';

interface FreshnessProps {
  /** TanStack Query's dataUpdatedAt (ms since epoch); 0 when nothing has loaded yet. */
  updatedAt: number;
  fetching?: boolean;
  stale?: boolean;
}

/** "updated 2 s ago": how fresh a panel's data is, ticking every second. */
export function Freshness({ updatedAt, fetching = false, stale = false }: FreshnessProps) {
  const now = useNow();
  const text = updatedAt ? `updated ${formatRelative(new Date(updatedAt), now)}` : 'loading…';
  const old = updatedAt > 0 && now - updatedAt > 60_000;
  return (
    <span
      className={`freshness${fetching ? ' fetching' : ''}${stale || old ? ' stale' : ''}`}
      title={updatedAt ? new Date(updatedAt).toLocaleString() : undefined}
      aria-live="off"
    >
      {text}
    </span>
  );
}
