import { useNow } from '../hooks/useNow';
import { useLiveState } from '../hooks/usePolling';
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
  // While the stream is live, data that has not changed for a while is not old: nothing happened.
  const live = useLiveState() === 'live';
  const text = updatedAt ? `updated ${formatRelative(new Date(updatedAt), now)}` : 'loading…';
  const old = !live && updatedAt > 0 && now - updatedAt > 60_000;
  return (
    <span
      className={`freshness${fetching ? ' fetching' : ''}${stale || old ? ' stale' : ''}`}
      title={updatedAt ? `${new Date(updatedAt).toLocaleString()}${live ? ' (live: changes arrive as they happen)' : ''}` : undefined}
      aria-live="off"
    >
      {text}
    </span>
  );
}
