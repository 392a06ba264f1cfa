import { formatDateTime, formatRelative } from '../lib/format';

/** An absolute date and time with how long ago (or until) it is; a dash for none. */
export function When({ date, now }: { date: Date | null; now: number }) {
  if (!date) return <span className="muted">—</span>;
  return (
    <span className="when">
      <time dateTime={date.toISOString()}>{formatDateTime(date)}</time>{' '}
      <span className="muted small">{formatRelative(date, now)}</span>
    </span>
  );
}
