import { useLiveState } from '../hooks/usePolling';
import type { LiveState } from '../hooks/liveContext';

const LABELS: Record<LiveState, { text: string; detail: string; title: string }> = {
  live: { text: 'Live', detail: '', title: 'Changes arrive as they happen (no polling).' },
  connecting: { text: 'Connecting', detail: ' to live updates', title: 'Opening the live-updates stream; polling meanwhile.' },
  down: {
    text: 'Polling',
    detail: ' (live updates unavailable)',
    title: 'The live-updates stream is down: polling at the chosen interval, and trying the stream again.',
  },
  off: { text: 'Paused', detail: ' (live updates paused)', title: 'Live updates are paused.' },
};

/** Says whether the pages update from the event stream ("Live") or by polling, in the header. */
export function LiveIndicator() {
  const state = useLiveState();
  const label = LABELS[state];
  return (
    <span className={`live-indicator ${state}`} title={label.title} role="status" data-state={state}>
      <span className="dot" aria-hidden="true" />
      {label.text}
      {label.detail && <span className="visually-hidden">{label.detail}</span>}
    </span>
  );
}
