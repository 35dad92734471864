import { lstatSync, statSync } from 'node:fs';
import { mkdir, open, stat, unlink } from 'node:fs/promises';
import { constants } from 'node:os';
import { basename, dirname, join } from 'node:path';
import type { Config } from '../config.js';
import { LxcriError } from '../errors.js';
import type { HostFs } from '../nodes/host-fs.js';

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

const PROBE_TEXT = 'lxcri-console write probe\n';
const probeName = () => `.lxcri-probe-${process.pid}-${Math.random().toString(36).slice(2, 10)}`;

/**
 * Before a mutating operation runs any zfs command: each directory it will write, on the node whose files `fs` are,
 * exists (created like mkdir -p), is a directory, and takes a small file (created, written and removed), which also
 * finds a read-only, full or over-quota filesystem and missing permissions. Throws an LxcriError (code `state-dir`)
 * naming the directory (and the node, when it is not this machine).
 */
export async function checkStateDirs(fs: HostFs, config: Pick<Config, 'state_dir' | 'journal_dir'>): Promise<void> {
  // This machine's directories are checked with node:fs itself (stat, errno codes, symbolic links); another node's
  // through its HostFs, which can only write and remove.
  const check = fs.where === 'local' ? checkDir : (path: string, role: StateDirRole) => probeDir(fs, path, role);
  // Another node: all of them in one round trip when they are fine; one by one only to say what is wrong.
  if (fs.where !== 'local' && fs.probeDirs && (await fs.probeDirs(stateDirs(config).map((d) => d.path)))) return;
  // Side by side (every operation pays for this); each creates its own missing parents, tolerating the others'.
  const results = await Promise.allSettled(stateDirs(config).map(({ path, role }) => check(path, role)));
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
  const probe = join(path, probeName());
  let created = false;
  try {
    const fh = await open(probe, 'wx');
    created = true;
    try {
      await fh.writeFile(PROBE_TEXT);
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

/**
 * checkDir on another node, through its HostFs: mkdir -p, then a probe file created exclusively and removed. What
 * HostFs cannot ask (errno codes, is it a directory) is read from the error's text and the directory listings.
 */
async function probeDir(fs: HostFs, path: string, role: StateDirRole): Promise<void> {
  const probe = join(path, probeName());
  let created = false;
  try {
    await fs.mkdir(path);
    created = await fs.createExclusive(probe, PROBE_TEXT);
    if (!created) {
      throw stateDirError(
        `${role} ${named(path, fs.where)} cannot be checked: its probe file ${basename(probe)} exists already`,
        `remove ${named(probe, fs.where)}, then retry`,
      );
    }
    await fs.remove(probe);
    created = false;
  } catch (error) {
    throw await explainNodeFsError(fs, error, path, role);
  } finally {
    if (created) await fs.remove(probe).catch(() => undefined);
  }
}

function stateDirError(message: string, hint: string): LxcriError {
  return new LxcriError('state-dir', message, hint, 1);
}

/** A path in messages: on another node, followed by the node's name. */
function named(path: string, where?: string): string {
  return where ? `${path} on ${where}` : path;
}

/**
 * `blocker` (the path or one of its ancestors) is in the way. On another node (`where`) it is only known not to be a
 * directory: a file, or a symbolic link to nothing.
 */
function notADirectory(path: string, blocker: string, role: StateDirRole, where?: string): LxcriError {
  const key = CONFIG_KEY[role];
  const what = where ? 'is not a directory (a file, or a symbolic link to nothing)' : 'is a file, not a directory';
  return blocker === path
    ? stateDirError(`${role} ${named(path, where)} ${what}`, `move or remove ${named(path, where)}, or set ${key} in the config to a directory`)
    : stateDirError(
        `${role} ${named(path, where)} cannot be created: ${blocker} ${what}`,
        `move or remove ${named(blocker, where)}, or set ${key} in the config to a directory`,
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
  const code = e.errno === -EDQUOT ? 'EDQUOT' : (e.code ?? `errno ${e.errno}`);
  if ((code === 'ENOENT' || code === 'EEXIST') && isDanglingLink(path)) {
    return stateDirError(
      `${role} ${path} is a symbolic link to a missing directory`,
      `create its target or remove the link, or set ${CONFIG_KEY[role]} in the config to another directory`,
    );
  }
  if (code === 'ENOTDIR' || code === 'EEXIST') {
    const blocker = fileInTheWay(path);
    if (blocker) return notADirectory(path, blocker, role);
  }
  return explainCode(code, describe(e), path, role);
}

/** The one-line error for an errno `code` met while using `path` (on node `where`, when not this machine). */
function explainCode(code: string, detail: string, path: string, role: StateDirRole, where?: string): LxcriError {
  const elsewhere = `or set ${CONFIG_KEY[role]} in the config to another directory`;
  const at = named(path, where);
  switch (code) {
    case 'EROFS':
      return stateDirError(`${role} ${at} is read-only (EROFS)`, `remount the filesystem holding ${at} read-write, ${elsewhere}`);
    case 'EACCES':
    case 'EPERM':
      return stateDirError(`${role} ${at} is not writable by this user (${code})`, `run as root, or fix the permissions of ${at}, ${elsewhere}`);
    case 'ENOSPC':
      return stateDirError(
        `no space left to write in ${at} (${role}; ENOSPC)`,
        `free space on the filesystem holding ${at} (df -h ${path}; zpool list for ZFS), ${elsewhere} on another filesystem`,
      );
    case 'EDQUOT':
      return stateDirError(
        `no space left to write in ${at} (${role}; EDQUOT, quota exceeded)`,
        `free space within the quota of ${at} or raise it, ${elsewhere} on another filesystem`,
      );
    case 'ENOENT':
      return stateDirError(`${role} ${at} vanished or cannot be reached (ENOENT)`, `check that nothing removes ${at} while lxcri-console runs, ${elsewhere}`);
    default:
      return stateDirError(`${role} ${at} cannot be used (${code}: ${detail})`, `check the filesystem holding ${at} (dmesg, mount), ${elsewhere}`);
  }
}

/** The errno behind a message from another node's tools (`mkdir: cannot create directory '/x': Read-only file system`). */
const STRERROR: ReadonlyArray<[RegExp, string]> = [
  [/read-only file system/i, 'EROFS'],
  [/permission denied/i, 'EACCES'],
  [/operation not permitted/i, 'EPERM'],
  [/no space left on device/i, 'ENOSPC'],
  [/disk quota exceeded/i, 'EDQUOT'],
  [/not a directory/i, 'ENOTDIR'],
  [/file exists/i, 'EEXIST'],
  [/no such file or directory/i, 'ENOENT'],
];

/**
 * explainFsError for another node's files: the errno comes from the error's code when it has one, else from the
 * tool's message (its stderr); the file in the way from the directory listings. Anything else (ssh failing, a
 * timeout) is named with its first line.
 */
async function explainNodeFsError(fs: HostFs, error: unknown, path: string, role: StateDirRole): Promise<Error> {
  if (error instanceof LxcriError && error.code === 'state-dir') return error;
  const e = error as (NodeJS.ErrnoException & { stderr?: unknown }) | undefined;
  const text = [typeof e?.stderr === 'string' ? e.stderr : '', error instanceof Error ? error.message : String(error)].join('\n');
  const own = typeof e?.code === 'string' && /^E[A-Z]+$/.test(e.code) ? e.code : undefined;
  const found = STRERROR.find(([re]) => re.test(text));
  const code = own ?? found?.[1];
  if (code === 'ENOTDIR' || code === 'EEXIST') {
    const blocker = await nodeFileInTheWay(fs, path);
    if (blocker) return notADirectory(path, blocker, role, fs.where);
  }
  if (code) return explainCode(code, found ? (found[0].exec(text)?.[0] ?? code).toLowerCase() : code, path, role, fs.where);
  const first =
    text
      .split('\n')
      .map((l) => l.trim())
      .find(Boolean) ?? 'unknown error';
  return stateDirError(
    `${role} ${named(path, fs.where)} cannot be used: ${first}`,
    `check that ${fs.where} can be reached and the filesystem holding ${path} there (dmesg, mount), or set ${CONFIG_KEY[role]} in the config to another directory`,
  );
}

/**
 * On another node: the deepest of the path and its ancestors that exists (is listed in its parent). After mkdir -p
 * failed with EEXIST or ENOTDIR, that one is not a directory (a directory would have taken the next level).
 */
async function nodeFileInTheWay(fs: HostFs, path: string): Promise<string | undefined> {
  for (let p = path; dirname(p) !== p; p = dirname(p)) {
    if ((await fs.readDir(dirname(p))).includes(basename(p))) return p;
  }
  return undefined;
}
