import { useContext } from 'react';
import { LiveContext, type LiveState } from './liveContext';
import { PollingContext, type PollingSettings } from './pollingContext';

export function usePolling(): PollingSettings {
  return useContext(PollingContext);
}

export function useLiveState(): LiveState {
  return useContext(LiveContext);
}

/** The user's polling: its interval, or false while paused or while the page is hidden. */
export function usePollInterval(): number | false {
  const { intervalMs, paused, visible } = usePolling();
  return paused || !visible ? false : intervalMs;
}

/** The refetchInterval for a query that events keep up to date: false also while the stream is live. */
export function useRefetchInterval(): number | false {
  const interval = usePollInterval();
  return useLiveState() === 'live' ? false : interval;
}

/** The polling options of such a query: no interval and no refetch on focus while the stream is live. */
export function useLiveQueryOptions(): { refetchInterval: number | false; refetchOnWindowFocus: boolean } {
  const refetchInterval = useRefetchInterval();
  return { refetchInterval, refetchOnWindowFocus: useLiveState() !== 'live' };
}
