/** One typed function per API endpoint; each returns app types. */
import { request } from './client';
import {
  toFailureGroup,
  toHealth,
  toListMeta,
  toMe,
  toSchedule,
  toScheduleDetail,
  toStats,
  toTask,
  toTaskDetail,
  toTaskFunction,
  toTaskQuery,
  toWireTaskCreate,
  toWorker,
  toWorkflowDetail,
} from './convert';
import type {
  FailureGroup,
  Health,
  Me,
  Page,
  Schedule,
  ScheduleDetail,
  Stats,
  Task,
  TaskCreate,
  TaskDetail,
  TaskFilters,
  TaskFunction,
  Worker,
  WorkflowDetail,
} from './types';
import type {
  WireFailureGroup,
  WireHealth,
  WireMe,
  WireSchedule,
  WireScheduleDetail,
  WireStats,
  WireTask,
  WireTaskDetail,
  WireTaskFunction,
  WireWorker,
  WireWorkflowDetail,
} from './wire';

export async function listTasks(filters: TaskFilters, signal?: AbortSignal): Promise<Page<Task>> {
  const { data, meta } = await request<WireTask[]>('/tasks/', { query: toTaskQuery(filters), signal });
  const items = (data ?? []).map(toTask);
  return { items, meta: toListMeta(meta, items.length) };
}

export async function getTask(id: string, signal?: AbortSignal): Promise<TaskDetail> {
  const { data } = await request<WireTaskDetail>(`/tasks/${encodeURIComponent(id)}/`, { signal });
  return toTaskDetail(data);
}

export async function createTask(task: TaskCreate): Promise<Task> {
  const { data } = await request<WireTask>('/tasks/', { method: 'POST', body: toWireTaskCreate(task) });
  return toTask(data);
}

export async function retryTask(id: string): Promise<Task> {
  const { data } = await request<WireTask>(`/tasks/${encodeURIComponent(id)}/retry/`, { method: 'POST' });
  return toTask(data);
}

export async function cancelTask(id: string): Promise<Task> {
  const { data } = await request<WireTask>(`/tasks/${encodeURIComponent(id)}/cancel/`, { method: 'POST' });
  return toTask(data);
}

/** Pause a queue (`paused: true`) or resume it; the queue keeps accepting tasks either way. */
export async function setQueuePaused(queueName: string, paused: boolean): Promise<void> {
  const action = paused ? 'pause' : 'resume';
  await request<unknown>(`/queues/${encodeURIComponent(queueName)}/${action}/`, { method: 'POST' });
}

export async function getStats(minutes: number, signal?: AbortSignal): Promise<Stats> {
  const { data } = await request<WireStats>('/stats/', { query: { minutes }, signal });
  return toStats(data);
}

export async function listFailures(minutes: number, signal?: AbortSignal): Promise<FailureGroup[]> {
  const { data } = await request<WireFailureGroup[]>('/failures/', { query: { minutes }, signal });
  return (data ?? []).map(toFailureGroup);
}

export async function listWorkers(signal?: AbortSignal): Promise<Worker[]> {
  const { data } = await request<WireWorker[]>('/workers/', { signal });
  return (data ?? []).map(toWorker);
}

export async function listTaskFunctions(signal?: AbortSignal): Promise<TaskFunction[]> {
  const { data } = await request<WireTaskFunction[]>('/task-functions/', { signal });
  return (data ?? []).map(toTaskFunction);
}

export async function listSchedules(signal?: AbortSignal): Promise<Schedule[]> {
  const { data } = await request<WireSchedule[]>('/schedules/', { signal });
  return (data ?? []).map(toSchedule);
}

export async function getSchedule(name: string, signal?: AbortSignal): Promise<ScheduleDetail> {
  const { data } = await request<WireScheduleDetail>(`/schedules/${encodeURIComponent(name)}/`, { signal });
  return toScheduleDetail(data);
}

export async function pauseSchedule(name: string): Promise<Schedule> {
  const { data } = await request<WireSchedule>(`/schedules/${encodeURIComponent(name)}/pause/`, { method: 'POST' });
  return toSchedule(data);
}

export async function resumeSchedule(name: string): Promise<Schedule> {
  const { data } = await request<WireSchedule>(`/schedules/${encodeURIComponent(name)}/resume/`, { method: 'POST' });
  return toSchedule(data);
}

/** Enqueues one run of the schedule's task now; answers the new task (409 for an orphaned schedule). */
export async function runSchedule(name: string): Promise<Task> {
  const { data } = await request<WireTask>(`/schedules/${encodeURIComponent(name)}/run/`, { method: 'POST' });
  return toTask(data);
}

export async function getHealth(signal?: AbortSignal): Promise<Health> {
  const { data } = await request<WireHealth>('/health/', { signal, dataOnStatus: [503] });
  return toHealth(data);
}

export async function getMe(signal?: AbortSignal): Promise<Me> {
  const { data } = await request<WireMe>('/auth/me/', { signal });
  return toMe(data);
}

export async function login(username: string, password: string): Promise<Me> {
  const { data } = await request<WireMe>('/auth/login/', { method: 'POST', body: { username, password } });
  return toMe(data);
}

export async function logout(): Promise<void> {
  await request<unknown>('/auth/logout/', { method: 'POST' });
}

export async function getWorkflow(id: string, signal?: AbortSignal): Promise<WorkflowDetail> {
  const { data } = await request<WireWorkflowDetail>(`/workflows/${encodeURIComponent(id)}/`, { signal });
  return toWorkflowDetail(data);
}
