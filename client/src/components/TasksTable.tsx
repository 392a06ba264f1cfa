import { Link } from 'react-router';
import type { Task } from '../api/types';
import { useNow } from '../hooks/useNow';
import { formatDuration, formatRelative, shortId } from '../lib/format';
import { PriorityBadge } from './PriorityBadge';
import { StatusBadge } from './StatusBadge';

function runtime(task: Task, now: number): string {
  if (!task.startedAt) return '—';
  const end = task.completedAt ? task.completedAt.getTime() : now;
  return formatDuration(end - task.startedAt.getTime());
}

/** The tasks list; rows are keyed by task id so live updates change them in place. */
export function TasksTable({ tasks }: { tasks: Task[] }) {
  const now = useNow();
  if (tasks.length === 0) return <p className="empty">No tasks match these filters.</p>;
  return (
    <div className="table-wrap">
      <table className="data-table tasks-table">
        <thead>
          <tr>
            <th scope="col">Task</th>
            <th scope="col">Status</th>
            <th scope="col">Priority</th>
            <th scope="col">Queue</th>
            <th scope="col">Created</th>
            <th scope="col" className="num">Run time</th>
            <th scope="col" className="num">Attempts</th>
          </tr>
        </thead>
        <tbody>
          {tasks.map((task) => (
            <tr key={task.id} data-task-id={task.id} data-status={task.status}>
              <td>
                <Link to={`/tasks/${task.id}`} className="task-link">
                  <span className="task-name">{task.taskName}</span>
                  <code className="task-id" title={task.id}>
                    {shortId(task.id)}
                  </code>
                </Link>
                {task.errorMessage && task.status !== 'success' && (
                  <div className="row-error" title={task.errorMessage}>
                    {task.errorMessage}
                  </div>
                )}
              </td>
              <td>
                <StatusBadge status={task.status} />
              </td>
              <td>
                <PriorityBadge name={task.priorityName} value={task.priority} />
              </td>
              <td>{task.queueName}</td>
              <td title={task.createdAt.toLocaleString()}>{formatRelative(task.createdAt, now)}</td>
              <td className="num">{runtime(task, now)}</td>
              <td className="num" title={`max retries ${task.maxRetries}`}>
                {task.attempt}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
