/** The state of the live-updates stream, shared by the header's indicator and every live query. */
import { createContext } from 'react';
import type { LiveState } from './liveConnection';

export type { LiveState };

export const LiveContext = createContext<LiveState>('off');
