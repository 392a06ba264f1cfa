import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { debounce, throttle } from './rateLimit';

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

describe('throttle', () => {
  it('runs at once, then collapses a burst into one run when the interval ends', () => {
    const run = vi.fn();
    const limited = throttle(run, 1000);
    limited.call();
    expect(run).toHaveBeenCalledTimes(1);
    for (let i = 0; i < 10; i += 1) limited.call();
    expect(run).toHaveBeenCalledTimes(1);
    vi.advanceTimersByTime(999);
    expect(run).toHaveBeenCalledTimes(1);
    vi.advanceTimersByTime(1);
    expect(run).toHaveBeenCalledTimes(2);
  });

  it('never runs without a call, and runs at once after a quiet interval', () => {
    const run = vi.fn();
    const limited = throttle(run, 1000);
    limited.call();
    vi.advanceTimersByTime(5000);
    expect(run).toHaveBeenCalledTimes(1);
    limited.call();
    expect(run).toHaveBeenCalledTimes(2);
  });

  it('forgets a pending run when cancelled', () => {
    const run = vi.fn();
    const limited = throttle(run, 1000);
    limited.call();
    limited.call();
    limited.cancel();
    vi.advanceTimersByTime(2000);
    expect(run).toHaveBeenCalledTimes(1);
  });
});

describe('debounce', () => {
  it('runs once the calls stop', () => {
    const run = vi.fn();
    const limited = debounce(run, 250, 1000);
    limited.call();
    vi.advanceTimersByTime(200);
    limited.call();
    vi.advanceTimersByTime(200);
    expect(run).not.toHaveBeenCalled();
    vi.advanceTimersByTime(50);
    expect(run).toHaveBeenCalledTimes(1);
  });

  it('runs at the latest maxWait after the first call of an endless burst', () => {
    const run = vi.fn();
    const limited = debounce(run, 250, 1000);
    for (let t = 0; t < 1000; t += 100) {
      limited.call();
      vi.advanceTimersByTime(100);
    }
    expect(run).toHaveBeenCalledTimes(1);
  });
});
