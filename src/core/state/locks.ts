import { createHash } from 'node:crypto';
import { hostname } from 'node:os';
import { LxcriError } from '../errors.js';
import type { HostFs } from '../nodes/host-fs.js';
import { SELF, processAlive } from './process.js';

export interface LockInfo {
  /** The dataset the lock guards: every operation locks the datasets it touches, whatever id named them. */
  dataset: string;
  /** The container id the operation was asked for (what messages name). */
  container: string;
  operation: string;
  pid: number;
  /** The process's start time, so a reused pid is not taken for the owner. */
  pidStart?: string;
  host: string;
  /** ms since the epoch */
  since: number;
}

export interface HeldLock {
  info: LockInfo;
  /** A dead process's lock that was taken over, if any. */
  tookOverStale?: LockInfo;
  release(): Promise<void>;
}

export class ContainerLockedError extends LxcriError {
  constructor(readonly holder: LockInfo) {
    super(
      'locked',
      `container ${holder.container} is locked by ${holder.operation} (pid ${holder.pid}${holder.host !== hostname() ? ` on ${holder.host}` : ''}, since ${new Date(holder.since).toISOString()})`,
      'wait for that operation to finish; a lock whose process has died is taken over automatically',
    );
    this.name = 'ContainerLockedError';
  }
}

/** Lock files are named by the dataset, '/' escaped: `tank%2Fcontainers%2F101.lock`. */
function lockPath(dir: string, dataset: string): string {
  return `${dir}/locks/${encodeURIComponent(dataset)}.lock`;
}

/** A lock file that is not a lock (empty or torn: only an older version could leave one), known by its content. */
class Garbage {
  constructor(readonly key: string) {}
}

async function readInfo(fs: HostFs, path: string): Promise<LockInfo | 'missing' | Garbage> {
  const text = await fs.readFile(path);
  if (text === undefined) return 'missing';
  const garbage = new Garbage(createHash('sha256').update(text).digest('hex').slice(0, 16));
  try {
    const info = JSON.parse(text) as LockInfo;
    return typeof info.pid === 'number' && typeof info.host === 'string' ? info : garbage;
  } catch {
    return garbage;
  }
}

const isLock = (read: LockInfo | 'missing' | Garbage): read is LockInfo => read !== 'missing' && !(read instanceof Garbage);

/** Whether the holder may still run: a pid can only be checked on this machine; another host's holder counts as alive. */
function alive(info: LockInfo): boolean {
  return info.host !== hostname() || processAlive(info.pid, info.pidStart);
}

/**
 * Identifies one holder (or one garbage file) so a takeover claim names exactly what it replaces. Garbage is known by
 * its content: a file replaced by the same garbage is the same obstacle, and a real lock never matches it.
 */
function holderKey(holder: LockInfo | Garbage): string {
  return holder instanceof Garbage ? `garbage-${holder.key}` : `${holder.pid}-${holder.since}`;
}

/**
 * Takes `path` for `info`. A live holder fails at once. A dead holder's file (or an unreadable one, which only an
 * older version could leave) is taken over by exactly one process: the takeover is claimed by creating
 * `<path>.takeover-<holder>` exclusively, and only the claimant removes the stale file and puts its own in place;
 * the others see the claim or the new lock and report the winner. A claimant that died is itself taken over the
 * same way.
 */
async function take(fs: HostFs, path: string, info: LockInfo, depth = 0): Promise<{ tookOverStale?: LockInfo }> {
  const content = JSON.stringify(info);
  let tookOverStale: LockInfo | undefined;
  for (let attempt = 0; attempt < 40; attempt++) {
    // Complete from its first moment (HostFs.createExclusive): a kill at any point leaves no file or a whole one.
    if (await fs.createExclusive(path, content)) return tookOverStale ? { tookOverStale } : {};
    const holder = await readInfo(fs, path);
    if (holder === 'missing') continue;
    if (isLock(holder) && alive(holder)) throw new ContainerLockedError(holder);
    if (depth >= 4) break;
    const key = holderKey(holder);
    const claim = `${path}.takeover-${key}`;
    try {
      await take(fs, claim, info, depth + 1);
    } catch (error) {
      // Another process is taking this stale lock over right now: its lock appears in a moment.
      if (!(error instanceof ContainerLockedError)) throw error;
      await new Promise((r) => setTimeout(r, 25));
      continue;
    }
    try {
      // Holding the claim, nobody else can replace the stale file: check it is still the one we judged, then swap.
      const again = await readInfo(fs, path);
      if (again !== 'missing' && holderKey(again) === key) {
        await fs.remove(path).catch(() => undefined);
        if (isLock(holder)) tookOverStale = holder;
      }
    } finally {
      await fs.remove(claim).catch(() => undefined);
    }
  }
  const holder = await readInfo(fs, path);
  if (isLock(holder)) throw new ContainerLockedError(holder);
  throw new LxcriError(
    'locked',
    `could not lock ${info.dataset} for container ${info.container}`,
    `remove ${path}${fs.where === 'local' ? '' : ` on ${fs.where}`} if no lxcri-console operation is running`,
  );
}

/**
 * One lock per dataset under `<state_dir>/locks/`, so two ids naming one dataset (a Proxmox id and an LXCRI entry)
 * exclude each other. Several datasets are taken in sorted order (no deadlock between two operations) and all or
 * none: a lock that cannot be had releases the ones already taken.
 */
export async function acquireLocks(
  fs: HostFs,
  stateDir: string,
  datasets: readonly string[],
  owner: { container: string; operation: string },
): Promise<HeldLock[]> {
  // No mkdir first: createExclusive makes the locks directory with the lock (one round trip less on another node).
  const held: HeldLock[] = [];
  try {
    for (const dataset of [...new Set(datasets)].sort()) {
      const path = lockPath(stateDir, dataset);
      const info: LockInfo = { dataset, ...owner, pid: SELF.pid, ...(SELF.pidStart ? { pidStart: SELF.pidStart } : {}), host: hostname(), since: Date.now() };
      const { tookOverStale } = await take(fs, path, info);
      held.push({
        info,
        ...(tookOverStale ? { tookOverStale } : {}),
        release: async () => {
          // Only while it is still this lock (its content exactly): on another node, checked and removed in one go.
          if (fs.removeIfContent) return fs.removeIfContent(path, JSON.stringify(info)).catch(() => undefined);
          const current = await readInfo(fs, path);
          if (isLock(current) && current.pid === info.pid && current.since === info.since) await fs.remove(path).catch(() => undefined);
        },
      });
    }
    return held;
  } catch (error) {
    for (const lock of held) await lock.release();
    throw error;
  }
}

/** The holder of a dataset's lock, if a live one holds it. */
export async function liveHolder(fs: HostFs, stateDir: string, dataset: string): Promise<LockInfo | undefined> {
  const info = await readInfo(fs, lockPath(stateDir, dataset));
  return isLock(info) && alive(info) ? info : undefined;
}

/** Every lock currently on disk, with whether its process is alive. */
export async function listLocks(fs: HostFs, stateDir: string): Promise<Array<LockInfo & { alive: boolean }>> {
  const names = await fs.readDir(`${stateDir}/locks`);
  const out: Array<LockInfo & { alive: boolean }> = [];
  for (const n of names.filter((x) => x.endsWith('.lock'))) {
    const info = await readInfo(fs, `${stateDir}/locks/${n}`);
    if (isLock(info)) out.push({ ...info, alive: alive(info) });
  }
  return out;
}
