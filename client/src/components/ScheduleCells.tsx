import { Link } from 'react-router';
import type { Schedule } from '../api/types';
import { formatDuration, shortId } from '../lib/format';
import { LATE_TICK_S } from '../lib/schedules';
import { StatusBadge } from './StatusBadge';
import { When } from './When';

/** The tick of a schedule's latest task, and that task's status linking to it. */
export function LastRun({ schedule, now }: { schedule: Schedule; now: number }) {
  if (!schedule.lastRunAt && !schedule.lastTaskId) return <span className="muted">never</span>;
  const status = schedule.lastTaskStatus ? <StatusBadge status={schedule.lastTaskStatus} /> : null;
  return (
    <div className="last-run">
      <When date={schedule.lastRunAt} now={now} />
      {schedule.lastTaskId && (
        <Link to={`/tasks/${schedule.lastTaskId}`} className="last-task" title={`task ${schedule.lastTaskId}`}>
          {status ?? <code>{shortId(schedule.lastTaskId)}</code>}
        </Link>
      )}
      {!schedule.lastTaskId && status}
    </div>
  );
}

/** How late the last tick was enqueued; marked late past the target. */
export function Lag({ seconds }: { seconds: number | null }) {
  if (seconds === null) return <span className="muted">—</span>;
  return <span className={seconds > LATE_TICK_S ? 'late' : undefined}>{formatDuration(seconds * 1000)}</span>;
}
