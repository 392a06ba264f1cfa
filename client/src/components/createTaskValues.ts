/** The create form's values (as typed) and their conversion into a TaskCreate. */
import type { PriorityName, TaskCreate, TaskFunction } from '../api/types';
import { checkCallArguments, defaultKwargsText } from '../lib/jsonInput';

export interface CreateTaskValues {
  taskName: string;
  args: string;
  kwargs: string;
  priority: PriorityName;
  maxRetries: string;
  retryDelay: string;
  timeout: string;
  queueName: string;
  countdown: string;
}

/** Form field names, keyed by the API's field names, so that server errors land on the right field. */
export const FIELD_OF_API: Record<string, keyof CreateTaskValues> = {
  task_name: 'taskName',
  args: 'args',
  kwargs: 'kwargs',
  priority: 'priority',
  max_retries: 'maxRetries',
  retry_delay: 'retryDelay',
  timeout: 'timeout',
  queue_name: 'queueName',
  countdown: 'countdown',
  run_after: 'countdown',
};

export function valuesFor(fn: TaskFunction | undefined, taskName = fn?.name ?? ''): CreateTaskValues {
  return {
    taskName,
    args: '[]',
    kwargs: defaultKwargsText(fn),
    priority: fn?.defaults.priorityName ?? 'normal',
    maxRetries: String(fn?.defaults.maxRetries ?? 3),
    retryDelay: String(fn?.defaults.retryDelay ?? 60),
    timeout: String(fn?.defaults.timeout ?? 300),
    queueName: fn?.defaults.queueName ?? 'default',
    countdown: '',
  };
}

type FieldErrors = Partial<Record<keyof CreateTaskValues, string>>;

function numberIn(
  text: string,
  min: number,
  max: number,
  integer: boolean,
  what: string,
): { value?: number; error?: string } {
  if (!text.trim()) return {};
  const value = Number(text);
  if (!Number.isFinite(value) || (integer && !Number.isInteger(value)) || value < min || value > max) {
    return { error: `${what} must be ${integer ? 'a whole number' : 'a number'} from ${min} to ${max}.` };
  }
  return { value };
}

/** Checks the values client-side; returns either the errors by field or the TaskCreate to send. */
export function validate(
  values: CreateTaskValues,
  fn: TaskFunction | undefined,
): { errors: FieldErrors; task?: TaskCreate } {
  const errors: FieldErrors = {};
  if (!values.taskName.trim()) errors.taskName = 'Choose a task function.';
  const call = checkCallArguments(fn, values.args, values.kwargs);
  if (call.errors.args) errors.args = call.errors.args;
  if (call.errors.kwargs) errors.kwargs = call.errors.kwargs;
  const maxRetries = numberIn(values.maxRetries, 0, 100, true, 'Max retries');
  const retryDelay = numberIn(values.retryDelay, 0, 86400, false, 'Retry delay');
  const timeout = numberIn(values.timeout, 0.001, 86400, false, 'Timeout');
  const countdown = numberIn(values.countdown, 0, 31536000, false, 'Countdown');
  if (maxRetries.error) errors.maxRetries = maxRetries.error;
  if (retryDelay.error) errors.retryDelay = retryDelay.error;
  if (timeout.error) errors.timeout = timeout.error;
  if (countdown.error) errors.countdown = countdown.error;
  if (values.queueName.length > 0 && !values.queueName.trim()) errors.queueName = 'Queue name cannot be blank.';
  if (Object.keys(errors).length) return { errors };
  return {
    errors,
    task: {
      taskName: values.taskName.trim(),
      args: call.args,
      kwargs: call.kwargs,
      priority: values.priority,
      maxRetries: maxRetries.value,
      retryDelay: retryDelay.value,
      timeout: timeout.value,
      queueName: values.queueName.trim() || undefined,
      countdown: countdown.value,
    },
  };
}
