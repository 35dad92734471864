import { readFileSync } from 'node:fs';
import { lstat, readFile, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';

/**
 * `.inprogress`: written first into a directory of the store while it is being built, removed when the image is
 * published. It tells every reader (and other nodes on a shared NFS store) to keep out, and tells gc who the writer is.
 */
export const INPROGRESS = '.inprogress';

export interface InProgressMarker {
  pid: number;
  host: string;
  /** ISO time the writer started. */
  started: string;
  /** This boot of the writer's machine: two machines can share a host name; a reboot ends every writer. */
  boot_id?: string;
}

/** A marker that exists but cannot be read as one (a writer killed mid-write, or someone else's file). */
export type Marker = InProgressMarker | 'unreadable';

let cachedBootId: string | undefined | null = null;
export function bootId(): string | undefined {
  if (cachedBootId === null) {
    try {
      cachedBootId = readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim() || undefined;
    } catch {
      cachedBootId = undefined;
    }
  }
  return cachedBootId;
}

/** This process as the writer of a directory of the store. */
export function newMarker(now: number): InProgressMarker {
  const boot = bootId();
  return { pid: process.pid, host: hostname(), started: new Date(now).toISOString(), ...(boot ? { boot_id: boot } : {}) };
}

export async function writeMarker(dir: string, now: number): Promise<InProgressMarker> {
  const marker = newMarker(now);
  await writeFile(`${dir}/${INPROGRESS}`, `${JSON.stringify(marker)}\n`, { flag: 'wx' });
  return marker;
}

/** The directory's marker: undefined when it has none (so it is not in progress). */
export async function readMarker(dir: string): Promise<Marker | undefined> {
  const path = `${dir}/${INPROGRESS}`;
  const exists = await lstat(path).then(
    () => true,
    () => false,
  );
  if (!exists) return undefined;
  try {
    const m = JSON.parse(await readFile(path, 'utf8')) as Partial<InProgressMarker>;
    if (!Number.isSafeInteger(m.pid) || m.pid! <= 0 || typeof m.host !== 'string' || typeof m.started !== 'string' || Number.isNaN(Date.parse(m.started))) {
      return 'unreadable';
    }
    return { pid: m.pid!, host: m.host, started: m.started, ...(typeof m.boot_id === 'string' ? { boot_id: m.boot_id } : {}) };
  } catch {
    return 'unreadable';
  }
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Whether the marker's writer still runs: 'dead' only when that is certain (this machine, this boot, pid gone, or
 * this machine rebooted since); another machine's writer, or an unreadable marker, is 'unknown'.
 */
export function writerState(marker: Marker): 'dead' | 'alive' | 'unknown' {
  if (marker === 'unreadable' || marker.host !== hostname()) return 'unknown';
  const boot = bootId();
  if (marker.boot_id && boot && marker.boot_id !== boot) return 'unknown';
  return pidAlive(marker.pid) ? 'alive' : 'dead';
}

export function describeWriter(marker: Marker): string {
  return marker === 'unreadable' ? 'an unreadable .inprogress marker' : `pid ${marker.pid} on ${marker.host} since ${marker.started}`;
}
