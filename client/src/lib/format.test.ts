import { describe, expect, it } from 'vitest';
import { formatAge, formatDuration, formatRelative, shortId } from './format';

describe('formatDuration', () => {
  it.each([
    [null, '—'],
    [0.3, '<1 ms'],
    [850, '850 ms'],
    [1234, '1.2 s'],
    [42_000, '42 s'],
    [200_000, '3 m 20 s'],
    [7_500_000, '2 h 5 m'],
    [3 * 86_400_000 + 4 * 3_600_000, '3 d 4 h'],
  ])('%s ms reads %s', (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });
});

describe('relative times', () => {
  it('says how long ago, or how long until', () => {
    const now = Date.parse('2025-01-01T00:01:00Z');
    expect(formatRelative(new Date('2025-01-01T00:00:58Z'), now)).toBe('2 s ago');
    expect(formatRelative(new Date('2025-01-01T01:01:00Z'), now)).toBe('in 1 h');
    expect(formatAge(125)).toBe('2 m');
  });
});

describe('shortId', () => {
  it('keeps the random tail of ids made in the same millisecond apart', () => {
    const first = '019acd2e-5c31-7a01-8f3e-51c2d0e4a7b9';
    const second = '019acd2e-5c31-7bd4-9a10-0c6f3e2b8d14';
    expect(shortId(first)).toBe('d0e4a7b9');
    expect(shortId(first)).not.toBe(shortId(second));
  });
});
