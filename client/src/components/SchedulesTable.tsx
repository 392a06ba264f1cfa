import { Link } from 'react-router';
import type { Schedule } from '../api/types';
import { useNow } from '../hooks/useNow';
import { schedulePath, scheduleState, triggerLabel } from '../lib/schedules';
import { ScheduleActions } from './ScheduleActions';
import { Lag, LastRun } from './ScheduleCells';
import { ScheduleStateBadge } from './ScheduleStateBadge';
import { When } from './When';

/** Every schedule: its task function, its trigger and state, when it runs next, how its last tick went, and its actions. */
export function SchedulesTable({ schedules }: { schedules: Schedule[] }) {
  const now = useNow();
  if (schedules.length === 0) {
    return (
      <p className="empty">
        No schedules. Give a task function one in code, e.g.{' '}
        <code>@task_registry.register("poll_feeds", schedule=every(seconds=30))</code>, or in{' '}
        <code>TASK_QUEUE["SCHEDULES"]</code>.
      </p>
    );
  }
  return (
    <div className="table-wrap">
      <table className="data-table schedules-table">
        <thead>
          <tr>
            <th scope="col">Schedule</th>
            <th scope="col">Trigger</th>
            <th scope="col">State</th>
            <th scope="col">Next run</th>
            <th scope="col">Last run</th>
            <th scope="col" className="num" title="How late the last tick was enqueued">
              Lag
            </th>
            <th scope="col">Actions</th>
          </tr>
        </thead>
        <tbody>
          {schedules.map((schedule) => {
            const state = scheduleState(schedule);
            return (
              <tr key={schedule.name} data-schedule={schedule.name} data-state={state} className={state === 'orphaned' ? 'orphaned-row' : undefined}>
                <th scope="row">
                  <Link to={schedulePath(schedule.name)} className="schedule-name">
                    {schedule.name}
                  </Link>
                  <div className="muted small" title="Task function">
                    <code>{schedule.taskName}</code>
                  </div>
                </th>
                <td>
                  <code className="trigger" title={schedule.trigger}>
                    {triggerLabel(schedule)}
                  </code>
                </td>
                <td>
                  <ScheduleStateBadge schedule={schedule} />
                </td>
                <td>
                  <When date={schedule.nextRunAt} now={now} />
                </td>
                <td>
                  <LastRun schedule={schedule} now={now} />
                </td>
                <td className="num">
                  <Lag seconds={schedule.lagSeconds} />
                </td>
                <td className="actions">
                  <ScheduleActions schedule={schedule} />
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
