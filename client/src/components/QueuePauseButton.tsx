import { useMutation, useQueryClient } from '@tanstack/react-query';
import { setQueuePaused } from '../api/endpoints';
import { ErrorNotice } from './ErrorNotice';

/** Pause a running queue, or resume a paused one; the statistics are refetched after. */
export function QueuePauseButton({ queueName, paused }: { queueName: string; paused: boolean }) {
  const queryClient = useQueryClient();
  const toggle = useMutation({
    mutationFn: () => setQueuePaused(queueName, !paused),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['stats'] }),
  });
  const verb = paused ? 'Resume' : 'Pause';
  return (
    <>
      <button
        type="button"
        className={paused ? 'button primary' : 'button'}
        disabled={toggle.isPending}
        aria-label={`${verb} queue ${queueName}`}
        onClick={() => toggle.mutate()}
      >
        {toggle.isPending ? (paused ? 'Resuming…' : 'Pausing…') : verb}
      </button>
      <ErrorNotice error={toggle.error} prefix={`${verb} failed`} />
    </>
  );
}
