import { formatDuration } from '../../lib/format';

export interface BarRow {
  label: string;
  p50: number | null;
  p95: number | null;
  note?: string;
}

/** Horizontal p50/p95 bars (milliseconds) sharing one scale, one row per label. */
export function BarRows({ rows, caption }: { rows: BarRow[]; caption: string }) {
  const max = Math.max(1, ...rows.flatMap((r) => [r.p50 ?? 0, r.p95 ?? 0]));
  const pct = (v: number | null) => `${((v ?? 0) / max) * 100}%`;
  return (
    <figure className="bar-rows">
      <table>
        <caption className="visually-hidden">{caption}</caption>
        <thead className="visually-hidden">
          <tr>
            <th scope="col">What</th>
            <th scope="col">p50 and p95</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <tr key={row.label}>
              <th scope="row">
                {row.label}
                {row.note && <span className="muted note">{row.note}</span>}
              </th>
              <td>
                <div className="bar-track" aria-hidden="true">
                  <div className="bar-fill p95" style={{ width: pct(row.p95) }} />
                  <div className="bar-fill p50" style={{ width: pct(row.p50) }} />
                </div>
                <span className="bar-values">
                  p50 {formatDuration(row.p50)} · p95 {formatDuration(row.p95)}
                </span>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <figcaption className="legend">
        <span className="key p50">p50</span>
        <span className="key p95">p95</span>
      </figcaption>
    </figure>
  );
}
