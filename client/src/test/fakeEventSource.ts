/** A scripted stand-in for the browser's EventSource: tests open, feed, break and inspect it. */
import type { EventSourceFactory, EventSourceLike } from '../api/events';
import type { WireTaskEvent } from '../api/wire';

export class FakeEventSource implements EventSourceLike {
  static readonly CONNECTING = 0;
  static readonly OPEN = 1;
  static readonly CLOSED = 2;

  readonly url: string;
  readyState = FakeEventSource.CONNECTING;
  private readonly listeners = new Map<string, ((event: Event) => void)[]>();

  constructor(url: string) {
    this.url = url;
  }

  addEventListener(type: string, listener: (event: Event) => void): void {
    this.listeners.set(type, [...(this.listeners.get(type) ?? []), listener]);
  }

  close(): void {
    this.readyState = FakeEventSource.CLOSED;
  }

  get closed(): boolean {
    return this.readyState === FakeEventSource.CLOSED;
  }

  private dispatch(type: string, event: Event): void {
    // A closed EventSource delivers nothing, as the browser's does.
    if (this.closed && type !== 'error') return;
    for (const listener of this.listeners.get(type) ?? []) listener(event);
  }

  /** The server answered 200 text/event-stream. */
  open(): void {
    this.readyState = FakeEventSource.OPEN;
    this.dispatch('open', new Event('open'));
  }

  /** A message of the given SSE event name. */
  message(type: string, data: string, lastEventId = ''): void {
    this.dispatch(type, new MessageEvent(type, { data, lastEventId }));
  }

  /** A `task` message with this wire event. */
  task(event: WireTaskEvent, id = `${Date.now()}-0`): void {
    this.message('task', JSON.stringify(event), id);
  }

  /** The connection dropped; the browser would reconnect by itself. */
  drop(): void {
    this.readyState = FakeEventSource.CONNECTING;
    this.dispatch('error', new Event('error'));
  }

  /** The server answered non-200 (or the wrong type): the browser gives up. */
  fail(): void {
    this.readyState = FakeEventSource.CLOSED;
    this.dispatch('error', new Event('error'));
  }
}

/** A factory that records every EventSource it makes; `latest` is the one a test usually drives. */
export function fakeEventSources() {
  const made: FakeEventSource[] = [];
  const factory: EventSourceFactory = (url) => {
    const source = new FakeEventSource(url);
    made.push(source);
    return source;
  };
  return {
    factory,
    made,
    get latest(): FakeEventSource {
      const source = made[made.length - 1];
      if (!source) throw new Error('no EventSource was opened');
      return source;
    },
    /** The sources not closed yet. */
    get open(): FakeEventSource[] {
      return made.filter((s) => !s.closed);
    },
  };
}

export function wireEvent(overrides: Partial<WireTaskEvent> = {}): WireTaskEvent {
  return {
    type: 'enqueued',
    task_id: '3f2b8c1e-0000-4000-8000-0000000000e1',
    task_name: 'add_numbers',
    queue_name: 'default',
    status: 'pending',
    attempt: 0,
    priority: 0,
    at: '2025-01-02T03:10:00.000Z',
    ...overrides,
  };
}
