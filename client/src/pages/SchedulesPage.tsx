import { Panel } from '../components/Panel';
import { SchedulesTable } from '../components/SchedulesTable';
import { useSchedules } from '../hooks/queries';
import { useDocumentTitle } from '../hooks/useDocumentTitle';
import { scheduleState } from '../lib/schedules';

/** Every schedule: next runs, last results, and pause, resume and run now. */
export function SchedulesPage() {
  useDocumentTitle('Schedules');
  const { data, error, dataUpdatedAt, isFetching, isPending } = useSchedules();
  const paused = data?.filter((s) => scheduleState(s) === 'paused').length ?? 0;
  const orphaned = data?.filter((s) => s.orphaned).length ?? 0;
  return (
    <div className="page schedules-page">
      <div className="page-title">
        <h1>Schedules</h1>
        {data && (
          <span className="muted">
            {data.length} schedule{data.length === 1 ? '' : 's'}
            {paused > 0 && ` · ${paused} paused`}
            {orphaned > 0 && ` · ${orphaned} orphaned`}
          </span>
        )}
      </div>
      <Panel title="Periodic tasks" updatedAt={dataUpdatedAt} fetching={isFetching} error={error}>
        {isPending && !error && <p className="loading">Loading schedules…</p>}
        {data && <SchedulesTable schedules={data} />}
      </Panel>
    </div>
  );
}
