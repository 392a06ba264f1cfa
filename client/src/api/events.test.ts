import { describe, expect, it, vi } from 'vitest';
import { fakeEventSources, wireEvent } from '../test/fakeEventSource';
import { eventsUrl, openEventStream, parseReset, parseTaskEvent } from './events';

function handlers() {
  return { onOpen: vi.fn(), onEvent: vi.fn(), onReset: vi.fn(), onError: vi.fn() };
}

describe('parseTaskEvent', () => {
  it('turns the wire event into the app type, with the SSE id and a Date', () => {
    const data = JSON.stringify(
      wireEvent({ type: 'succeeded', status: 'success', attempt: 1, priority: 50, at: '2026-12-06T12:00:00.123Z' }),
    );
    expect(parseTaskEvent(data, '1765022400123-0.2.default')).toEqual({
      id: '1765022400123-0.2.default',
      type: 'succeeded',
      taskId: '3f2b8c1e-0000-4000-8000-0000000000e1',
      taskName: 'add_numbers',
      queueName: 'default',
      status: 'success',
      attempt: 1,
      priority: 50,
      at: new Date('2026-12-06T12:00:00.123Z'),
    });
  });

  it('skips types it does not know, so a newer server does not break the dashboard', () => {
    expect(parseTaskEvent(JSON.stringify(wireEvent({ type: 'schedule_ticked' })), '1-0')).toBeNull();
  });

  it('skips malformed messages', () => {
    expect(parseTaskEvent('not json', '1-0')).toBeNull();
    expect(parseTaskEvent('[1, 2]', '1-0')).toBeNull();
    expect(parseTaskEvent(JSON.stringify({ ...wireEvent(), task_id: 7 }), '1-0')).toBeNull();
    expect(parseTaskEvent(JSON.stringify({ ...wireEvent(), at: 'yesterday' }), '1-0')).toBeNull();
  });
});

describe('parseReset', () => {
  it('reads the reason and message, with defaults for a bare reset', () => {
    expect(parseReset('{"reason": "too_old", "message": "refetch"}')).toEqual({ reason: 'too_old', message: 'refetch' });
    expect(parseReset('')).toEqual({ reason: 'unknown', message: 'The event stream was reset: refetch.' });
  });
});

describe('eventsUrl', () => {
  it("puts the filters in the API's parameter names", () => {
    expect(eventsUrl()).toBe('/api/events/');
    expect(eventsUrl({ queueName: 'emails', taskName: 'send', status: 'failed' })).toBe(
      '/api/events/?queue=emails&task_name=send&status=failed',
    );
  });
});

describe('openEventStream', () => {
  it('reports the first open as new and a browser reconnection as resumed', () => {
    const sources = fakeEventSources();
    const h = handlers();
    openEventStream(sources.factory, h);
    sources.latest.open();
    sources.latest.drop();
    sources.latest.open();
    expect(h.onOpen.mock.calls).toEqual([[false], [true]]);
    expect(h.onError).toHaveBeenCalledWith(false);
  });

  it('passes on parsed task events and resets, and ignores malformed ones', () => {
    const sources = fakeEventSources();
    const h = handlers();
    openEventStream(sources.factory, h);
    sources.latest.task(wireEvent(), '5-0');
    sources.latest.message('task', '{oops');
    sources.latest.message('reset', '{"reason": "too_old", "message": "gone"}');
    expect(h.onEvent).toHaveBeenCalledTimes(1);
    expect(h.onEvent.mock.calls[0][0]).toMatchObject({ id: '5-0', type: 'enqueued' });
    expect(h.onReset).toHaveBeenCalledWith({ reason: 'too_old', message: 'gone' });
  });

  it('says the error is fatal when the browser will not reconnect (a non-200 answer)', () => {
    const sources = fakeEventSources();
    const h = handlers();
    const close = openEventStream(sources.factory, h);
    sources.latest.fail();
    expect(h.onError).toHaveBeenCalledWith(true);
    close();
    expect(sources.latest.closed).toBe(true);
  });
});
