import { describe, expect, it } from 'vitest';
import { wireRunningTask, wireSchedule, wireScheduleDetail, wireScheduleRun, wireTask, wireTaskDetail, wireWorker } from '../test/fixtures';
import type { WireWorker } from './wire';
import {
  toDate,
  toSchedule,
  toScheduleDetail,
  toStats,
  toTask,
  toTaskDetail,
  toTaskQuery,
  toWireTaskCreate,
  toWorker,
} from './convert';

describe('converters from the wire', () => {
  it('turns a task into camelCase with Dates', () => {
    const task = toTask(
      wireTask({ status: 'success', started_at: '2025-01-02T03:04:06Z', completed_at: '2025-01-02T03:04:07.500Z', result: 30 }),
    );
    expect(task.taskName).toBe('add_numbers');
    expect(task.queueName).toBe('default');
    expect(task.priorityName).toBe('normal');
    expect(task.createdAt).toEqual(new Date('2025-01-02T03:04:05Z'));
    expect((task.completedAt?.getTime() ?? 0) - (task.startedAt?.getTime() ?? 0)).toBe(1500);
    expect(task.runAfter).toBeNull();
    expect(task.result).toBe(30);
  });

  it('keeps the detail view attempts and waiting reason', () => {
    const detail = toTaskDetail(
      wireTaskDetail({
        status: 'failed',
        waiting_reason: null,
        attempts: [
          {
            number: 1,
            worker_id: 'w-1',
            started_at: '2025-01-02T03:04:06Z',
            finished_at: '2025-01-02T03:04:07Z',
            outcome: 'error',
            error_type: 'ValueError',
            error_message: 'boom',
            traceback: 'Traceback...',
            duration_ms: 1000,
          },
        ],
      }),
    );
    expect(detail.attempts).toHaveLength(1);
    expect(detail.attempts[0]).toMatchObject({ workerId: 'w-1', outcome: 'error', errorType: 'ValueError', durationMs: 1000 });
    expect(detail.attempts[0].finishedAt).toEqual(new Date('2025-01-02T03:04:07Z'));
  });

  it('reads null and unparsable dates as null', () => {
    expect(toDate(null)).toBeNull();
    expect(toDate('not a date')).toBeNull();
  });

  it('converts stats, filling missing counts with zero', () => {
    const stats = toStats({
      generated_at: '2025-01-02T03:04:05Z',
      window_minutes: 60,
      counts: { pending: 2, failed: 1, total: 3 },
      counts_are_estimates: false,
      queues: [
        {
          queue_name: 'default', redis_ready: 2, redis_delayed: 0, redis_processing: 0, pending: 2, scheduled: 0,
          retry: 0, processing: 0, failed: 1, drift: 0, oldest_waiting_age_s: 12.5, live_workers: 0,
        },
      ],
      throughput: [{ minute: '2025-01-02T03:03:00Z', completed: 4, failed: 1 }],
      wait_time_ms: { p50: 10, p95: 90 },
      run_time_ms: { p50: null, p95: null },
      wait_by_priority: [{ priority_name: 'high', waiting: 1, p50_ms: 5, p95_ms: 9 }],
    });
    expect(stats.counts).toEqual({ pending: 2, processing: 0, success: 0, retry: 0, failed: 1, cancelled: 0, total: 3 });
    expect(stats.queues[0]).toMatchObject({ queueName: 'default', oldestWaitingAgeS: 12.5, liveWorkers: 0 });
    expect(stats.throughput[0].minute).toEqual(new Date('2025-01-02T03:03:00Z'));
    expect(stats.waitByPriority[0]).toEqual({ priorityName: 'high', waiting: 1, p50Ms: 5, p95Ms: 9 });
  });
});

