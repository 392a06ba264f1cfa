import type { Schedule } from '../api/types';
import { scheduleState } from '../lib/schedules';

const EXPLANATIONS = {
  enabled: 'Ticks are enqueued as they fall due.',
  paused: 'Paused: no tick is enqueued until it is resumed.',
  orphaned: 'Removed from code: kept for its history, never run.',
} as const;

/** A schedule's state (enabled, paused or orphaned), with the state as both text and CSS class. */
export function ScheduleStateBadge({ schedule }: { schedule: Pick<Schedule, 'enabled' | 'orphaned'> }) {
  const state = scheduleState(schedule);
  return (
    <span className={`badge schedule ${state}`} title={EXPLANATIONS[state]}>
      {state}
    </span>
  );
}
