import { LxcriError, UsageError } from '../errors.js';
import type { FileType } from './file-diff.js';

/*
 * Paths inside a container, checked before anything runs: a user-given path is the container's (`/etc/nginx.conf`,
 * or `etc/nginx.conf`), never climbs with `..`, and its symbolic links are followed the way the container sees them
 * (an absolute target starts again at the container's root, never at the host's), refused where a relative target
 * climbs above the root.
 */

const HINT = 'name a path inside the container, from its root (e.g. /etc/nginx/nginx.conf), without ".."';

/** A user-given container path made canonical: `/a/b` (repeated and trailing slashes dropped, `.` removed). */
export function normalizeContainerPath(input: string, what = 'path', opts: { allowRoot?: boolean } = {}): string {
  if (input.trim() === '') throw new UsageError(`${what} is empty`, HINT);
  if (input.includes('\0')) throw new UsageError(`${what} ${JSON.stringify(input)} holds a NUL byte`, HINT);
  const parts = input.split('/').filter((p) => p !== '' && p !== '.');
  if (parts.includes('..')) throw new UsageError(`${what} ${input} uses '..', which could leave the container's root`, HINT);
  if (!parts.length && !opts.allowRoot) {
    throw new UsageError(`${what} ${input} is the container's root`, 'restore the whole container with `lxcri-console restore`, or name a path below its root');
  }
  return `/${parts.join('/')}`;
}

/** What resolution needs of the files under a root (host paths): lstat's type, and a link's target. */
export interface PathProbe {
  /** The type of `hostPath` without following a last symbolic link; undefined when it does not exist. */
  typeOf(hostPath: string): Promise<FileType | undefined>;
  readlink(hostPath: string): Promise<string>;
}

export interface ResolvedPath {
  /** The path as the container sees it, its links followed (the last one only with followLast). */
  path: string;
  /** Where that is on the host: `root` + path. */
  hostPath: string;
  /** undefined when the last component does not exist (its parent does). */
  type?: FileType;
}

/** Links followed at most (Linux's MAXSYMLINKS is 40). */
const MAX_LINKS = 40;

function hostOf(root: string, parts: readonly string[]): string {
  return parts.length ? `${root.replace(/\/+$/, '')}/${parts.join('/')}` : root;
}

/**
 * Resolves a normalized container path under `root` (a checkpoint's clone, or the live root): every directory on
 * the way must exist and be a directory once its links are followed. A link whose relative target climbs above the
 * container's root is refused; an absolute one starts again at the container's root (as in the container). The last
 * component may be missing (a restore's destination); it is followed only with `followLast` (a listing; a restore
 * copies a link as a link).
 */
export async function resolveInRoot(root: string, path: string, probe: PathProbe, opts: { followLast?: boolean; what?: string } = {}): Promise<ResolvedPath> {
  const what = opts.what ?? 'path';
  const done: string[] = [];
  const todo = path.split('/').filter(Boolean);
  let links = 0;
  while (todo.length) {
    const part = todo.shift()!;
    if (part === '.') continue;
    if (part === '..') {
      // Only a link's target brings `..` here (user paths are normalized first).
      if (!done.length) {
        throw new LxcriError(
          'outside-root',
          `${what} ${path} leaves the container's root through a symbolic link`,
          `${HINT}; follow the link yourself and name its target`,
        );
      }
      done.pop();
      continue;
    }
    const last = todo.length === 0;
    const host = hostOf(root, [...done, part]);
    const type = await probe.typeOf(host);
    if (type === undefined) {
      if (last) return { path: `/${[...done, part].join('/')}`, hostPath: host };
      throw new LxcriError(
        'not-found',
        `${what} ${path}: /${[...done, part].join('/')} does not exist`,
        'check the path (list the directory with `lxcri-console files`)',
      );
    }
    if (type === 'symlink' && (!last || opts.followLast)) {
      if (++links > MAX_LINKS) throw new LxcriError('link-loop', `${what} ${path}: too many symbolic links (a loop?)`, HINT);
      const target = await probe.readlink(host);
      if (target.startsWith('/')) done.length = 0;
      todo.unshift(...target.split('/').filter(Boolean));
      continue;
    }
    if (!last && type !== 'dir') {
      throw new LxcriError('not-a-directory', `${what} ${path}: /${[...done, part].join('/')} is a ${type}, not a directory`, 'check the path');
    }
    done.push(part);
    if (last) return { path: `/${done.join('/')}`, hostPath: hostOf(root, done), type };
  }
  return { path: `/${done.join('/')}`, hostPath: hostOf(root, done), type: 'dir' };
}