describe('workers from the wire', () => {
  it('reads the slots in use and the tasks running in them', () => {
    const worker = toWorker(
      wireWorker({
        state: 'busy',
        concurrency: 4,
        busy: 2,
        running_tasks: [wireRunningTask({ slot: 0 }), wireRunningTask({ task_name: 'slow_task', queue_name: 'reports', attempt: 2, slot: 3 })],
      }),
    );
    expect(worker).toMatchObject({ concurrency: 4, busy: 2 });
    expect(worker.runningTasks[1]).toEqual({
      taskId: '3f2b8c1e-0000-4000-8000-000000000001',
      taskName: 'slow_task',
      queueName: 'reports',
      attempt: 2,
      slot: 3,
      startedAt: new Date('2025-01-02T03:04:05Z'),
    });
  });

  it('reads a worker without slot fields as one slot with nothing listed running', () => {
    const older: Partial<WireWorker> = wireWorker();
    delete older.concurrency;
    delete older.busy;
    delete older.running_tasks;
    const worker = toWorker(older as WireWorker);
    expect(worker).toMatchObject({ concurrency: 1, busy: 0, runningTasks: [] });
  });
});

describe('schedules from the wire', () => {
  it('reads a schedule with Dates and its last task', () => {
    const schedule = toSchedule(wireSchedule({ cron: '0 3 * * *', timezone: 'Europe/Paris', last_task_status: 'failed' }));
    expect(schedule).toMatchObject({
      name: 'example-heartbeat',
      taskName: 'record_heartbeat',
      cron: '0 3 * * *',
      everySeconds: null,
      timezone: 'Europe/Paris',
      queueName: 'default',
      catchUp: 'latest',
      skipIfRunning: false,
      enabled: true,
      orphaned: false,
      lastTaskId: '3f2b8c1e-0000-4000-8000-0000000000c1',
      lastTaskStatus: 'failed',
      lagSeconds: 0.012,
      skippedTicks: 0,
    });
    expect(schedule.nextRunAt).toEqual(new Date('2025-01-02T03:06:00Z'));
    expect(schedule.lastRunAt).toEqual(new Date('2025-01-02T03:05:00Z'));
  });

  it('reads a paused schedule that never ran, with nulls kept as nulls', () => {
    const schedule = toSchedule(
      wireSchedule({
        cron: null,
        every_seconds: 30,
        enabled: false,
        next_run_at: null,
        last_run_at: null,
        last_task_id: null,
        last_task_status: null,
        lag_seconds: null,
      }),
    );
    expect(schedule).toMatchObject({ everySeconds: 30, enabled: false, nextRunAt: null, lastRunAt: null, lastTaskStatus: null, lagSeconds: null });
  });

  it('reads the recent runs of the detail view', () => {
    const detail = toScheduleDetail(
      wireScheduleDetail({ recent_runs: [wireScheduleRun({ status: 'processing', completed_at: null }), wireScheduleRun()] }),
    );
    expect(detail.recentRuns).toHaveLength(2);
    expect(detail.recentRuns[0]).toMatchObject({ status: 'processing', completedAt: null });
    expect(detail.recentRuns[0].scheduledFor).toEqual(new Date('2025-01-02T03:05:00Z'));
  });

  it('reads the schedule a task was made by, and its tick', () => {
    const task = toTask(wireTask({ schedule_name: 'example-heartbeat', scheduled_for: '2025-01-02T03:05:00Z' }));
    expect(task.scheduleName).toBe('example-heartbeat');
    expect(task.scheduledFor).toEqual(new Date('2025-01-02T03:05:00Z'));
    expect(toTask(wireTask()).scheduleName).toBeNull();
  });
});

describe('converters to the wire', () => {
  it('builds the create body in snake_case, leaving unset options out', () => {
    expect(toWireTaskCreate({ taskName: 'add_numbers', args: [1, 2], kwargs: {}, priority: 'high', maxRetries: 0 })).toEqual({
      task_name: 'add_numbers',
      args: [1, 2],
      kwargs: {},
      priority: 'high',
      max_retries: 0,
    });
  });

  it('builds the list query with ISO dates and without page 1', () => {
    const query = toTaskQuery({
      status: 'failed',
      queueName: 'default',
      taskName: 'failing_task',
      scheduleName: 'example-heartbeat',
      createdAfter: new Date('2025-01-01T00:00:00Z'),
      page: 1,
      pageSize: 50,
    });
    expect(query).toEqual({
      status: 'failed',
      queue_name: 'default',
      task_name: 'failing_task',
      schedule_name: 'example-heartbeat',
      created_after: '2025-01-01T00:00:00.000Z',
      page_size: '50',
    });
  });
});
