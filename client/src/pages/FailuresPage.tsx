import { useSearchParams } from 'react-router';
import { FailureGroups } from '../components/FailureGroups';
import { Panel } from '../components/Panel';
import { TimeWindowSelect } from '../components/TimeWindowSelect';
import { useFailures } from '../hooks/queries';
import { useDocumentTitle } from '../hooks/useDocumentTitle';

const DEFAULT_MINUTES = 1440;

/** Failures grouped by error type and message over a time range. */
export function FailuresPage() {
  useDocumentTitle('Failures');
  const [params, setParams] = useSearchParams();
  const asked = Number(params.get('minutes'));
  const minutes = Number.isInteger(asked) && asked >= 1 ? asked : DEFAULT_MINUTES;
  const { data, error, dataUpdatedAt, isFetching, isPending } = useFailures(minutes);
  return (
    <div className="page failures-page">
      <div className="page-title">
        <h1>Failures</h1>
        <TimeWindowSelect
          minutes={minutes}
          onChange={(m) => setParams(m === DEFAULT_MINUTES ? {} : { minutes: String(m) }, { replace: true })}
        />
      </div>
      <Panel title="Errors, most frequent first" updatedAt={dataUpdatedAt} fetching={isFetching} error={error}>
        {isPending && !error && <p className="loading">Loading failures…</p>}
        {data && <FailureGroups rows={data} />}
      </Panel>
    </div>
  );
}
