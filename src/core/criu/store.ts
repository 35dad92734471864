import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { LxcriError } from '../errors.js';
import { cmd, type Runner } from '../runner/command.js';

export const ARCHIVE = 'dump.tar.zst';
export const MANIFEST = 'manifest.json';
export const COMPLETE = '.checkpoint-complete';

/** What `manifest.json` says about one archived CRIU image. */
export interface ImageManifest {
  container: string;
  checkpoint_id: string;
  /** Full snapshot name when it was taken, and its guid (names change with promote, guids do not). */
  zfs_snapshot: string | null;
  zfs_guid: string | null;
  created: string;
  criu_version: string;
  sha256: string;
  compressed_size: number;
  tool: string;
}

export async function sha256File(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** The store configured by `criu.store`, writing through the runner (tar). */
export function imageStore(config: { criu: { store: string } }, runner: Runner): ImageStore {
  return new ImageStore(config.criu.store, runner);
}

/**
 * The checkpoint image store: `<store>/<container>/<checkpoint id>/dump.tar.zst` + `manifest.json` +
 * `.checkpoint-complete`, built under a temporary name and renamed into place, so a reader (or another host on a
 * shared NFS store) never sees half an image.
 */
export class ImageStore {
  constructor(readonly root: string, private readonly runner: Runner) {}

  dir(container: string, checkpointId: string): string {
    return `${this.root}/${container}/${checkpointId}`;
  }

  /** A scratch directory for CRIU to dump into, inside the store so the final rename stays on one filesystem. */
  async scratch(container: string, checkpointId: string): Promise<string> {
    const dir = `${this.root}/${container}/.tmp-${checkpointId}-${process.pid}`;
    await rm(dir, { recursive: true, force: true });
    await mkdir(`${dir}/images`, { recursive: true });
    return dir;
  }

  /** Archives `<scratch>/images` and publishes it as `<container>/<checkpointId>`. */
  async publish(scratch: string, meta: Omit<ImageManifest, 'sha256' | 'compressed_size' | 'created'>): Promise<ImageManifest> {
    const archive = `${scratch}/${ARCHIVE}`;
    await this.runner.run(cmd('tar', ['--zstd', '-C', `${scratch}/images`, '-cf', archive, '.'], true, { timeoutMs: 600_000 }));
    const manifest: ImageManifest = {
      ...meta,
      created: new Date().toISOString(),
      sha256: await sha256File(archive),
      compressed_size: (await stat(archive)).size,
    };
    await writeFile(`${scratch}/${MANIFEST}`, JSON.stringify(manifest, null, 2));
    await rm(`${scratch}/images`, { recursive: true, force: true });
    await writeFile(`${scratch}/${COMPLETE}`, '');
    const final = this.dir(meta.container, meta.checkpoint_id);
    await rename(scratch, final);
    return manifest;
  }

  async manifest(dir: string): Promise<ImageManifest | undefined> {
    try {
      return JSON.parse(await readFile(`${dir}/${MANIFEST}`, 'utf8')) as ImageManifest;
    } catch {
      return undefined;
    }
  }

  async complete(dir: string): Promise<boolean> {
    return stat(`${dir}/${COMPLETE}`).then(() => true, () => false);
  }

  /** Checks the archive against its manifest and unpacks it into `<dir>/restore-<pid>/`; returns that path. */
  async verifyAndExtract(dir: string): Promise<string> {
    const manifest = await this.manifest(dir);
    if (!manifest || !(await this.complete(dir))) {
      throw new LxcriError('image-incomplete', `CRIU image ${dir} is incomplete`, 'the dump never finished; restore without state (the filesystem only)');
    }
    const actual = await sha256File(`${dir}/${ARCHIVE}`);
    if (actual !== manifest.sha256) {
      throw new LxcriError('image-corrupt', `CRIU image ${dir} is corrupt: sha256 ${actual.slice(0, 12)}… does not match ${manifest.sha256.slice(0, 12)}…`, 'restore without state (the filesystem only), or from another checkpoint');
    }
    const out = `${dir}/restore-${process.pid}`;
    await rm(out, { recursive: true, force: true });
    await mkdir(out, { recursive: true });
    await this.runner.run(cmd('tar', ['--zstd', '-C', out, '-xf', `${dir}/${ARCHIVE}`], true, { timeoutMs: 600_000 }));
    return out;
  }

  /** Every image directory and temporary directory, per container. */
  async entries(): Promise<Array<{ container: string; name: string; dir: string }>> {
    const out: Array<{ container: string; name: string; dir: string }> = [];
    for (const container of await readdir(this.root).catch(() => [] as string[])) {
      for (const name of await readdir(`${this.root}/${container}`).catch(() => [] as string[])) {
        out.push({ container, name, dir: `${this.root}/${container}/${name}` });
      }
    }
    return out;
  }
}
