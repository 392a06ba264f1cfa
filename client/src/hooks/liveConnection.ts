/** Keeps one event stream open: reports its state, and opens a new one with backoff when the browser gives up. */
import { openEventStream, type EventSourceFactory } from '../api/events';
import type { StreamReset, TaskEvent } from '../api/types';

/** `live`: events arrive; `connecting`: opening; `down`: failed, polling meanwhile; `off`: paused, hidden or unsupported. */
export type LiveState = 'off' | 'connecting' | 'live' | 'down';

export interface LiveConnectionOptions {
  createEventSource: EventSourceFactory;
  onState: (state: LiveState) => void;
  onEvent: (event: TaskEvent) => void;
  /** What is shown may have missed events: refetch it (a new stream's start, or a `reset`). */
  onCatchUp: (reason: 'opened' | StreamReset) => void;
  retryMinMs?: number;
  retryMaxMs?: number;
  /** In [0, 1): spreads the retries of many tabs after a server restart. */
  random?: () => number;
}

/** The delay before the nth retry (n from 0): doubling from min to max, ±25 % jitter. */
export function retryDelayMs(attempt: number, { minMs, maxMs, random }: { minMs: number; maxMs: number; random: number }): number {
  const base = Math.min(maxMs, minMs * 2 ** Math.min(attempt, 16));
  return Math.round(base * (0.75 + random * 0.5));
}

export class LiveConnection {
  private readonly options: Required<LiveConnectionOptions>;
  private close: (() => void) | undefined;
  private retryTimer: ReturnType<typeof setTimeout> | undefined;
  private failures = 0;
  private state: LiveState = 'off';

  constructor(options: LiveConnectionOptions) {
    this.options = {
      ...options,
      retryMinMs: options.retryMinMs ?? 1000,
      retryMaxMs: options.retryMaxMs ?? 15_000,
      random: options.random ?? Math.random,
    };
  }

  start(): void {
    if (this.close || this.retryTimer !== undefined) return;
    this.open();
  }

  stop(): void {
    this.shut();
    this.failures = 0;
    this.setState('off');
  }

  private open(): void {
    this.retryTimer = undefined;
    this.setState('connecting');
    this.close = openEventStream(this.options.createEventSource, {
      onOpen: (resumed) => {
        this.failures = 0;
        this.setState('live');
        // A new stream starts now: what happened since the page's data was fetched is not in it.
        // A resumed one sent Last-Event-ID, and the server replays the gap (or says `reset`).
        if (!resumed) this.options.onCatchUp('opened');
      },
      onEvent: this.options.onEvent,
      onReset: (reset) => this.options.onCatchUp(reset),
      onError: (fatal) => {
        this.setState('down');
        if (fatal) this.retryLater();
      },
    });
  }

  private retryLater(): void {
    this.shut();
    const { retryMinMs: minMs, retryMaxMs: maxMs, random } = this.options;
    const delay = retryDelayMs(this.failures, { minMs, maxMs, random: random() });
    this.failures += 1;
    this.retryTimer = setTimeout(() => this.open(), delay);
  }

  private shut(): void {
    this.close?.();
    this.close = undefined;
    if (this.retryTimer !== undefined) clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
  }

  private setState(state: LiveState): void {
    if (state === this.state) return;
    this.state = state;
    this.options.onState(state);
  }
}
