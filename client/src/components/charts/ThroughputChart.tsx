import type { ThroughputPoint } from '../../api/types';
import { formatClock, formatCompact } from '../../lib/format';
import { bucketThroughput } from '../../lib/throughput';
import { useElementWidth } from '../../hooks/useElementWidth';

const HEIGHT = 180;
const PAD = { top: 10, right: 8, bottom: 22, left: 40 };
const MAX_BARS = 120;
const PX_PER_BAR = 6;

/** Completed vs failed tasks per minute, as stacked bars. */
export function ThroughputChart({ points }: { points: ThroughputPoint[] }) {
  const [ref, WIDTH] = useElementWidth<HTMLElement>(640);
  const bars = bucketThroughput(points, Math.max(10, Math.min(MAX_BARS, Math.floor(WIDTH / PX_PER_BAR))));
  const perBar = bars.length ? Math.round(points.length / bars.length) : 1;
  const max = Math.max(1, ...bars.map((p) => p.completed + p.failed));
  const innerW = WIDTH - PAD.left - PAD.right;
  const innerH = HEIGHT - PAD.top - PAD.bottom;
  const barW = bars.length ? innerW / bars.length : innerW;
  const y = (v: number) => PAD.top + innerH - (v / max) * innerH;
  const totalCompleted = points.reduce((s, p) => s + p.completed, 0);
  const totalFailed = points.reduce((s, p) => s + p.failed, 0);
  const label = `Throughput: ${totalCompleted} completed and ${totalFailed} failed over ${points.length} minutes`;
  return (
    <figure className="chart" ref={ref}>
      <svg viewBox={`0 0 ${WIDTH} ${HEIGHT}`} role="img" aria-label={label} width={WIDTH} height={HEIGHT}>
        <line x1={PAD.left} x2={WIDTH - PAD.right} y1={y(0)} y2={y(0)} className="axis" />
        <line x1={PAD.left} x2={WIDTH - PAD.right} y1={y(max)} y2={y(max)} className="grid" />
        <text x={PAD.left - 4} y={y(max) + 4} className="tick" textAnchor="end">
          {formatCompact(max)}
        </text>
        <text x={PAD.left - 4} y={y(0)} className="tick" textAnchor="end">
          0
        </text>
        {bars.map((p, i) => {
          const x = PAD.left + i * barW + barW * 0.1;
          const w = Math.max(1, barW * 0.8);
          return (
            <g key={p.minute.getTime()}>
              <title>{`${formatClock(p.minute)}${perBar > 1 ? ` (+${perBar} min)` : ''}: ${p.completed} completed, ${p.failed} failed`}</title>
              <rect x={x} y={y(p.completed)} width={w} height={y(0) - y(p.completed)} className="bar ok" />
              <rect x={x} y={y(p.completed + p.failed)} width={w} height={y(p.completed) - y(p.completed + p.failed)} className="bar bad" />
            </g>
          );
        })}
        {bars.length > 0 && (
          <>
            <text x={PAD.left} y={HEIGHT - 6} className="tick">
              {formatClock(bars[0].minute)}
            </text>
            <text x={WIDTH - PAD.right} y={HEIGHT - 6} className="tick" textAnchor="end">
              {formatClock(bars[bars.length - 1].minute)}
            </text>
          </>
        )}
      </svg>
      <figcaption className="legend">
        <span className="key ok">completed {totalCompleted}</span>
        <span className="key bad">failed {totalFailed}</span>
        {perBar > 1 && <span className="muted">one bar = {perBar} minutes</span>}
      </figcaption>
    </figure>
  );
}
