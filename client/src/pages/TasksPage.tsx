import { useQuery } from '@tanstack/react-query';
import { useCallback } from 'react';
import { Link, useSearchParams } from 'react-router';
import { getStats } from '../api/endpoints';
import { Pagination } from '../components/Pagination';
import { Panel } from '../components/Panel';
import { TaskFilters } from '../components/TaskFilters';
import { TasksTable } from '../components/TasksTable';
import { useTaskFunctions, useTasks } from '../hooks/queries';
import { useDocumentTitle } from '../hooks/useDocumentTitle';
import { withParams } from '../lib/taskQuery';

/** The server-side paginated tasks list; every filter lives in the URL query string. */
export function TasksPage() {
  useDocumentTitle('Tasks');
  const [params, setParams] = useSearchParams();
  const search = params.toString();
  const tasks = useTasks(search);
  const functions = useTaskFunctions();
  const queues = useQuery({
    queryKey: ['queue-names'],
    queryFn: async ({ signal }) => (await getStats(1, signal)).queues.map((q) => q.queueName),
    staleTime: 60_000,
  });

  const update = useCallback(
    (updates: Record<string, string | number | undefined>) => setParams((current) => withParams(current, updates)),
    [setParams],
  );
  const clear = useCallback(() => setParams({}), [setParams]);

  return (
    <div className="page tasks-page">
      <div className="page-title">
        <h1>Tasks</h1>
        <Link to="/create" className="button primary">
          New task
        </Link>
      </div>
      <TaskFilters
        params={params}
        onChange={update}
        onClear={clear}
        queueNames={queues.data ?? []}
        taskNames={(functions.data ?? []).map((f) => f.name)}
      />
      <Panel title="Results" updatedAt={tasks.dataUpdatedAt} fetching={tasks.isFetching} error={tasks.error}>
        {tasks.isPending && !tasks.error && <p className="loading">Loading tasks…</p>}
        {tasks.data && (
          <div className={tasks.isPlaceholderData ? 'placeholder' : undefined} aria-busy={tasks.isPlaceholderData}>
            <TasksTable tasks={tasks.data.items} />
            <Pagination
              meta={tasks.data.meta}
              onPage={(page) => update({ page: page > 1 ? page : undefined })}
              onPageSize={(size) => update({ page_size: size === 50 ? undefined : size })}
            />
          </div>
        )}
      </Panel>
    </div>
  );
}
