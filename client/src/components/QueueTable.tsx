import { Link } from 'react-router';
import type { QueueStats, ThroughputPoint } from '../api/types';
import { formatAge, formatCount } from '../lib/format';
import type { QueueHistory } from '../lib/queueHistory';
import { isBackedUp, waitingCount } from '../lib/queues';
import { Sparkline } from './charts/Sparkline';
import { QueuePauseButton } from './QueuePauseButton';

interface QueueTableProps {
  queues: QueueStats[];
  throughput: ThroughputPoint[];
  /** Recent waiting counts per queue (one sample per poll); optional. */
  history?: QueueHistory;
}

/** One row per queue: depth, processing, failed, oldest waiting age, live workers, drift, and
 * whether it is paused, with the button that pauses or resumes it. */
export function QueueTable({ queues, throughput, history }: QueueTableProps) {
  const completed = throughput.map((p) => p.completed);
  const failed = throughput.map((p) => p.failed);
  if (queues.length === 0) return <p className="empty">No queues yet: create a task to see one.</p>;
  return (
    <div className="table-wrap">
      <table className="data-table queue-table">
        <thead>
          <tr>
            <th scope="col">Queue</th>
            <th scope="col" className="num">Waiting</th>
            <th scope="col">Depth trend</th>
            <th scope="col" className="num">Scheduled</th>
            <th scope="col" className="num">Processing</th>
            <th scope="col" className="num">Failed</th>
            <th scope="col" className="num">Oldest waiting</th>
            <th scope="col" className="num">Live workers</th>
            <th scope="col" className="num" title="PostgreSQL due waiting tasks minus Redis ready count">
              Drift
            </th>
            <th scope="col">State</th>
          </tr>
        </thead>
        <tbody>
          {queues.map((queue) => {
            const backedUp = isBackedUp(queue);
            const q = encodeURIComponent(queue.queueName);
            return (
              <tr key={queue.queueName} className={backedUp ? 'warn-row' : undefined}>
                <th scope="row">
                  <Link to={`/tasks?queue_name=${q}`}>{queue.queueName}</Link>
                  {backedUp && (
                    <span className="warning" role="status">
                      ⚠ No live worker serves this queue
                    </span>
                  )}
                </th>
                <td className="num">
                  <Link to={`/tasks?queue_name=${q}&status=pending`}>{formatCount(waitingCount(queue))}</Link>
                </td>
                <td>
                  <Sparkline
                    values={[...(history?.get(queue.queueName) ?? [waitingCount(queue)])]}
                    variant="depth"
                    width={90}
                    label={`Waiting tasks in ${queue.queueName} over the recent polls`}
                  />
                </td>
                <td className="num">{formatCount(queue.scheduled)}</td>
                <td className="num">
                  <Link to={`/tasks?queue_name=${q}&status=processing`}>{formatCount(queue.processing)}</Link>
                </td>
                <td className="num">
                  <Link to={`/tasks?queue_name=${q}&status=failed`}>{formatCount(queue.failed)}</Link>
                </td>
                <td className="num">{formatAge(queue.oldestWaitingAgeS)}</td>
                <td className="num">{queue.liveWorkers}</td>
                <td className={`num${queue.drift !== 0 ? ' drift' : ''}`}>{queue.drift}</td>
                <td className="queue-state">
                  {queue.paused && <span className="badge paused">paused</span>}
                  <QueueLimits queue={queue} />
                  <QueuePauseButton queueName={queue.queueName} paused={queue.paused} />
                </td>
              </tr>
            );
          })}
        </tbody>
        <tfoot>
          <tr>
            <th scope="row">Throughput, all queues</th>
            <td colSpan={9}>
              <Sparkline
                values={completed}
                secondary={failed}
                width={240}
                label={`Completed per minute (failed in red) over the last ${throughput.length} minutes`}
              />
            </td>
          </tr>
        </tfoot>
      </table>
    </div>
  );
}

/** The queue's own limits, when it has any: "≤ 4 at once", "10/s". */
function QueueLimits({ queue }: { queue: QueueStats }) {
  const limits = [
    queue.concurrencyLimit !== null ? `≤ ${queue.concurrencyLimit} at once` : null,
    queue.rateLimit,
  ].filter((limit): limit is string => limit !== null);
  if (limits.length === 0) return null;
  return (
    <span className="badge limits" title="The queue's own limits, across every worker">
      {limits.join(' · ')}
    </span>
  );
}
