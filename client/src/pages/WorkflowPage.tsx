import { Link, useParams } from 'react-router';
import { ApiError } from '../api/client';
import { ErrorNotice } from '../components/ErrorNotice';
import { Panel } from '../components/Panel';
import { StepStateBadge, WorkflowGraph } from '../components/WorkflowGraph';
import { useWorkflow } from '../hooks/queries';
import { useDocumentTitle } from '../hooks/useDocumentTitle';

/** One workflow: its status, progress and the graph of its steps, refreshed as it runs. */
export function WorkflowPage() {
  const { id = '' } = useParams();
  const { data: workflow, error, dataUpdatedAt, isFetching, isPending } = useWorkflow(id);
  useDocumentTitle(workflow ? `Workflow ${workflow.status}` : 'Workflow');

  if (isPending) return <p className="loading">Loading workflow…</p>;
  if (!workflow) {
    return (
      <div className="page">
        <h1>Workflow</h1>
        {error instanceof ApiError && error.status === 404 ? (
          <p className="notice error" role="alert">
            No workflow has the id <code>{id}</code>. <Link to="/tasks">Back to the tasks</Link>
          </p>
        ) : (
          <ErrorNotice error={error} />
        )}
      </div>
    );
  }
  const { progress } = workflow;
  return (
    <div className="page workflow-page">
      <nav aria-label="Breadcrumb" className="breadcrumb">
        <Link to="/tasks">Tasks</Link> ›
      </nav>
      <div className="page-title">
        <h1>
          Workflow <StepStateBadge state={workflow.status} />
        </h1>
      </div>
      <p className="task-meta">
        <code className="task-id-full">{workflow.id}</code> · {progress.success} of {progress.total} task steps
        succeeded · {progress.running} running · {progress.waiting} waiting
        {progress.failed > 0 && ` · ${progress.failed} failed`}
        {progress.cancelled > 0 && ` · ${progress.cancelled} cancelled`}
      </p>
      {workflow.reason && (
        <p className="notice error" role="status">
          {workflow.reason}
        </p>
      )}
      <Panel title="Steps" updatedAt={dataUpdatedAt} fetching={isFetching} error={error}>
        <div className="wf-graph">
          <WorkflowGraph step={workflow.tree} />
        </div>
      </Panel>
    </div>
  );
}
