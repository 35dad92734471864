import { createHash } from 'node:crypto';
import { createReadStream, lstatSync, readdirSync, readlinkSync, type Stats } from 'node:fs';
import { lstat, readlink } from 'node:fs/promises';
import type { CoreContext } from '../context.js';
import { LxcriError } from '../errors.js';
import type { PathProbe } from '../model/container-path.js';
import type { FileEntry, FileIndex, FileType } from '../model/file-diff.js';

/*
 * A container's files read in this process, with node:fs: a checkpoint's temporary clone or the live root, walked
 * with lstat (links never followed). For this machine's own files only; another node's are read through its runner
 * (node-files.ts).
 */

/**
 * Refuses, before anything runs, what still reads a container's files in this process only (the text diff of one
 * file) on a remote node. diff, files and restore-file read another node's files through its runner (node-files.ts).
 */
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

/**
 * Every path under `root` (the root left out) by container path: `/etc`, `/etc/hosts`. Stays on the root's
 * filesystem (a mount below it is listed, not entered), as `rsync -x` and `find -xdev` do. The calls are synchronous,
 * one directory at a time with a yield to the event loop between directories: over FUSE (zfs-fuse) a synchronous lstat
 * costs a fraction of a promise's round trip through libuv's thread pool (10,000 files: ~0.1 s against ~0.3-0.7 s),
 * and the console stays responsive.
 */
export async function walkIndex(root: string): Promise<FileIndex> {
  const index: FileIndex = new Map();
  const rootDev = lstatSync(root).dev;
  const dirs: string[] = [''];
  let sinceYield = 0;
  while (dirs.length) {
    const rel = dirs.pop()!;
    const names = readdirSync(root + rel);
    for (const name of names) {
      const path = `${rel}/${name}`;
      const st = lstatSync(root + path);
      index.set(path, entryOfSync(root + path, st));
      if (st.isDirectory() && st.dev === rootDev) dirs.push(path);
    }
    sinceYield += names.length;
    if (sinceYield >= 2000) {
      sinceYield = 0;
      await new Promise((resolve) => setImmediate(resolve));
    }
  }
  return index;
}

function entryOfSync(hostPath: string, st: Stats): FileEntry {
  const type = fileType(st);
  return {
    type,
    size: st.size,
    mode: st.mode & 0o7777,
    uid: st.uid,
    gid: st.gid,
    mtimeMs: st.mtimeMs,
    ino: st.ino,
    ...(type === 'symlink' ? { target: readlinkSync(hostPath) } : {}),
  };
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
