import { Link, useParams } from 'react-router';
import { ApiError } from '../api/client';
import { ErrorNotice } from '../components/ErrorNotice';
import { Panel } from '../components/Panel';
import { ScheduleActions } from '../components/ScheduleActions';
import { Lag, LastRun } from '../components/ScheduleCells';
import { ScheduleRunsTable } from '../components/ScheduleRunsTable';
import { ScheduleStateBadge } from '../components/ScheduleStateBadge';
import { When } from '../components/When';
import { useSchedule } from '../hooks/queries';
import { useDocumentTitle } from '../hooks/useDocumentTitle';
import { useNow } from '../hooks/useNow';
import { scheduleTasksPath, triggerLabel } from '../lib/schedules';

const CATCH_UP_MEANING = {
  none: 'none (missed ticks are dropped)',
  latest: 'latest (one run for the latest missed tick)',
  all: 'all (one run per missed tick)',
} as const;

/** One schedule: its definition, its state and its recent runs. */
export function ScheduleDetailPage() {
  const { name = '' } = useParams();
  const { data: schedule, error, dataUpdatedAt, isFetching, isPending } = useSchedule(name);
  const now = useNow();
  useDocumentTitle(schedule ? `Schedule ${schedule.name}` : 'Schedule');

  if (isPending) return <p className="loading">Loading schedule…</p>;
  if (!schedule) {
    return (
      <div className="page">
        <h1>Schedule</h1>
        {error instanceof ApiError && error.status === 404 ? (
          <p className="notice error" role="alert">
            No schedule is named <code>{name}</code>. <Link to="/schedules">Back to the schedules</Link>
          </p>
        ) : (
          <ErrorNotice error={error} />
        )}
      </div>
    );
  }
  const allRuns = scheduleTasksPath(schedule.name);
  return (
    <div className="page schedule-detail-page">
      <nav aria-label="Breadcrumb" className="breadcrumb">
        <Link to="/schedules">Schedules</Link> ›
      </nav>
      <div className="page-title">
        <h1>
          {schedule.name} <ScheduleStateBadge schedule={schedule} />
        </h1>
        <ScheduleActions schedule={schedule} />
      </div>
      {schedule.orphaned && (
        <p className="notice info" role="status">
          This schedule is no longer in the code: it is kept for its history and never run.
        </p>
      )}
      <Panel title="Definition" updatedAt={dataUpdatedAt} fetching={isFetching} error={error}>
        <dl className="definition">
          <div>
            <dt>Task function</dt>
            <dd>
              <code>{schedule.taskName}</code>
            </dd>
          </div>
          <div>
            <dt>Trigger</dt>
            <dd>
              <code title={schedule.trigger}>{triggerLabel(schedule, { timezone: false })}</code>
            </dd>
          </div>
          <div>
            <dt>Time zone</dt>
            <dd>{schedule.timezone}</dd>
          </div>
          <div>
            <dt>Queue</dt>
            <dd>
              <Link to={`/tasks?queue_name=${encodeURIComponent(schedule.queueName)}`}>{schedule.queueName}</Link>
            </dd>
          </div>
          <div>
            <dt>Priority</dt>
            <dd>{schedule.priority}</dd>
          </div>
          <div>
            <dt>Catch up</dt>
            <dd>{CATCH_UP_MEANING[schedule.catchUp]}</dd>
          </div>
          <div>
            <dt>Skip if running</dt>
            <dd>{schedule.skipIfRunning ? 'yes (a tick is skipped while the previous run is unfinished)' : 'no'}</dd>
          </div>
          <div>
            <dt>Skipped ticks</dt>
            <dd>{schedule.skippedTicks}</dd>
          </div>
          <div>
            <dt>Next run</dt>
            <dd>
              <When date={schedule.nextRunAt} now={now} />
            </dd>
          </div>
          <div>
            <dt>Last run</dt>
            <dd>
              <LastRun schedule={schedule} now={now} />
            </dd>
          </div>
          <div>
            <dt>Lag of the last tick</dt>
            <dd>
              <Lag seconds={schedule.lagSeconds} />
            </dd>
          </div>
        </dl>
      </Panel>
      <Panel
        title={`Recent runs (${schedule.recentRuns.length})`}
        actions={
          <Link to={allRuns} className="all-runs">
            All runs →
          </Link>
        }
      >
        <ScheduleRunsTable runs={schedule.recentRuns} />
      </Panel>
    </div>
  );
}
