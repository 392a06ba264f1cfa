import { Link, useParams } from 'react-router';
import { ApiError } from '../api/client';
import { AttemptList } from '../components/AttemptList';
import { ErrorNotice } from '../components/ErrorNotice';
import { JsonView } from '../components/JsonView';
import { Panel } from '../components/Panel';
import { PriorityBadge } from '../components/PriorityBadge';
import { StatusBadge } from '../components/StatusBadge';
import { TaskActions } from '../components/TaskActions';
import { TaskTimeline } from '../components/TaskTimeline';
import { useTask } from '../hooks/queries';
import { useDocumentTitle } from '../hooks/useDocumentTitle';
import { useNow } from '../hooks/useNow';
import { formatDateTime, formatDuration } from '../lib/format';
import { schedulePath } from '../lib/schedules';
import { isFinished } from '../lib/taskStatus';

/** One task: its arguments, result, attempts, timeline and the actions its status allows. */
export function TaskDetailPage() {
  const { id = '' } = useParams();
  const { data: task, error, dataUpdatedAt, isFetching, isPending } = useTask(id);
  const now = useNow();
  useDocumentTitle(task ? `${task.taskName} ${task.status}` : 'Task');

  if (isPending) return <p className="loading">Loading task…</p>;
  if (!task) {
    return (
      <div className="page">
        <h1>Task</h1>
        {error instanceof ApiError && error.status === 404 ? (
          <p className="notice error" role="alert">
            No task has the id <code>{id}</code>. <Link to="/tasks">Back to the tasks</Link>
          </p>
        ) : (
          <ErrorNotice error={error} />
        )}
      </div>
    );
  }
  const lastAttempt = task.attempts[task.attempts.length - 1];
  const showTaskTraceback = task.traceback && !task.attempts.some((a) => a.traceback === task.traceback);
  return (
    <div className="page task-detail-page">
      <nav aria-label="Breadcrumb" className="breadcrumb">
        <Link to="/tasks">Tasks</Link> ›
      </nav>
      <div className="page-title">
        <h1>
          {task.taskName} <StatusBadge status={task.status} />
        </h1>
        <TaskActions task={task} />
      </div>
      <p className="task-meta">
        <code className="task-id-full">{task.id}</code> · queue <strong>{task.queueName}</strong> · priority{' '}
        <PriorityBadge name={task.priorityName} value={task.priority} /> · attempt {task.attempt} · retries{' '}
        {task.retryCount} of {task.maxRetries} · retry delay {formatDuration(task.retryDelay * 1000)} · timeout{' '}
        {formatDuration(task.timeout * 1000)}
        {task.workflowId && (
          <>
            {' '}
            · step of a <Link to={`/workflows/${encodeURIComponent(task.workflowId)}`}>workflow</Link>
          </>
        )}
        {task.scheduleName && (
          <span className="task-schedule">
            {' '}
            · schedule <Link to={schedulePath(task.scheduleName)}>{task.scheduleName}</Link>
            {task.scheduledFor && (
              <>
                , tick of{' '}
                <time dateTime={task.scheduledFor.toISOString()}>{formatDateTime(task.scheduledFor)}</time>
              </>
            )}
          </span>
        )}
        {task.workerId && (
          <>
            {' '}
            · worker <Link to={`/workers#${encodeURIComponent(task.workerId)}`}>{task.workerId}</Link>
          </>
        )}
      </p>
      {task.waitingReason && (
        <p className="notice info waiting-reason" role="status">
          <strong>Why is it waiting?</strong> {task.waitingReason}
        </p>
      )}
      <Panel title="Timeline" updatedAt={dataUpdatedAt} fetching={isFetching} error={error}>
        <TaskTimeline task={task} now={now} />
      </Panel>
      <div className="grid-3">
        <Panel title="args">
          <JsonView value={task.args} label="args (JSON)" />
        </Panel>
        <Panel title="kwargs">
          <JsonView value={task.kwargs} label="kwargs (JSON)" />
        </Panel>
        <Panel title="Result">
          {task.status === 'success' ? (
            <JsonView value={task.result} label="result (JSON)" />
          ) : (
            <p className="muted">{isFinished(task.status) ? `No result: the task is ${task.status}.` : 'No result yet.'}</p>
          )}
        </Panel>
      </div>
      {task.errorMessage && (
        <Panel title="Error" className="error-panel">
          <p className="error-message">{task.errorMessage}</p>
          {showTaskTraceback && (
            <details className="traceback" open={!lastAttempt}>
              <summary>Traceback</summary>
              <pre tabIndex={0}>{task.traceback}</pre>
            </details>
          )}
        </Panel>
      )}
      <Panel title={`Attempts (${task.attempts.length})`}>
        <AttemptList attempts={task.attempts} />
      </Panel>
    </div>
  );
}
