import { useMemo, useState, type ReactNode } from 'react';
import { API_POLL_INTERVAL } from '../../constants';
import { PollingContext } from './pollingContext';
import { useDocumentVisible } from './useDocumentVisible';
import { readStored, writeStored } from './storage';

/** Holds the poll interval and the paused flag (remembered in localStorage) for the whole app. */
export function PollingProvider({ children }: { children: ReactNode }) {
  const [intervalMs, setIntervalState] = useState(() => {
    const stored = Number(readStored('pollIntervalMs'));
    return Number.isFinite(stored) && stored >= 500 ? stored : API_POLL_INTERVAL;
  });
  const [paused, setPausedState] = useState(() => readStored('pollPaused') === 'true');
  const visible = useDocumentVisible();
  const value = useMemo(
    () => ({
      intervalMs,
      paused,
      visible,
      setIntervalMs: (ms: number) => {
        writeStored('pollIntervalMs', String(ms));
        setIntervalState(ms);
      },
      setPaused: (next: boolean) => {
        writeStored('pollPaused', String(next));
        setPausedState(next);
      },
    }),
    [intervalMs, paused, visible],
  );
  return <PollingContext.Provider value={value}>{children}</PollingContext.Provider>;
}
