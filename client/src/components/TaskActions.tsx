import { useMutation, useQueryClient } from '@tanstack/react-query';
import { cancelTask, retryTask } from '../api/endpoints';
import type { Task, TaskDetail } from '../api/types';
import { queryKeys } from '../hooks/queries';
import { canCancel, canRetry } from '../lib/taskStatus';
import { ErrorNotice } from './ErrorNotice';

/** Retry (failed, cancelled) and Cancel (pending, retry) buttons for one task. */
export function TaskActions({ task }: { task: Task }) {
  const queryClient = useQueryClient();
  const onSuccess = async (updated: Task) => {
    // Show the API's answer at once; the refetch then brings attempts and waiting_reason.
    queryClient.setQueryData<TaskDetail>(queryKeys.task(task.id), (old) => (old ? { ...old, ...updated } : old));
    await Promise.all([
      queryClient.invalidateQueries({ queryKey: queryKeys.task(task.id) }),
      queryClient.invalidateQueries({ queryKey: ['tasks'] }),
      queryClient.invalidateQueries({ queryKey: ['stats'] }),
    ]);
  };
  const retry = useMutation({ mutationFn: () => retryTask(task.id), onSuccess });
  const cancel = useMutation({ mutationFn: () => cancelTask(task.id), onSuccess });
  const busy = retry.isPending || cancel.isPending;
  const showRetry = canRetry(task.status);
  const showCancel = canCancel(task.status);
  return (
    <div className="task-actions">
      {showRetry && (
        <button
          type="button"
          className="button primary"
          disabled={busy}
          onClick={() => {
            cancel.reset();
            retry.mutate();
          }}
        >
          {retry.isPending ? 'Retrying…' : 'Retry'}
        </button>
      )}
      {showCancel && (
        <button
          type="button"
          className="button danger"
          disabled={busy}
          onClick={() => {
            retry.reset();
            cancel.mutate();
          }}
        >
          {cancel.isPending ? 'Cancelling…' : 'Cancel'}
        </button>
      )}
      <span role="status" className="action-result">
        {retry.data && `Re-queued: the task was ${retry.data.status} when the API answered.`}
        {cancel.data && `Cancelled.`}
      </span>
      <ErrorNotice error={retry.error} prefix="Retry failed" />
      <ErrorNotice error={cancel.error} prefix="Cancel failed" />
    </div>
  );
}
