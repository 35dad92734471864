import { lstatSync, statSync } from 'node:fs';
import { mkdir, open, stat, unlink } from 'node:fs/promises';
import { constants } from 'node:os';
import { dirname, join } from 'node:path';
import type { Config } from '../config.js';
import { LxcriError } from '../errors.js';

/** Which configured directory a path belongs to; names it in messages and picks the config key in hints. */
export type StateDirRole = 'state dir' | 'journal dir';

const CONFIG_KEY: Readonly<Record<StateDirRole, string>> = { 'state dir': 'state_dir', 'journal dir': 'journal_dir' };

/** Linux's EDQUOT (122); libuv has no name for it, so Node reports `code: "Unknown system error -122"`. */
const EDQUOT = constants.errno.EDQUOT ?? 122;

/** The directories a mutating operation writes: locks and events under state_dir, journals under journal_dir. */
export function stateDirs(config: Pick<Config, 'state_dir' | 'journal_dir'>): Array<{ path: string; role: StateDirRole }> {
  return [
    { path: config.state_dir, role: 'state dir' },
    { path: join(config.state_dir, 'locks'), role: 'state dir' },
    { path: join(config.state_dir, 'runtime'), role: 'state dir' },
    { path: config.journal_dir, role: 'journal dir' },
  ];
}

/**
 * Before a mutating operation runs any zfs command: each directory it will write exists (created like mkdir -p),
 * is a directory, and takes a small file (created, written and removed), which also finds a read-only, full or
 * over-quota filesystem and missing permissions. Throws an LxcriError (code `state-dir`) naming the directory.
 */
export async function checkStateDirs(config: Pick<Config, 'state_dir' | 'journal_dir'>): Promise<void> {
  // Side by side (every operation pays for this); each creates its own missing parents, tolerating the others'.
  const results = await Promise.allSettled(stateDirs(config).map(({ path, role }) => checkDir(path, role)));
  const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) throw failed.reason;
}

/**
 * mkdir -p, one level at a time: Node's `mkdir(…, { recursive: true })` reports EROFS (and other refusals) as
 * ENOENT, which would hide a read-only filesystem.
 */
async function makeDirs(path: string): Promise<void> {
  const missing: string[] = [];
  for (let p = path; ; p = dirname(p)) {
    try {
      await stat(p);
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      missing.push(p);
      if (dirname(p) === p) break;
    }
  }
  for (const dir of missing.reverse()) {
    try {
      await mkdir(dir);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
  }
}

async function checkDir(path: string, role: StateDirRole): Promise<void> {
  try {
    await makeDirs(path);
    if (!(await stat(path)).isDirectory()) throw notADirectory(path, path, role);
  } catch (error) {
    throw explainFsError(error, path, role);
  }
  const probe = join(path, `.lxcri-probe-${process.pid}-${Math.random().toString(36).slice(2, 10)}`);
  let created = false;
  try {
    const fh = await open(probe, 'wx');
    created = true;
    try {
      await fh.writeFile('lxcri-console write probe\n');
    } finally {
      await fh.close();
    }
    await unlink(probe);
    created = false;
  } catch (error) {
    throw explainFsError(error, path, role);
  } finally {
    if (created) await unlink(probe).catch(() => undefined);
  }
}

function stateDirError(message: string, hint: string): LxcriError {
  return new LxcriError('state-dir', message, hint, 1);
}

function notADirectory(path: string, blocker: string, role: StateDirRole): LxcriError {
  const key = CONFIG_KEY[role];
  return blocker === path
    ? stateDirError(`${role} ${path} is a file, not a directory`, `move or remove ${path}, or set ${key} in the config to a directory`)
    : stateDirError(
        `${role} ${path} cannot be created: ${blocker} is a file, not a directory`,
        `move or remove ${blocker}, or set ${key} in the config to a directory`,
      );
}

/** The path itself or its nearest ancestor that exists but is not a directory (what ENOTDIR / EEXIST ran into). */
function fileInTheWay(path: string): string | undefined {
  for (let p = path; ; p = dirname(p)) {
    try {
      if (!statSync(p).isDirectory()) return p;
      return undefined;
    } catch {
      // missing (or a dangling link): look further up
    }
    if (dirname(p) === p) return undefined;
  }
}

const isDanglingLink = (path: string): boolean => {
  try {
    return lstatSync(path).isSymbolicLink() && !existsFollowing(path);
  } catch {
    return false;
  }
};
const existsFollowing = (path: string): boolean => {
  try {
    statSync(path);
    return true;
  } catch {
    return false;
  }
};

/** "ENOSPC: no space left on device, open '/x/y'" -> "no space left on device". */
function describe(error: NodeJS.ErrnoException): string {
  const m = /^[^:]+: ([^,]+)/.exec(error.message);
  return (m?.[1] ?? error.message).trim();
}

/**
 * Turns a raw errno error met while using `path` (a state or journal directory, or a file in it) into the one-line
 * LxcriError checkStateDirs would give: what is wrong with which directory, and a hint (the config key to change,
 * free space, remount). Errors that carry no errno (and LxcriErrors) are returned unchanged.
 */
export function explainFsError(error: unknown, path: string, role: StateDirRole): Error {
  if (error instanceof LxcriError) return error;
  const e = error as NodeJS.ErrnoException | undefined;
  if (!e || typeof e !== 'object' || (typeof e.code !== 'string' && typeof e.errno !== 'number')) {
    return error instanceof Error ? error : new Error(String(error));
  }
  const key = CONFIG_KEY[role];
  const elsewhere = `or set ${key} in the config to another directory`;
  const code = e.errno === -EDQUOT ? 'EDQUOT' : (e.code ?? `errno ${e.errno}`);
  if ((code === 'ENOENT' || code === 'EEXIST') && isDanglingLink(path)) {
    return stateDirError(`${role} ${path} is a symbolic link to a missing directory`, `create its target or remove the link, ${elsewhere}`);
  }
  switch (code) {
    case 'ENOTDIR':
    case 'EEXIST': {
      const blocker = fileInTheWay(path);
      if (blocker) return notADirectory(path, blocker, role);
      break;
    }
    case 'EROFS':
      return stateDirError(`${role} ${path} is read-only (EROFS)`, `remount the filesystem holding ${path} read-write, ${elsewhere}`);
    case 'EACCES':
    case 'EPERM':
      return stateDirError(`${role} ${path} is not writable by this user (${code})`, `run as root, or fix the permissions of ${path}, ${elsewhere}`);
    case 'ENOSPC':
      return stateDirError(
        `no space left to write in ${path} (${role}; ENOSPC)`,
        `free space on the filesystem holding ${path} (df -h ${path}; zpool list for ZFS), ${elsewhere} on another filesystem`,
      );
    case 'EDQUOT':
      return stateDirError(
        `no space left to write in ${path} (${role}; EDQUOT, quota exceeded)`,
        `free space within the quota of ${path} or raise it, ${elsewhere} on another filesystem`,
      );
    case 'ENOENT':
      return stateDirError(
        `${role} ${path} vanished or cannot be reached (ENOENT)`,
        `check that nothing removes ${path} while lxcri-console runs, ${elsewhere}`,
      );
    default:
      break;
  }
  return stateDirError(`${role} ${path} cannot be used (${code}: ${describe(e)})`, `check the filesystem holding ${path} (dmesg, mount), ${elsewhere}`);
}
