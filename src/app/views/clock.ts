import { useSyncExternalStore } from 'react';

/**
 * One clock for every age the console shows, ticking once a minute (on the minute): ages are shown to the minute,
 * so between ticks a refresh re-renders them identically and the terminal gets no bytes.
 */
const listeners = new Set<() => void>();
let minute = startOfMinute();
let timer: NodeJS.Timeout | undefined;

function startOfMinute(): number {
  return Math.floor(Date.now() / 60_000) * 60;
}

function schedule(): void {
  timer = setTimeout(
    () => {
      minute = startOfMinute();
      for (const l of listeners) l();
      schedule();
    },
    60_000 - (Date.now() % 60_000) + 5,
  );
  timer.unref();
}

function subscribe(listener: () => void): () => void {
  if (listeners.size === 0) {
    minute = startOfMinute();
    schedule();
  }
  listeners.add(listener);
  return () => {
    listeners.delete(listener);
    if (listeners.size === 0) clearTimeout(timer);
  };
}

/** Unix seconds at the start of the current minute; re-renders its user once a minute. */
export function useMinuteClock(): number {
  return useSyncExternalStore(subscribe, () => minute);
}
