import { WINDOWS } from '../lib/timeWindows';

interface TimeWindowSelectProps {
  minutes: number;
  onChange: (minutes: number) => void;
  label?: string;
}

/** Picks the time window (the API's `minutes` parameter) of a chart or list. */
export function TimeWindowSelect({ minutes, onChange, label = 'Time range' }: TimeWindowSelectProps) {
  const known = WINDOWS.some((w) => w.minutes === minutes);
  return (
    <label className="inline-field">
      <span>{label}</span>
      <select value={minutes} onChange={(event) => onChange(Number(event.target.value))}>
        {!known && <option value={minutes}>{minutes} min</option>}
        {WINDOWS.map((w) => (
          <option key={w.minutes} value={w.minutes}>
            {w.label}
          </option>
        ))}
      </select>
    </label>
  );
}
