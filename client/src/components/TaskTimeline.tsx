import type { Task } from '../api/types';
import { formatDateTime, formatDuration } from '../lib/format';
import { isFinished } from '../lib/taskStatus';

/** Waiting (created → started) and running (started → completed, or now) as two bar segments. */
export function TaskTimeline({ task, now }: { task: Task; now: number }) {
  const created = task.createdAt.getTime();
  const started = task.startedAt?.getTime() ?? null;
  const completed = task.completedAt?.getTime() ?? null;
  const finished = isFinished(task.status);
  const waitEnd = started ?? (finished ? completed ?? now : now);
  const runEnd = started === null ? null : (completed ?? (finished ? started : now));
  const waitMs = Math.max(0, waitEnd - created);
  const runMs = runEnd === null || started === null ? 0 : Math.max(0, runEnd - started);
  const total = Math.max(1, waitMs + runMs);
  const waitingNow = started === null && !finished;
  const runningNow = started !== null && completed === null && !finished;
  return (
    <div className="timeline">
      <div className="timeline-bar" role="img" aria-label={`Waited ${formatDuration(waitMs)}, ran ${formatDuration(runMs)}`}>
        <div className={`segment waiting${waitingNow ? ' live' : ''}`} style={{ width: `${(waitMs / total) * 100}%` }} />
        <div className={`segment running${runningNow ? ' live' : ''}`} style={{ width: `${(runMs / total) * 100}%` }} />
      </div>
      <dl className="timeline-legend">
        <div>
          <dt>
            <span className="key waiting" /> Waiting{waitingNow ? ' (so far)' : ''}
          </dt>
          <dd>{formatDuration(waitMs)}</dd>
        </div>
        <div>
          <dt>
            <span className="key running" /> Running{runningNow ? ' (so far)' : ''}
          </dt>
          <dd>{started === null ? '—' : formatDuration(runMs)}</dd>
        </div>
        <div>
          <dt>Created</dt>
          <dd>{formatDateTime(task.createdAt)}</dd>
        </div>
        <div>
          <dt>Started</dt>
          <dd>{formatDateTime(task.startedAt)}</dd>
        </div>
        <div>
          <dt>Completed</dt>
          <dd>{formatDateTime(task.completedAt)}</dd>
        </div>
        {task.runAfter && (
          <div>
            <dt>Run after</dt>
            <dd>{formatDateTime(task.runAfter)}</dd>
          </div>
        )}
        {task.nextRetryAt && (
          <div>
            <dt>Next retry</dt>
            <dd>{formatDateTime(task.nextRetryAt)}</dd>
          </div>
        )}
      </dl>
    </div>
  );
}
