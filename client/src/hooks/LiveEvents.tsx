import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useState, type ReactNode } from 'react';
import { browserEventSourceFactory, type EventSourceFactory } from '../api/events';
import { LiveCache, type LiveCacheOptions } from './liveCache';
import { LiveConnection, type LiveConnectionOptions } from './liveConnection';
import { LiveContext, type LiveState } from './liveContext';
import { usePolling } from './usePolling';

interface LiveEventsProviderProps {
  children: ReactNode;
  /** Makes the EventSource; null where there is none (then the app polls). Tests hand in a fake. */
  createEventSource?: EventSourceFactory | null;
  cacheOptions?: LiveCacheOptions;
  retry?: Pick<LiveConnectionOptions, 'retryMinMs' | 'retryMaxMs' | 'random'>;
}

const defaultFactory = browserEventSourceFactory();

/**
 * One event stream per tab while the app is shown and not paused; its events keep the query
 * cache up to date (liveCache.ts), and while it is up the live queries stop polling.
 */
export function LiveEventsProvider({ children, createEventSource = defaultFactory, cacheOptions, retry }: LiveEventsProviderProps) {
  const queryClient = useQueryClient();
  const { paused, visible } = usePolling();
  const [connectionState, setConnectionState] = useState<LiveState>('off');
  const enabled = Boolean(createEventSource) && !paused && visible;
  const { refetchEveryMs, detailWaitMs } = cacheOptions ?? {};
  const { retryMinMs, retryMaxMs, random } = retry ?? {};

  useEffect(() => {
    if (!enabled || !createEventSource) return undefined;
    const cache = new LiveCache(queryClient, { refetchEveryMs, detailWaitMs });
    const connection = new LiveConnection({
      createEventSource,
      onState: setConnectionState,
      onEvent: (event) => cache.apply(event),
      onCatchUp: () => cache.refetchAll(),
      retryMinMs,
      retryMaxMs,
      random,
    });
    connection.start();
    return () => {
      connection.stop();
      cache.dispose();
    };
  }, [enabled, createEventSource, queryClient, refetchEveryMs, detailWaitMs, retryMinMs, retryMaxMs, random]);

  const state: LiveState = !createEventSource ? 'down' : enabled ? connectionState : 'off';
  return <LiveContext.Provider value={state}>{children}</LiveContext.Provider>;
}
