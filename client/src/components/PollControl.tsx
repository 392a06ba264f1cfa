import { usePolling } from '../hooks/usePolling';

const INTERVALS = [1000, 2000, 3000, 5000, 10000, 30000, 60000];

/** Lets the user change the poll interval (used while the event stream is down) or pause live updates. */
export function PollControl() {
  const { intervalMs, paused, visible, setIntervalMs, setPaused } = usePolling();
  const options = INTERVALS.includes(intervalMs) ? INTERVALS : [...INTERVALS, intervalMs].sort((a, b) => a - b);
  return (
    <div className="poll-control">
      <label>
        <span className="visually-hidden">Refresh every</span>
        <select
          value={intervalMs}
          onChange={(event) => setIntervalMs(Number(event.target.value))}
          disabled={paused}
          aria-label="Refresh interval"
        >
          {options.map((ms) => (
            <option key={ms} value={ms}>
              every {ms < 60000 ? `${ms / 1000} s` : `${ms / 60000} min`}
            </option>
          ))}
        </select>
      </label>
      <button
        type="button"
        className="button small"
        aria-pressed={paused}
        onClick={() => setPaused(!paused)}
        title={paused ? 'Resume live updates' : 'Pause live updates'}
      >
        {paused ? '▶ Resume' : '❚❚ Pause'}
      </button>
      <span className={`live-dot${paused || !visible ? ' off' : ''}`} aria-hidden="true" />
    </div>
  );
}
