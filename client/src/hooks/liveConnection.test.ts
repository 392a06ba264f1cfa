import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeEventSources, wireEvent } from '../test/fakeEventSource';
import { LiveConnection, retryDelayMs, type LiveState } from './liveConnection';

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

function connect() {
  const sources = fakeEventSources();
  const states: LiveState[] = [];
  const onEvent = vi.fn();
  const onCatchUp = vi.fn();
  const connection = new LiveConnection({
    createEventSource: sources.factory,
    onState: (state) => states.push(state),
    onEvent,
    onCatchUp,
    retryMinMs: 1000,
    retryMaxMs: 8000,
    random: () => 0.5,
  });
  connection.start();
  return { sources, states, onEvent, onCatchUp, connection };
}

describe('retryDelayMs', () => {
  it('doubles from the minimum up to the maximum, within ±25 %', () => {
    const delays = [0, 1, 2, 3, 10].map((n) => retryDelayMs(n, { minMs: 1000, maxMs: 8000, random: 0.5 }));
    expect(delays).toEqual([1000, 2000, 4000, 8000, 8000]);
    expect(retryDelayMs(0, { minMs: 1000, maxMs: 8000, random: 0 })).toBe(750);
    expect(retryDelayMs(0, { minMs: 1000, maxMs: 8000, random: 0.999 })).toBeLessThanOrEqual(1250);
  });
});

describe('LiveConnection', () => {
  it('is live once the stream opens, and asks for a catch-up refetch of a new stream only', () => {
    const { sources, states, onCatchUp } = connect();
    expect(states).toEqual(['connecting']);
    sources.latest.open();
    expect(states).toEqual(['connecting', 'live']);
    expect(onCatchUp).toHaveBeenCalledWith('opened');
    sources.latest.drop(); // the browser reconnects with Last-Event-ID: the server replays the gap
    sources.latest.open();
    expect(states).toEqual(['connecting', 'live', 'down', 'live']);
    expect(onCatchUp).toHaveBeenCalledTimes(1);
    expect(sources.made).toHaveLength(1);
  });

  it('passes events on, and a reset as a catch-up', () => {
    const { sources, onEvent, onCatchUp } = connect();
    sources.latest.open();
    sources.latest.task(wireEvent());
    sources.latest.message('reset', '{"reason": "too_old", "message": "refetch"}');
    expect(onEvent).toHaveBeenCalledTimes(1);
    expect(onCatchUp).toHaveBeenLastCalledWith({ reason: 'too_old', message: 'refetch' });
  });

  it('opens a new stream with growing delays when the browser gives up, until one opens', () => {
    const { sources, states } = connect();
    sources.latest.fail();
    expect(states.at(-1)).toBe('down');
    expect(sources.latest.closed).toBe(true);
    vi.advanceTimersByTime(999);
    expect(sources.made).toHaveLength(1);
    vi.advanceTimersByTime(1);
    expect(sources.made).toHaveLength(2);
    sources.latest.fail();
    vi.advanceTimersByTime(1999);
    expect(sources.made).toHaveLength(2);
    vi.advanceTimersByTime(1);
    expect(sources.made).toHaveLength(3);
    sources.latest.open();
    expect(states.at(-1)).toBe('live');
    sources.latest.fail(); // the delays start again from the minimum after a success
    vi.advanceTimersByTime(1000);
    expect(sources.made).toHaveLength(4);
  });

  it('closes the stream and stops retrying when stopped', () => {
    const { sources, states, connection } = connect();
    sources.latest.fail();
    connection.stop();
    vi.advanceTimersByTime(60_000);
    expect(sources.made).toHaveLength(1);
    expect(states.at(-1)).toBe('off');
    connection.start();
    expect(sources.made).toHaveLength(2);
    connection.stop();
    expect(sources.latest.closed).toBe(true);
  });
});
