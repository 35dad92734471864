import { createHash } from 'node:crypto';
import { createReadStream, type Stats } from 'node:fs';
import { lstat, readdir, readlink } from 'node:fs/promises';
import type { CoreContext } from '../context.js';
import { LxcriError } from '../errors.js';
import type { PathProbe } from '../model/container-path.js';
import type { FileEntry, FileIndex, FileType } from '../model/file-diff.js';

/*
 * A container's files read in this process, with node:fs: a checkpoint's temporary clone or the live root, walked
 * with lstat (links never followed). The runner has no `stat` of its own to ask, and one process per file would not
 * do, so this is local only (as the CRIU image store is): another node's files are refused before anything runs.
 */

/** Refuses, before anything runs, reading the files of a remote node's container (see above). */
export function requireLocalFiles(ctx: Pick<CoreContext, 'fs' | 'node'>, what: string): void {
  if (ctx.fs.where === 'local') return;
  const node = ctx.node ?? ctx.fs.where;
  throw new LxcriError(
    'remote-unsupported',
    `${what} reads a container's files in this process; on remote node ${node} that is not supported yet`,
    `run lxcri-console on ${node} itself for ${what}`,
  );
}

export function fileType(st: Stats): FileType {
  return st.isFile() ? 'file' : st.isDirectory() ? 'dir' : st.isSymbolicLink() ? 'symlink' : 'other';
}

export async function entryOf(hostPath: string, st: Stats): Promise<FileEntry> {
  const type = fileType(st);
  return {
    type,
    size: st.size,
    mode: st.mode & 0o7777,
    uid: st.uid,
    gid: st.gid,
    mtimeMs: st.mtimeMs,
    ino: st.ino,
    ...(type === 'symlink' ? { target: await readlink(hostPath) } : {}),
  };
}

/** lstat and readlink of this machine, for resolveInRoot. */
export const LOCAL_PROBE: PathProbe = {
  async typeOf(hostPath) {
    try {
      return fileType(await lstat(hostPath));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
  },
  readlink: (hostPath) => readlink(hostPath),
};

/** lstat calls in flight at once: enough to keep a FUSE daemon's threads busy, few enough to stay light. */
const PARALLEL = 64;

/**
 * Every path under `root` (the root left out) by container path: `/etc`, `/etc/hosts`. Stays on the root's
 * filesystem (a mount below it is listed, not entered), as `rsync -x` and `find -xdev` do.
 */
export async function walkIndex(root: string): Promise<FileIndex> {
  const index: FileIndex = new Map();
  const rootDev = (await lstat(root)).dev;
  const dirs: string[] = [''];
  while (dirs.length) {
    // Several directories at once, each a batch of lstat calls.
    const batch = dirs.splice(0, 8);
    const listed = await Promise.all(batch.map(async (rel) => ({ rel, names: await readdir(root + rel) })));
    const items = listed.flatMap(({ rel, names }) => names.map((n) => `${rel}/${n}`));
    for (let i = 0; i < items.length; i += PARALLEL) {
      const chunk = items.slice(i, i + PARALLEL);
      const stats = await Promise.all(chunk.map((rel) => lstat(root + rel)));
      for (const [j, rel] of chunk.entries()) {
        const st = stats[j]!;
        index.set(rel, await entryOf(root + rel, st));
        if (st.isDirectory() && st.dev === rootDev) dirs.push(rel);
      }
    }
  }
  return index;
}

export async function sha256Of(hostPath: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(hostPath)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/**
 * `--content`: which of `paths` (files whose metadata match) differ in their bytes between two roots. Each file is
 * hashed once per root, whatever the number of comparisons it is in (a three-way view compares its base twice).
 */
export class ContentHasher {
  private readonly hashes = new Map<string, Promise<string>>();

  hash(root: string, path: string): Promise<string> {
    const key = `${root}\0${path}`;
    let h = this.hashes.get(key);
    if (!h) this.hashes.set(key, (h = sha256Of(root + path)));
    return h;
  }

  async differing(fromRoot: string, toRoot: string, paths: readonly string[]): Promise<Set<string>> {
    const out = new Set<string>();
    for (let i = 0; i < paths.length; i += 16) {
      const chunk = paths.slice(i, i + 16);
      const same = await Promise.all(chunk.map(async (p) => (await this.hash(fromRoot, p)) === (await this.hash(toRoot, p))));
      chunk.forEach((p, j) => {
        if (!same[j]) out.add(p);
      });
    }
    return out;
  }
}
