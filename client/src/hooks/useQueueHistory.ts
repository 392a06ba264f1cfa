import { useSyncExternalStore } from 'react';
import { getQueueHistory, subscribeQueueHistory, type QueueHistory } from '../lib/queueHistory';

/** The recent waiting counts of every queue, one sample per stats poll. */
export function useQueueHistory(): QueueHistory {
  return useSyncExternalStore(subscribeQueueHistory, getQueueHistory, getQueueHistory);
}
