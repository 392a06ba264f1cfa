import { Link } from 'react-router';
import type { FailureGroup } from '../api/types';
import { useNow } from '../hooks/useNow';
import { groupFailures } from '../lib/failures';
import { formatCount, formatRelative } from '../lib/format';

/** Failures grouped by error type and message, each with its task functions and links to their failed tasks. */
export function FailureGroups({ rows }: { rows: FailureGroup[] }) {
  const now = useNow();
  const groups = groupFailures(rows);
  if (groups.length === 0) return <p className="empty">No failures in this time range. 🎉</p>;
  return (
    <ul className="failure-groups">
      {groups.map((group) => (
        <li key={group.key} className="failure-group">
          <div className="failure-head">
            <span className="failure-count" title="failures">
              {formatCount(group.count)}×
            </span>
            <div className="failure-title">
              <code className="error-type">{group.errorType}</code>
              <p className="error-message">{group.errorMessage || <span className="muted">(no message)</span>}</p>
            </div>
            <span className="muted">last {formatRelative(group.lastSeenAt, now)}</span>
          </div>
          <table className="data-table compact">
            <thead>
              <tr>
                <th scope="col">Task function</th>
                <th scope="col" className="num">Count</th>
                <th scope="col">Last seen</th>
                <th scope="col">Example</th>
              </tr>
            </thead>
            <tbody>
              {group.byTask.map((row) => (
                <tr key={row.taskName}>
                  <th scope="row">
                    <Link to={`/tasks?task_name=${encodeURIComponent(row.taskName)}&status=failed`}>{row.taskName}</Link>
                  </th>
                  <td className="num">{formatCount(row.count)}</td>
                  <td>{formatRelative(row.lastSeenAt, now)}</td>
                  <td>{row.exampleTaskId ? <Link to={`/tasks/${row.exampleTaskId}`}>open a failed task</Link> : '—'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </li>
      ))}
    </ul>
  );
}
