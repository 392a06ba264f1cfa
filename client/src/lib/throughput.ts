import type { ThroughputPoint } from '../api/types';

/** Adds up consecutive minutes so that at most maxBars bars are drawn. */
export function bucketThroughput(points: ThroughputPoint[], maxBars: number): ThroughputPoint[] {
  const size = Math.max(1, Math.ceil(points.length / maxBars));
  if (size === 1) return points;
  const buckets: ThroughputPoint[] = [];
  for (let i = 0; i < points.length; i += size) {
    const slice = points.slice(i, i + size);
    buckets.push({
      minute: slice[0].minute,
      completed: slice.reduce((sum, p) => sum + p.completed, 0),
      failed: slice.reduce((sum, p) => sum + p.failed, 0),
    });
  }
  return buckets;
}
