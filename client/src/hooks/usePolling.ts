import { useContext } from 'react';
import { PollingContext, type PollingSettings } from './pollingContext';

export function usePolling(): PollingSettings {
  return useContext(PollingContext);
}

/** The refetchInterval for a live query: false while paused or while the page is hidden. */
export function useRefetchInterval(): number | false {
  const { intervalMs, paused, visible } = usePolling();
  return paused || !visible ? false : intervalMs;
}
