import { Link } from 'react-router';
import type { ScheduleRun } from '../api/types';
import { formatDateTime, formatDuration, shortId } from '../lib/format';
import { StatusBadge } from './StatusBadge';

function lateBy(run: ScheduleRun): string {
  return formatDuration(run.createdAt.getTime() - run.scheduledFor.getTime());
}

/** A schedule's recent runs, newest first: the tick, the task it made and how that task went. */
export function ScheduleRunsTable({ runs }: { runs: ScheduleRun[] }) {
  if (runs.length === 0) return <p className="empty">No runs yet.</p>;
  return (
    <div className="table-wrap">
      <table className="data-table compact schedule-runs-table">
        <thead>
          <tr>
            <th scope="col">Scheduled for</th>
            <th scope="col">Status</th>
            <th scope="col">Task</th>
            <th scope="col">Started</th>
            <th scope="col">Completed</th>
          </tr>
        </thead>
        <tbody>
          {runs.map((run) => (
            <tr key={run.taskId} data-task-id={run.taskId} data-status={run.status}>
              <td>
                <time dateTime={run.scheduledFor.toISOString()} title={`enqueued ${lateBy(run)} after its tick`}>
                  {formatDateTime(run.scheduledFor)}
                </time>
              </td>
              <td>
                <StatusBadge status={run.status} />
              </td>
              <td>
                <Link to={`/tasks/${run.taskId}`} title={run.taskId}>
                  <code>{shortId(run.taskId)}</code>
                </Link>
              </td>
              <td>{formatDateTime(run.startedAt)}</td>
              <td>{formatDateTime(run.completedAt)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
