import { Panel } from '../components/Panel';
import { WorkersTable } from '../components/WorkersTable';
import { useWorkers } from '../hooks/queries';
import { useDocumentTitle } from '../hooks/useDocumentTitle';

/** The live workers. */
export function WorkersPage() {
  useDocumentTitle('Workers');
  const { data, error, dataUpdatedAt, isFetching, isPending } = useWorkers();
  return (
    <div className="page workers-page">
      <div className="page-title">
        <h1>Workers</h1>
        {data && <span className="muted">{data.length} live</span>}
      </div>
      <Panel title="Live workers" updatedAt={dataUpdatedAt} fetching={isFetching} error={error}>
        {isPending && !error && <p className="loading">Loading workers…</p>}
        {data && <WorkersTable workers={data} updatedAt={dataUpdatedAt} />}
      </Panel>
    </div>
  );
}
