import { constants } from 'node:fs';
import { lstat, open, readdir } from 'node:fs/promises';
import type { CoreContext } from '../context.js';
import type { PathProbe } from '../model/container-path.js';
import type { FileEntry, FileIndex } from '../model/file-diff.js';
import { cmd, type Command, type Runner } from '../runner/command.js';
import { ToolFailedError } from '../runner/errors.js';
import { findDir, findOne, findTree, parseFind, type FoundEntry } from '../tools/find.js';
import { argBatches } from '../tools/arg-batches.js';
import { parseSha256sum, sha256sum } from '../tools/sha256sum.js';
import { ContentHasher, entryOf, LOCAL_PROBE, walkIndex } from './local-files.js';

/*
 * A node's files as the file diff, the listing and the file restore read them (host paths: a checkpoint's clone or
 * `.zfs/snapshot` directory, the live root). On this machine in this process with node:fs (local-files.ts: faster
 * than a process per tree, see bench/file-diff.ts); on another node through its runner, one command per tree or
 * directory (tools/find.ts) and per batch of files to hash (tools/sha256sum.ts).
 */
export interface NodeFiles {
  /** Every path under `root` (the root left out) by container path, on the root's filesystem only. */
  walk(root: string): Promise<FileIndex>;
  /** What lstat says of one path; undefined when nothing is there. */
  entry(hostPath: string): Promise<FileEntry | undefined>;
  /** A directory's entries (lstat), by name. */
  list(dir: string): Promise<Array<{ name: string; entry: FileEntry }>>;
  probe: PathProbe;
  /**
   * A regular file's size and, when it is at most `limit` bytes, its bytes (a text diff's side); never through a
   * symbolic link. Undefined when it is not a regular file (or gone).
   */
  readSmall(hostPath: string, limit: number): Promise<{ size: number; bytes?: Buffer } | undefined>;
  /** `--content`: which of `paths` differ in their bytes between two roots (each file hashed once per hasher). */
  hasher(): { differing(fromRoot: string, toRoot: string, paths: readonly string[]): Promise<Set<string>> };
}

export const LOCAL_FILES: NodeFiles = {
  walk: walkIndex,
  async entry(hostPath) {
    try {
      return await entryOf(hostPath, await lstat(hostPath));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
  },
  async list(dir) {
    const names = await readdir(dir);
    return Promise.all(names.map(async (name) => ({ name, entry: await entryOf(`${dir}/${name}`, await lstat(`${dir}/${name}`)) })));
  },
  probe: LOCAL_PROBE,
  async readSmall(hostPath, limit) {
    // O_NOFOLLOW: the file is read as it was resolved, never through a link put there since.
    const handle = await open(hostPath, constants.O_RDONLY | constants.O_NOFOLLOW).catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT' || error.code === 'ELOOP') return undefined;
      throw error;
    });
    if (!handle) return undefined;
    try {
      const st = await handle.stat();
      if (!st.isFile()) return undefined;
      return st.size > limit ? { size: st.size } : { size: st.size, bytes: await handle.readFile() };
    } finally {
      await handle.close();
    }
  },
  hasher: () => new ContentHasher(),
};

function withoutRel({ rel: _rel, ...entry }: FoundEntry): FileEntry {
  return entry;
}

/** Another node's files through its runner (find, sha256sum: GNU tools every Proxmox node has). */
export class RunnerFiles implements NodeFiles {
  /** Link targets read along with their type, for readlink right after typeOf (resolveInRoot's order). */
  private readonly targets = new Map<string, string>();

  /** `timeoutMs`: for a whole tree or a batch of files to hash (the long timeout, not the one of a quick read). */
  constructor(
    private readonly runner: Runner,
    private readonly timeoutMs?: number,
  ) {}

  private async out(command: Command): Promise<string> {
    return (await this.runner.run(this.timeoutMs ? { ...command, timeoutMs: this.timeoutMs } : command)).stdout;
  }

  async walk(root: string): Promise<FileIndex> {
    const index: FileIndex = new Map();
    for (const e of parseFind(await this.out(findTree(root)))) index.set(`/${e.rel}`, withoutRel(e));
    return index;
  }

  async entry(hostPath: string): Promise<FileEntry | undefined> {
    const [e] = parseFind(await this.out(findOne(hostPath)));
    if (e?.target !== undefined) this.targets.set(hostPath, e.target);
    return e && withoutRel(e);
  }

  async list(dir: string): Promise<Array<{ name: string; entry: FileEntry }>> {
    return parseFind(await this.out(findDir(dir))).map((e) => ({ name: e.rel, entry: withoutRel(e) }));
  }

  readonly probe: PathProbe = {
    typeOf: async (hostPath) => (await this.entry(hostPath))?.type,
    readlink: async (hostPath) => {
      const known = this.targets.get(hostPath);
      if (known !== undefined) return known;
      const e = await this.entry(hostPath);
      if (e?.target === undefined) throw new Error(`${hostPath} is not a symbolic link`);
      return e.target;
    },
  };

  async readSmall(hostPath: string, limit: number): Promise<{ size: number; bytes?: Buffer } | undefined> {
    const e = await this.entry(hostPath);
    if (e?.type !== 'file') return undefined;
    if (e.size > limit) return { size: e.size };
    // dd reads no further than the limit whatever the file grew to since, never through a link put there since
    // (nofollow), and never waits on a FIFO put there since (nonblock); the text arrives as UTF-8.
    const read = cmd('dd', [`if=${hostPath}`, 'iflag=nofollow,nonblock,fullblock', `bs=${limit}`, 'count=1', 'status=none']);
    try {
      return { size: e.size, bytes: Buffer.from(await this.out(read), 'utf8') };
    } catch (error) {
      // Replaced by a link (ELOOP) or gone since it was looked at: not the file that was resolved.
      if (error instanceof ToolFailedError) return undefined;
      throw error;
    }
  }

  hasher() {
    const hashes = new Map<string, string>();
    return {
      differing: async (fromRoot: string, toRoot: string, paths: readonly string[]): Promise<Set<string>> => {
        const wanted = [...new Set(paths.flatMap((p) => [fromRoot + p, toRoot + p]))].filter((h) => !hashes.has(h));
        for (const batch of argBatches(wanted)) {
          for (const [path, hash] of parseSha256sum(await this.out(sha256sum(batch)), batch)) hashes.set(path, hash);
        }
        return new Set(paths.filter((p) => hashes.get(fromRoot + p) !== hashes.get(toRoot + p)));
      },
    };
  }
}

/** The files of the node `ctx` drives: in this process when it is this machine, else through its runner. */
export function nodeFiles(ctx: Pick<CoreContext, 'fs' | 'runner' | 'config'>): NodeFiles {
  return ctx.fs.where === 'local' ? LOCAL_FILES : new RunnerFiles(ctx.runner, ctx.config.runner.long_timeout_seconds * 1000);
}
