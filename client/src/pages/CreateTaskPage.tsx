import { useQueryClient } from '@tanstack/react-query';
import { useNavigate, useSearchParams } from 'react-router';
import type { Task } from '../api/types';
import { CreateTaskForm } from '../components/CreateTaskForm';
import { ErrorNotice } from '../components/ErrorNotice';
import { Panel } from '../components/Panel';
import { useTaskFunctions } from '../hooks/queries';
import { useDocumentTitle } from '../hooks/useDocumentTitle';

/** Enqueues a task of a registered task function, then opens it. */
export function CreateTaskPage() {
  useDocumentTitle('Create task');
  const [params] = useSearchParams();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const functions = useTaskFunctions();
  const onCreated = async (task: Task) => {
    await queryClient.invalidateQueries({ queryKey: ['tasks'] });
    await navigate(`/tasks/${task.id}`);
  };
  return (
    <div className="page create-page">
      <div className="page-title">
        <h1>Create task</h1>
      </div>
      <Panel title="New task">
        {functions.isPending && <p className="loading">Loading task functions…</p>}
        <ErrorNotice error={functions.error} prefix="Could not load the task functions" />
        {functions.data && (
          <CreateTaskForm
            functions={functions.data}
            initialTaskName={params.get('task_name') ?? undefined}
            onCreated={(task) => void onCreated(task)}
          />
        )}
      </Panel>
    </div>
  );
}
