import { Link } from 'react-router';
import type { Attempt } from '../api/types';
import { formatDateTime, formatDuration } from '../lib/format';

/** Each attempt of a task: worker, duration, outcome, error and a collapsible traceback. */
export function AttemptList({ attempts }: { attempts: Attempt[] }) {
  if (attempts.length === 0) return <p className="empty">No attempt yet.</p>;
  return (
    <ol className="attempts">
      {attempts.map((attempt) => (
        <li key={attempt.number} className={`attempt ${attempt.outcome}`}>
          <div className="attempt-head">
            <strong>Attempt {attempt.number}</strong>
            <span className={`badge outcome ${attempt.outcome}`}>{attempt.outcome}</span>
            <span className="muted">
              {attempt.workerId ? (
                <>
                  on <Link to={`/workers#${encodeURIComponent(attempt.workerId)}`}>{attempt.workerId}</Link>
                </>
              ) : (
                'no worker'
              )}
            </span>
            <span className="muted">started {formatDateTime(attempt.startedAt)}</span>
            <span>took {formatDuration(attempt.durationMs)}</span>
          </div>
          {(attempt.errorType || attempt.errorMessage) && (
            <p className="attempt-error">
              {attempt.errorType && <code>{attempt.errorType}</code>} {attempt.errorMessage}
            </p>
          )}
          {attempt.traceback && (
            <details className="traceback">
              <summary>Traceback</summary>
              <pre tabIndex={0}>{attempt.traceback}</pre>
            </details>
          )}
        </li>
      ))}
    </ol>
  );
}
