/** Human-readable durations, ages and dates. */

/** A duration in milliseconds: "850 ms", "1.2 s", "3 m 20 s", "2 h 5 m", "3 d 4 h". */
export function formatDuration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || Number.isNaN(ms)) return '—';
  const abs = Math.abs(ms);
  if (abs > 0 && abs < 1) return '<1 ms';
  if (abs < 1000) return `${Math.round(ms)} ms`;
  const seconds = ms / 1000;
  if (Math.abs(seconds) < 10) return `${seconds.toFixed(1)} s`;
  if (Math.abs(seconds) < 60) return `${Math.round(seconds)} s`;
  const totalSeconds = Math.round(seconds);
  const minutes = Math.floor(totalSeconds / 60);
  if (minutes < 60) return `${minutes} m ${totalSeconds % 60} s`;
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return `${hours} h ${minutes % 60} m`;
  return `${Math.floor(hours / 24)} d ${hours % 24} h`;
}

/** A number of seconds as a compact age: "4 s", "3 m", "2 h", "5 d". */
export function formatAge(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined || Number.isNaN(seconds)) return '—';
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} m`;
  if (s < 86400) return `${Math.floor(s / 3600)} h`;
  return `${Math.floor(s / 86400)} d`;
}

/** "2 s ago" or "in 5 m" relative to now. */
export function formatRelative(date: Date | null | undefined, now: number = Date.now()): string {
  if (!date) return '—';
  const seconds = (now - date.getTime()) / 1000;
  if (Math.abs(seconds) < 1) return 'just now';
  return seconds >= 0 ? `${formatAge(seconds)} ago` : `in ${formatAge(-seconds)}`;
}

/** A date and time in the reader's locale, with seconds. */
export function formatDateTime(date: Date | null | undefined): string {
  if (!date) return '—';
  return date.toLocaleString(undefined, {
    year: 'numeric',
    month: 'short',
    day: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  });
}

/** The clock time only ("14:05"), for chart axes. */
export function formatClock(date: Date): string {
  return date.toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' });
}

/**
 * A short form of a task id for tables: its last 8 characters. Task ids are version 7 UUIDs,
 * which begin with their creation time, so tasks of the same minute share their first ones.
 */
export function shortId(id: string): string {
  return id.length > 8 ? id.slice(-8) : id;
}

const compact = new Intl.NumberFormat(undefined, { notation: 'compact', maximumFractionDigits: 1 });

/** A count for a chart axis: 950, 1.2K, 11K. */
export function formatCompact(value: number): string {
  return compact.format(value);
}

/** Integers with thousands separators. */
export function formatCount(value: number | null | undefined): string {
  if (value === null || value === undefined) return '—';
  return value.toLocaleString();
}
