/** Timers that collapse bursts of calls: a throttle for refetches on events, a debounce for one task's refetch. */

export interface Limited {
  call: () => void;
  cancel: () => void;
}

/**
 * Runs `run` at once, then at most once per `intervalMs`: the calls made meanwhile collapse into
 * one run when the interval ends (so the last call is never lost, and nothing runs without a call).
 */
export function throttle(run: () => void, intervalMs: number): Limited {
  let lastRunAt = -Infinity;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const fire = () => {
    timer = undefined;
    lastRunAt = Date.now();
    run();
  };
  return {
    call: () => {
      if (timer !== undefined) return;
      const wait = lastRunAt + intervalMs - Date.now();
      if (wait <= 0) fire();
      else timer = setTimeout(fire, wait);
    },
    cancel: () => {
      if (timer !== undefined) clearTimeout(timer);
      timer = undefined;
    },
  };
}

/** Runs `run` once calls have stopped for `waitMs`, and at the latest `maxWaitMs` after the first of a burst. */
export function debounce(run: () => void, waitMs: number, maxWaitMs: number): Limited {
  let timer: ReturnType<typeof setTimeout> | undefined;
  let firstCallAt: number | undefined;
  const fire = () => {
    timer = undefined;
    firstCallAt = undefined;
    run();
  };
  return {
    call: () => {
      const now = Date.now();
      firstCallAt ??= now;
      if (timer !== undefined) clearTimeout(timer);
      timer = setTimeout(fire, Math.max(0, Math.min(waitMs, firstCallAt + maxWaitMs - now)));
    },
    cancel: () => {
      if (timer !== undefined) clearTimeout(timer);
      timer = undefined;
      firstCallAt = undefined;
    },
  };
}
