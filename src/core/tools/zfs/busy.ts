import { AsyncLocalStorage } from 'node:async_hooks';
import { LxcriError } from '../../errors.js';

/**
 * How long a zfs command refused with "dataset is busy" is tried again: exponential from `firstDelayMs`, each pause at
 * most `maxDelayMs`, and no more than `totalMs` of pauses in all (about 12 s, nine attempts) before it gives up.
 *
 * zfs-fuse releases a filesystem in its daemon some time after the kernel unmounted it (its FUSE listener notices the
 * closed connection, runs sync() and only then disowns the dataset), so a change right after an unmount can be
 * refused although nothing uses the mountpoint any more; OpenZFS reports short-lived EBUSY too (Proxmox retries).
 */
export const BUSY_BACKOFF = { firstDelayMs: 100, factor: 2, maxDelayMs: 3_000, totalMs: 12_000 } as const;

export type BusyBackoff = { readonly firstDelayMs: number; readonly factor: number; readonly maxDelayMs: number; readonly totalMs: number };

/** The pauses between attempts: 100, 200, 400, 800, 1600, 3000, 3000, 2900 ms with the defaults. */
export function busyDelays(b: BusyBackoff = BUSY_BACKOFF): number[] {
  const delays: number[] = [];
  let total = 0;
  for (let d = b.firstDelayMs; total < b.totalMs; d = Math.min(d * b.factor, b.maxDelayMs)) {
    const delay = Math.min(d, b.totalMs - total);
    delays.push(delay);
    total += delay;
  }
  return delays;
}

/** One pause before trying a refused command again. */
export interface BusyWait {
  /** The dataset zfs called busy (for a rename: its source). */
  dataset: string;
  /** The attempt that runs after this pause (the first refused one was attempt 1). */
  attempt: number;
  /** Pauses so far, this one included. */
  waitedMs: number;
  delayMs: number;
}

export function busyWaitLine(w: BusyWait): string {
  return `waiting for ${w.dataset} to become free (attempt ${w.attempt}, ${(w.waitedMs / 1000).toFixed(1)} s)`;
}

/** What the busy listener hears: a pause, the dependents a rename unmounts to get through, one it could not mount again. */
export type BusyEvent =
  ({ kind: 'wait' } & BusyWait) | { kind: 'freeing'; dataset: string; dependents: string[] } | { kind: 'not-remounted'; dataset: string; error: Error };

/** `line` is ready for an operation's step line; `event` has the details. */
export type BusyListener = (line: string, event: BusyEvent) => void;

const listeners = new AsyncLocalStorage<BusyListener>();

/**
 * Runs `task` with `listener` told of every busy wait of the zfs commands it runs (and only those: concurrent
 * operations each see their own). An operation passes its step reporter, e.g. `(line) => step(line)`.
 */
export function reportBusyWaits<T>(listener: BusyListener, task: () => Promise<T>): Promise<T> {
  return listeners.run(listener, task);
}

export function currentBusyListener(): BusyListener | undefined {
  return listeners.getStore();
}

/** A dataset zfs kept calling busy through the whole backoff. */
export class DatasetBusyError extends LxcriError {
  constructor(
    readonly dataset: string,
    readonly attempts: number,
    readonly waitedMs: number,
    readonly zfsMessage: string,
    holders: string,
  ) {
    super(
      'busy',
      `Dataset busy: ${dataset} stayed busy for ${(waitedMs / 1000).toFixed(1)} s (${attempts} attempts): ${zfsMessage}`,
      `something still holds it: ${holders}; find processes with \`fuser -vm <mountpoint>\` and look for the mountpoint in ` +
        "/proc/*/mountinfo (a container's mount namespace), stop them, and retry",
    );
    this.name = 'DatasetBusyError';
  }
}
