/** How a schedule reads in the dashboard: its state and its trigger in words. */
import type { Schedule } from '../api/types';

export const SCHEDULE_STATES = ['enabled', 'paused', 'orphaned'] as const;
export type ScheduleState = (typeof SCHEDULE_STATES)[number];

/** Orphaned (removed from code, never run) wins over paused; otherwise enabled or paused. */
export function scheduleState(schedule: Pick<Schedule, 'enabled' | 'orphaned'>): ScheduleState {
  if (schedule.orphaned) return 'orphaned';
  return schedule.enabled ? 'enabled' : 'paused';
}

const UNITS = [
  { seconds: 86400, unit: 'd' },
  { seconds: 3600, unit: 'h' },
  { seconds: 60, unit: 'm' },
] as const;

/** An interval in its largest whole unit: "30 s", "5 m", "2 h", "1 d", "90 s", "1.5 s". */
export function formatInterval(seconds: number): string {
  for (const { seconds: size, unit } of UNITS) {
    if (seconds >= size && seconds % size === 0) return `${seconds / size} ${unit}`;
  }
  return `${Number.isInteger(seconds) ? seconds : Number(seconds.toFixed(3))} s`;
}

/**
 * "cron 0 3 * * * · Europe/Paris" or "every 30 s"; the API's own text for anything else.
 * `timezone: false` leaves the time zone out, where it is shown beside.
 */
export function triggerLabel(
  schedule: Pick<Schedule, 'cron' | 'everySeconds' | 'timezone' | 'trigger'>,
  { timezone = true }: { timezone?: boolean } = {},
): string {
  if (schedule.cron) return timezone ? `cron ${schedule.cron} · ${schedule.timezone}` : `cron ${schedule.cron}`;
  if (schedule.everySeconds !== null) return `every ${formatInterval(schedule.everySeconds)}`;
  return schedule.trigger;
}

/** A tick enqueued later than this after its instant is shown as late (issue 21's p99 target). */
export const LATE_TICK_S = 1;

/** The dashboard route of one schedule. */
export function schedulePath(name: string): string {
  return `/schedules/${encodeURIComponent(name)}`;
}

/** The tasks list filtered to the tasks a schedule made. */
export function scheduleTasksPath(name: string): string {
  return `/tasks?schedule_name=${encodeURIComponent(name)}`;
}
