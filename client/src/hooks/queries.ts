/** TanStack Query hooks for every API read: kept up to date by events while the stream is live, else polling at the user's interval. */
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import {
  getHealth,
  getMe,
  getSchedule,
  getStats,
  getTask,
  getWorkflow,
  listFailures,
  listSchedules,
  listTaskFunctions,
  listTasks,
  listWorkers,
} from '../api/endpoints';
import { recordQueueDepths } from '../lib/queueHistory';
import { filtersFromParams } from '../lib/taskQuery';
import { useLiveQueryOptions, usePollInterval } from './usePolling';

export const queryKeys = {
  me: ['me'] as const,
  health: ['health'] as const,
  stats: (minutes: number) => ['stats', minutes] as const,
  tasks: (search: string) => ['tasks', search] as const,
  task: (id: string) => ['task', id] as const,
  workflow: (id: string) => ['workflow', id] as const,
  failures: (minutes: number) => ['failures', minutes] as const,
  workers: ['workers'] as const,
  taskFunctions: ['task-functions'] as const,
  /** The list and every schedule's detail share this prefix, so one invalidation refreshes both. */
  schedules: ['schedules'] as const,
  schedule: (name: string) => ['schedules', 'detail', name] as const,
};

export function useStats(minutes: number) {
  const live = useLiveQueryOptions();
  return useQuery({
    queryKey: queryKeys.stats(minutes),
    queryFn: async ({ signal }) => {
      const stats = await getStats(minutes, signal);
      recordQueueDepths(stats);
      return stats;
    },
    ...live,
    placeholderData: keepPreviousData,
  });
}

/** The tasks page's list; `search` is the URL query string, read afresh at each poll. */
export function useTasks(search: string) {
  const live = useLiveQueryOptions();
  return useQuery({
    queryKey: queryKeys.tasks(search),
    queryFn: ({ signal }) => listTasks(filtersFromParams(new URLSearchParams(search)), signal),
    ...live,
    placeholderData: keepPreviousData,
  });
}

export function useTask(id: string) {
  const live = useLiveQueryOptions();
  return useQuery({
    queryKey: queryKeys.task(id),
    queryFn: ({ signal }) => getTask(id, signal),
    ...live,
  });
}

/** A workflow with its tree, polled at the user's interval even while the stream is live (task
 * events do not name their workflow), so its graph keeps up as its steps run. */
export function useWorkflow(id: string) {
  const refetchInterval = usePollInterval();
  return useQuery({
    queryKey: queryKeys.workflow(id),
    queryFn: ({ signal }) => getWorkflow(id, signal),
    refetchInterval,
  });
}

export function useFailures(minutes: number) {
  const live = useLiveQueryOptions();
  return useQuery({
    queryKey: queryKeys.failures(minutes),
    queryFn: ({ signal }) => listFailures(minutes, signal),
    ...live,
    placeholderData: keepPreviousData,
  });
}

/** Refetched on events; while live it also polls every 10 s or more, since heartbeats are no task events. */
export function useWorkers() {
  const live = useLiveQueryOptions();
  const poll = usePollInterval();
  const refetchInterval = live.refetchInterval === false && poll !== false ? Math.max(poll, 10_000) : live.refetchInterval;
  return useQuery({
    queryKey: queryKeys.workers,
    queryFn: ({ signal }) => listWorkers(signal),
    ...live,
    refetchInterval,
  });
}

export function useSchedules() {
  const live = useLiveQueryOptions();
  return useQuery({
    queryKey: queryKeys.schedules,
    queryFn: ({ signal }) => listSchedules(signal),
    ...live,
    placeholderData: keepPreviousData,
  });
}

export function useSchedule(name: string) {
  const live = useLiveQueryOptions();
  return useQuery({ queryKey: queryKeys.schedule(name), queryFn: ({ signal }) => getSchedule(name, signal), ...live });
}

export function useTaskFunctions() {
  return useQuery({
    queryKey: queryKeys.taskFunctions,
    queryFn: ({ signal }) => listTaskFunctions(signal),
    staleTime: 60_000,
  });
}

/** Polls even while the stream is live: no task event says that a store or a worker went away. */
export function useHealth() {
  const refetchInterval = usePollInterval();
  return useQuery({
    queryKey: queryKeys.health,
    queryFn: ({ signal }) => getHealth(signal),
    refetchInterval: refetchInterval === false ? false : Math.max(refetchInterval, 10_000),
  });
}

export function useMe() {
  return useQuery({ queryKey: queryKeys.me, queryFn: ({ signal }) => getMe(signal), staleTime: 30_000, retry: false });
}
