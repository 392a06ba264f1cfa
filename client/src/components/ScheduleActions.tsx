import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Link } from 'react-router';
import { pauseSchedule, resumeSchedule, runSchedule } from '../api/endpoints';
import type { Schedule, ScheduleDetail } from '../api/types';
import { queryKeys } from '../hooks/queries';
import { shortId } from '../lib/format';
import { ErrorNotice } from './ErrorNotice';

/** Pause or Resume, and Run now (one task, at once) for a schedule; an orphaned schedule has none. */
export function ScheduleActions({ schedule }: { schedule: Schedule }) {
  const queryClient = useQueryClient();
  const { name } = schedule;
  const refresh = (...prefixes: (readonly string[])[]) =>
    Promise.all(prefixes.map((queryKey) => queryClient.invalidateQueries({ queryKey })));
  const onToggled = async (updated: Schedule) => {
    // Show the API's answer at once; the refetch then brings the rest (recent runs).
    queryClient.setQueryData<Schedule[]>(queryKeys.schedules, (old) => old?.map((s) => (s.name === name ? updated : s)));
    queryClient.setQueryData<ScheduleDetail>(queryKeys.schedule(name), (old) => (old ? { ...old, ...updated } : old));
    await refresh(queryKeys.schedules);
  };
  const pause = useMutation({ mutationFn: () => pauseSchedule(name), onSuccess: onToggled });
  const resume = useMutation({ mutationFn: () => resumeSchedule(name), onSuccess: onToggled });
  const run = useMutation({
    mutationFn: () => runSchedule(name),
    onSuccess: () => refresh(queryKeys.schedules, ['tasks'], ['stats']),
  });
  if (schedule.orphaned) return <span className="muted small">removed from code</span>;

  const busy = pause.isPending || resume.isPending || run.isPending;
  const resetAll = () => [pause, resume, run].forEach((m) => m.reset());
  return (
    <div className="task-actions schedule-actions">
      {schedule.enabled ? (
        <button
          type="button"
          className="button small"
          disabled={busy}
          onClick={() => {
            resetAll();
            pause.mutate();
          }}
        >
          {pause.isPending ? 'Pausing…' : 'Pause'}
        </button>
      ) : (
        <button
          type="button"
          className="button small"
          disabled={busy}
          onClick={() => {
            resetAll();
            resume.mutate();
          }}
        >
          {resume.isPending ? 'Resuming…' : 'Resume'}
        </button>
      )}
      <button
        type="button"
        className="button small primary"
        disabled={busy}
        onClick={() => {
          resetAll();
          run.mutate();
        }}
      >
        {run.isPending ? 'Enqueuing…' : 'Run now'}
      </button>
      <span role="status" className="action-result">
        {run.data && (
          <>
            Enqueued{' '}
            <Link to={`/tasks/${run.data.id}`} title={run.data.id}>
              task {shortId(run.data.id)}
            </Link>
          </>
        )}
      </span>
      <ErrorNotice error={pause.error} prefix="Pause failed" />
      <ErrorNotice error={resume.error} prefix="Resume failed" />
      <ErrorNotice error={run.error} prefix="Run now failed" />
    </div>
  );
}
