import { Link } from 'react-router';
import type { Worker } from '../api/types';
import { useNow } from '../hooks/useNow';
import { formatAge, formatCount, formatDuration, formatRelative, shortId } from '../lib/format';
import { heartbeatAge, runningForMs } from '../lib/workers';
import { SlotMeter } from './SlotMeter';

/** The tasks a worker runs, one line per slot; a worker of an older version names only its current task. */
function RunningTasks({ worker, now, updatedAt }: { worker: Worker; now: number; updatedAt: number }) {
  if (worker.runningTasks.length === 0) {
    return worker.currentTaskId ? (
      <Link to={`/tasks/${worker.currentTaskId}`}>
        <code title={worker.currentTaskId}>{shortId(worker.currentTaskId)}</code>
      </Link>
    ) : (
      <span className="muted">—</span>
    );
  }
  return (
    <ul className="running-tasks">
      {worker.runningTasks.map((task) => (
        <li key={task.slot}>
          <span className="muted small slot">slot {task.slot}</span>
          <Link to={`/tasks/${task.taskId}`} title={`${task.taskId} · queue ${task.queueName} · attempt ${task.attempt}`}>
            {task.taskName}
          </Link>
          <span className="muted small running-for" title={task.startedAt?.toLocaleString()}>
            {formatDuration(runningForMs(task, worker, now, updatedAt))}
          </span>
        </li>
      ))}
    </ul>
  );
}

/** The live workers: heartbeat age, queues, slots in use and the tasks in them, tasks done, state. */
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
            <th scope="col">Slots</th>
            <th scope="col">Running</th>
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
                  <SlotMeter busy={worker.busy} concurrency={worker.concurrency} />
                </td>
                <td>
                  <RunningTasks worker={worker} now={now} updatedAt={updatedAt} />
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
