import { mkdir, open, readFile, unlink } from 'node:fs/promises';
import { hostname } from 'node:os';
import { LxcriError } from '../errors.js';
import { processAlive } from './atomic-file.js';

export interface LockInfo {
  container: string;
  operation: string;
  pid: number;
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

function lockPath(dir: string, container: string): string {
  return `${dir}/locks/${container}.lock`;
}

async function readLock(path: string): Promise<LockInfo | undefined> {
  try {
    return JSON.parse(await readFile(path, 'utf8')) as LockInfo;
  } catch {
    return undefined;
  }
}

/**
 * One lock per container under `<state_dir>/locks/`, created with O_EXCL so two processes can never both hold it.
 * A second operation fails at once; a lock whose pid is dead (on this host) is reported and taken over.
 */
export async function acquireLock(stateDir: string, container: string, operation: string): Promise<HeldLock> {
  const path = lockPath(stateDir, container);
  await mkdir(`${stateDir}/locks`, { recursive: true });
  const info: LockInfo = { container, operation, pid: process.pid, host: hostname(), since: Date.now() };
  let tookOverStale: LockInfo | undefined;
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const fh = await open(path, 'wx');
      await fh.writeFile(JSON.stringify(info));
      await fh.close();
      return {
        info,
        ...(tookOverStale ? { tookOverStale } : {}),
        release: async () => {
          const current = await readLock(path);
          if (current?.pid === info.pid && current.since === info.since) await unlink(path).catch(() => undefined);
        },
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const holder = await readLock(path);
    if (!holder) {
      // Being written right now, or garbage: a garbage lock older than a few seconds is stale.
      await new Promise((r) => setTimeout(r, 50));
      continue;
    }
    const stale = holder.host === hostname() && !processAlive(holder.pid);
    if (!stale) throw new ContainerLockedError(holder);
    const again = await readLock(path);
    if (again?.pid === holder.pid && again.since === holder.since) await unlink(path).catch(() => undefined);
    tookOverStale = holder;
  }
  const holder = await readLock(path);
  throw holder ? new ContainerLockedError(holder) : new LxcriError('locked', `could not lock container ${container}`, `remove ${path} if no operation is running`);
}

/** Every lock currently on disk, with whether its process is alive. */
export async function listLocks(stateDir: string): Promise<Array<LockInfo & { alive: boolean }>> {
  const { readdir } = await import('node:fs/promises');
  const names = await readdir(`${stateDir}/locks`).catch(() => [] as string[]);
  const out: Array<LockInfo & { alive: boolean }> = [];
  for (const n of names.filter((x) => x.endsWith('.lock'))) {
    const info = await readLock(`${stateDir}/locks/${n}`);
    if (info) out.push({ ...info, alive: info.host !== hostname() || processAlive(info.pid) });
  }
  return out;
}
