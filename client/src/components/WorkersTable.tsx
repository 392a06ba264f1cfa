import { Link } from 'react-router';
import type { Worker } from '../api/types';
import { useNow } from '../hooks/useNow';
import { formatAge, formatCount, formatRelative, shortId } from '../lib/format';

/** Seconds since the worker's last heartbeat: the server's age plus the time since the fetch (no clock skew). */
function heartbeatAge(worker: Worker, now: number, updatedAt: number): number | null {
  if (worker.heartbeatAgeS !== null) return worker.heartbeatAgeS + Math.max(0, now - updatedAt) / 1000;
  return worker.lastSeenAt ? (now - worker.lastSeenAt.getTime()) / 1000 : null;
}

/** The live workers: heartbeat age, queues, current task, tasks done, state. */
export function WorkersTable({ workers, updatedAt }: { workers: Worker[]; updatedAt: number }) {
  const now = useNow();
  if (workers.length === 0) {
    return (
      <p className="empty">
        No live worker. Start one with <code>python manage.py run_worker --queue default</code>.
      </p>
    );
  }
  return (
    <div className="table-wrap">
      <table className="data-table workers-table">
        <thead>
          <tr>
            <th scope="col">Worker</th>
            <th scope="col">State</th>
            <th scope="col">Queues</th>
            <th scope="col">Current task</th>
            <th scope="col" className="num">Heartbeat</th>
            <th scope="col" className="num">Tasks done</th>
            <th scope="col">Up since</th>
          </tr>
        </thead>
        <tbody>
          {workers.map((worker) => {
            const age = heartbeatAge(worker, now, updatedAt);
            return (
              <tr key={worker.workerId} id={worker.workerId}>
                <th scope="row">
                  <span className="worker-id">{worker.workerId}</span>
                  <div className="muted small">
                    {worker.hostname}
                    {worker.pid !== null ? ` · pid ${worker.pid}` : ''}
                  </div>
                </th>
                <td>
                  <span className={`badge worker ${worker.state}`}>{worker.state}</span>
                </td>
                <td>
                  {worker.queues.map((queue) => (
                    <Link key={queue} to={`/tasks?queue_name=${encodeURIComponent(queue)}`} className="chip">
                      {queue}
                    </Link>
                  ))}
                </td>
                <td>
                  {worker.currentTaskId ? (
                    <Link to={`/tasks/${worker.currentTaskId}`}>
                      <code title={worker.currentTaskId}>{shortId(worker.currentTaskId)}</code>
                    </Link>
                  ) : (
                    <span className="muted">—</span>
                  )}
                </td>
                <td className={`num${age !== null && age > 30 ? ' late' : ''}`}>{age === null ? '—' : `${formatAge(age)} ago`}</td>
                <td className="num">{formatCount(worker.tasksDone)}</td>
                <td title={worker.startedAt?.toLocaleString()}>{formatRelative(worker.startedAt, now)}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
