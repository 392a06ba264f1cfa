interface SparklineProps {
  values: number[];
  /** Second series drawn in the failure colour (e.g. failed per minute). */
  secondary?: number[];
  label: string;
  /** "throughput" draws completed in the success colour; "depth" draws a neutral line. */
  variant?: 'throughput' | 'depth';
  width?: number;
  height?: number;
}

function path(values: number[], max: number, width: number, height: number): string {
  if (values.length === 0) return '';
  // One sample draws a flat line across the cell.
  const points = values.length === 1 ? [values[0], values[0]] : values;
  const step = width / (points.length - 1);
  return points
    .map((v, i) => `${i === 0 ? 'M' : 'L'}${(i * step).toFixed(1)},${(height - 1 - (v / max) * (height - 2)).toFixed(1)}`)
    .join(' ');
}

/** A tiny line chart for a table cell. */
export function Sparkline({ values, secondary, label, variant = 'throughput', width = 120, height = 28 }: SparklineProps) {
  const max = Math.max(1, ...values, ...(secondary ?? []));
  return (
    <svg className="sparkline" viewBox={`0 0 ${width} ${height}`} width={width} height={height} role="img" aria-label={label}>
      <title>{label}</title>
      <path d={path(values, max, width, height)} className={`line ${variant === 'depth' ? 'depth' : 'ok'}`} />
      {secondary && <path d={path(secondary, max, width, height)} className="line bad" />}
    </svg>
  );
}
