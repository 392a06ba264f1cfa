import { useSearchParams } from 'react-router';
import { BarRows } from '../components/charts/BarRows';
import { ThroughputChart } from '../components/charts/ThroughputChart';
import { Panel } from '../components/Panel';
import { QueueTable } from '../components/QueueTable';
import { StatusCounts } from '../components/StatusCounts';
import { TimeWindowSelect } from '../components/TimeWindowSelect';
import { useStats } from '../hooks/queries';
import { useDocumentTitle } from '../hooks/useDocumentTitle';
import { useQueueHistory } from '../hooks/useQueueHistory';
import { formatCount } from '../lib/format';

const DEFAULT_MINUTES = 60;

function minutesFrom(params: URLSearchParams): number {
  const n = Number(params.get('minutes'));
  return Number.isInteger(n) && n >= 1 && n <= 1440 ? n : DEFAULT_MINUTES;
}

/** Counts by status, the queues, and charts over the chosen time range. */
export function OverviewPage() {
  useDocumentTitle('Overview');
  const [params, setParams] = useSearchParams();
  const minutes = minutesFrom(params);
  const { data: stats, error, dataUpdatedAt, isFetching, isPending } = useStats(minutes);
  const queueHistory = useQueueHistory();
  const panel = { updatedAt: dataUpdatedAt, fetching: isFetching, error };
  const windowSelect = (
    <TimeWindowSelect
      minutes={minutes}
      onChange={(m) => setParams(m === DEFAULT_MINUTES ? {} : { minutes: String(m) }, { replace: true })}
    />
  );

  return (
    <div className="page overview-page">
      <div className="page-title">
        <h1>Overview</h1>
        {windowSelect}
      </div>
      {isPending && !error && <p className="loading">Loading statistics…</p>}
      <Panel title="Tasks by status" {...panel}>
        {stats && <StatusCounts counts={stats.counts} estimated={stats.countsAreEstimates} />}
      </Panel>
      <Panel title="Queues" {...panel}>
        {stats && <QueueTable queues={stats.queues} throughput={stats.throughput} history={queueHistory} />}
      </Panel>
      <div className="grid-2">
        <Panel title={`Completed vs failed per minute (last ${minutes} min)`} {...panel} className="wide">
          {stats && <ThroughputChart points={stats.throughput} />}
        </Panel>
        <Panel title="Wait and run time" {...panel}>
          {stats && (
            <BarRows
              caption="Wait and run time percentiles"
              rows={[
                { label: 'Wait', p50: stats.waitTimeMs.p50, p95: stats.waitTimeMs.p95, note: 'created → started' },
                { label: 'Run', p50: stats.runTimeMs.p50, p95: stats.runTimeMs.p95, note: 'started → completed' },
              ]}
            />
          )}
        </Panel>
        <Panel title="Waiting time by priority" {...panel}>
          {stats &&
            (stats.waitByPriority.length ? (
              <BarRows
                caption="Waiting time by priority"
                rows={stats.waitByPriority.map((row) => ({
                  label: row.priorityName,
                  p50: row.p50Ms,
                  p95: row.p95Ms,
                  note: `${formatCount(row.waiting)} waiting`,
                }))}
              />
            ) : (
              <p className="empty">No waiting tasks in this range.</p>
            ))}
        </Panel>
      </div>
    </div>
  );
}
