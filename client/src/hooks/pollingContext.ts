/** The polling settings every live query shares. */
import { createContext } from 'react';
import { API_POLL_INTERVAL } from '../../constants';

export interface PollingSettings {
  intervalMs: number;
  paused: boolean;
  /** False while the page is hidden (document.hidden): nothing polls then. */
  visible: boolean;
  setIntervalMs: (ms: number) => void;
  setPaused: (paused: boolean) => void;
}

export const PollingContext = createContext<PollingSettings>({
  intervalMs: API_POLL_INTERVAL,
  paused: false,
  visible: true,
  setIntervalMs: () => undefined,
  setPaused: () => undefined,
});
