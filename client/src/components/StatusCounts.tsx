import { Link } from 'react-router';
import { TASK_STATUSES, type StatusCounts as Counts } from '../api/types';
import { formatCount } from '../lib/format';

/** One card per status with its count, linking to the tasks list filtered by it. */
export function StatusCounts({ counts, estimated }: { counts: Counts; estimated: boolean }) {
  return (
    <ul className="status-counts">
      {TASK_STATUSES.map((status) => (
        <li key={status}>
          <Link to={`/tasks?status=${status}`} className={`count-card ${status}`}>
            <span className="count-label">{status}</span>
            <span className="count-value">
              {estimated ? '≈' : ''}
              {formatCount(counts[status])}
            </span>
          </Link>
        </li>
      ))}
      <li>
        <Link to="/tasks" className="count-card total">
          <span className="count-label">total</span>
          <span className="count-value">
            {estimated ? '≈' : ''}
            {formatCount(counts.total)}
          </span>
        </Link>
      </li>
    </ul>
  );
}
