import { link, mkdir, readdir, readFile, stat, unlink, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { LxcriError } from '../errors.js';
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

async function readInfo(path: string): Promise<LockInfo | 'missing' | 'garbage'> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    return 'missing';
  }
  try {
    const info = JSON.parse(text) as LockInfo;
    return typeof info.pid === 'number' && typeof info.host === 'string' ? info : 'garbage';
  } catch {
    return 'garbage';
  }
}

function alive(info: LockInfo): boolean {
  return info.host !== hostname() || processAlive(info.pid, info.pidStart);
}

/**
 * Creates `path` holding `content`, complete from its first moment (written aside, then hard-linked into place,
 * which fails if the name exists): a kill at any point leaves either no file or a whole one.
 */
async function createComplete(path: string, content: string): Promise<boolean> {
  const tmp = `${path}.new-${SELF.pid}-${Math.random().toString(36).slice(2)}`;
  await writeFile(tmp, content);
  try {
    await link(tmp, path);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  } finally {
    await unlink(tmp).catch(() => undefined);
  }
}

/** Identifies one holder (or one garbage file) so a takeover claim names exactly what it replaces. */
async function holderKey(path: string, holder: LockInfo | 'garbage'): Promise<string> {
  if (holder !== 'garbage') return `${holder.pid}-${holder.since}`;
  const s = await stat(path).catch(() => undefined);
  return `garbage-${s?.ino ?? 0}-${s?.mtimeMs ?? 0}`;
}

/**
 * Takes `path` for `info`. A live holder fails at once. A dead holder's file (or an unreadable one, which only an
 * older version could leave) is taken over by exactly one process: the takeover is claimed by creating
 * `<path>.takeover-<holder>` exclusively, and only the claimant removes the stale file and puts its own in place;
 * the others see the claim or the new lock and report the winner. A claimant that died is itself taken over the
 * same way.
 */
async function take(path: string, info: LockInfo, depth = 0): Promise<{ tookOverStale?: LockInfo }> {
  const content = JSON.stringify(info);
  let tookOverStale: LockInfo | undefined;
  for (let attempt = 0; attempt < 40; attempt++) {
    if (await createComplete(path, content)) return tookOverStale ? { tookOverStale } : {};
    const holder = await readInfo(path);
    if (holder === 'missing') continue;
    if (holder !== 'garbage' && alive(holder)) throw new ContainerLockedError(holder);
    if (depth >= 4) break;
    const claim = `${path}.takeover-${await holderKey(path, holder)}`;
    try {
      await take(claim, info, depth + 1);
    } catch (error) {
      // Another process is taking this stale lock over right now: its lock appears in a moment.
      if (!(error instanceof ContainerLockedError)) throw error;
      await new Promise((r) => setTimeout(r, 25));
      continue;
    }
    try {
      // Holding the claim, nobody else can replace the stale file: check it is still the one we judged, then swap.
      const again = await readInfo(path);
      const same = again !== 'missing' && (await holderKey(path, again)) === claim.slice(claim.lastIndexOf('.takeover-') + 10);
      if (same) {
        await unlink(path).catch(() => undefined);
        if (holder !== 'garbage') tookOverStale = holder;
      }
    } finally {
      await unlink(claim).catch(() => undefined);
    }
  }
  const holder = await readInfo(path);
  if (holder !== 'missing' && holder !== 'garbage') throw new ContainerLockedError(holder);
  throw new LxcriError('locked', `could not lock ${info.dataset} for container ${info.container}`, `remove ${path} if no lxcri-console operation is running`);
}

/**
 * One lock per dataset under `<state_dir>/locks/`, so two ids naming one dataset (a Proxmox id and an LXCRI entry)
 * exclude each other. Several datasets are taken in sorted order (no deadlock between two operations) and all or
 * none: a lock that cannot be had releases the ones already taken.
 */
export async function acquireLocks(stateDir: string, datasets: readonly string[], owner: { container: string; operation: string }): Promise<HeldLock[]> {
  await mkdir(`${stateDir}/locks`, { recursive: true });
  const held: HeldLock[] = [];
  try {
    for (const dataset of [...new Set(datasets)].sort()) {
      const path = lockPath(stateDir, dataset);
      const info: LockInfo = { dataset, ...owner, pid: SELF.pid, ...(SELF.pidStart ? { pidStart: SELF.pidStart } : {}), host: hostname(), since: Date.now() };
      const { tookOverStale } = await take(path, info);
      held.push({
        info,
        ...(tookOverStale ? { tookOverStale } : {}),
        release: async () => {
          const current = await readInfo(path);
          if (current !== 'missing' && current !== 'garbage' && current.pid === info.pid && current.since === info.since)
            await unlink(path).catch(() => undefined);
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
export async function liveHolder(stateDir: string, dataset: string): Promise<LockInfo | undefined> {
  const info = await readInfo(lockPath(stateDir, dataset));
  return info !== 'missing' && info !== 'garbage' && alive(info) ? info : undefined;
}

/** Every lock currently on disk, with whether its process is alive. */
export async function listLocks(stateDir: string): Promise<Array<LockInfo & { alive: boolean }>> {
  const names = await readdir(`${stateDir}/locks`).catch(() => [] as string[]);
  const out: Array<LockInfo & { alive: boolean }> = [];
  for (const n of names.filter((x) => x.endsWith('.lock'))) {
    const info = await readInfo(`${stateDir}/locks/${n}`);
    if (info !== 'missing' && info !== 'garbage') out.push({ ...info, alive: alive(info) });
  }
  return out;
}
