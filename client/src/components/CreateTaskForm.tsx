import { useMutation } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { ApiError } from '../api/client';
import { createTask } from '../api/endpoints';
import { PRIORITY_NAMES, type Task, type TaskFunction } from '../api/types';
import { FormField } from './FormField';
import { FIELD_OF_API, validate, valuesFor, type CreateTaskValues } from './createTaskValues';

interface CreateTaskFormProps {
  functions: TaskFunction[];
  initialTaskName?: string;
  onCreated: (task: Task) => void;
}

type Errors = Partial<Record<keyof CreateTaskValues, string[]>>;

function serverErrors(error: unknown): { fields: Errors; other: string[] } {
  const fields: Errors = {};
  const other: string[] = [];
  if (!(error instanceof ApiError)) return { fields, other };
  for (const [key, messages] of Object.entries(error.fieldErrors)) {
    const field = FIELD_OF_API[key];
    if (field) fields[field] = [...(fields[field] ?? []), ...messages];
    else other.push(...messages.map((m) => (key === 'non_field_errors' ? m : `${key}: ${m}`)));
  }
  return { fields, other };
}

function requiredHint(fn: TaskFunction | undefined): string {
  const required = (fn?.parameters ?? []).filter((p) => p.required).map((p) => p.name);
  return required.length ? `Positional arguments; required: ${required.join(', ')}` : 'Positional arguments, e.g. [10, 20]';
}

/** The task creation form: JSON arguments checked client-side, the API's field errors shown per field. */
export function CreateTaskForm({ functions, initialTaskName, onCreated }: CreateTaskFormProps) {
  const initialFn = functions.find((f) => f.name === initialTaskName) ?? functions[0];
  const [values, setValues] = useState<CreateTaskValues>(() => valuesFor(initialFn, initialFn?.name ?? initialTaskName));
  const [clientErrors, setClientErrors] = useState<Partial<Record<keyof CreateTaskValues, string>>>({});
  const fn = functions.find((f) => f.name === values.taskName);
  const mutation = useMutation({ mutationFn: createTask, onSuccess: onCreated });
  const server = serverErrors(mutation.error);

  const set = (field: keyof CreateTaskValues, value: string) => {
    setValues((current) => ({ ...current, [field]: value }));
    setClientErrors((current) => ({ ...current, [field]: undefined }));
  };
  const chooseFunction = (name: string) => {
    setValues(valuesFor(functions.find((f) => f.name === name), name));
    setClientErrors({});
    mutation.reset();
  };
  const errorOf = (field: keyof CreateTaskValues): string[] | undefined => {
    const messages = [...(clientErrors[field] ? [clientErrors[field]] : []), ...(server.fields[field] ?? [])];
    return messages.length ? messages : undefined;
  };
  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    const { errors, task } = validate(values, fn);
    setClientErrors(errors);
    if (task) mutation.mutate(task);
  };

  return (
    <form className="create-form" onSubmit={onSubmit} noValidate>
      {mutation.error && (
        <div className="notice error" role="alert">
          <p>{mutation.error.message}</p>
          {server.other.length > 0 && (
            <ul>
              {server.other.map((m) => (
                <li key={m}>{m}</li>
              ))}
            </ul>
          )}
        </div>
      )}
      <FormField id="taskName" label="Task function" error={errorOf('taskName')}>
        <select name="task_name" value={values.taskName} onChange={(event) => chooseFunction(event.target.value)}>
          {!fn && <option value={values.taskName}>{values.taskName || 'choose…'}</option>}
          {functions.map((f) => (
            <option key={f.name} value={f.name}>
              {f.name}
            </option>
          ))}
        </select>
      </FormField>
      {fn && (
        <div className="signature">
          <code>
            {fn.name}
            {fn.signature}
          </code>
          {fn.doc && <p className="doc">{fn.doc}</p>}
        </div>
      )}
      <div className="form-row">
        <FormField id="args" label="args (JSON array)" error={errorOf('args')} hint={requiredHint(fn)} className="grow">
          <textarea name="args" rows={4} spellCheck={false} value={values.args} onChange={(e) => set('args', e.target.value)} />
        </FormField>
        <FormField id="kwargs" label="kwargs (JSON object)" error={errorOf('kwargs')} hint='Keyword arguments, e.g. {"duration": 5}' className="grow">
          <textarea name="kwargs" rows={4} spellCheck={false} value={values.kwargs} onChange={(e) => set('kwargs', e.target.value)} />
        </FormField>
      </div>
      <div className="form-row">
        <FormField id="priority" label="Priority" error={errorOf('priority')}>
          <select name="priority" value={values.priority} onChange={(e) => set('priority', e.target.value)}>
            {PRIORITY_NAMES.map((p) => (
              <option key={p} value={p}>
                {p}
              </option>
            ))}
          </select>
        </FormField>
        <FormField id="queueName" label="Queue" error={errorOf('queueName')}>
          <input name="queue_name" value={values.queueName} onChange={(e) => set('queueName', e.target.value)} />
        </FormField>
        <FormField id="maxRetries" label="Max retries" error={errorOf('maxRetries')}>
          <input name="max_retries" type="number" min={0} max={100} step={1} value={values.maxRetries} onChange={(e) => set('maxRetries', e.target.value)} />
        </FormField>
        <FormField id="retryDelay" label="Retry delay (s)" error={errorOf('retryDelay')}>
          <input name="retry_delay" type="number" min={0} max={86400} step="any" value={values.retryDelay} onChange={(e) => set('retryDelay', e.target.value)} />
        </FormField>
        <FormField id="timeout" label="Timeout (s)" error={errorOf('timeout')}>
          <input name="timeout" type="number" min={0.001} max={86400} step="any" value={values.timeout} onChange={(e) => set('timeout', e.target.value)} />
        </FormField>
        <FormField id="countdown" label="Start after (s)" error={errorOf('countdown')} hint="Optional delay">
          <input name="countdown" type="number" min={0} step="any" value={values.countdown} onChange={(e) => set('countdown', e.target.value)} />
        </FormField>
      </div>
      <div className="form-actions">
        <button type="submit" className="button primary" disabled={mutation.isPending}>
          {mutation.isPending ? 'Creating…' : 'Create task'}
        </button>
        <button type="button" className="button ghost" onClick={() => chooseFunction(values.taskName)}>
          Reset to defaults
        </button>
      </div>
    </form>
  );
}
