import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { lstat, mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import type { CoreContext } from '../context.js';
import { LxcriError } from '../errors.js';
import type { HostFs } from '../nodes/host-fs.js';
import { cmd, type Runner } from '../runner/command.js';
import { validateContainerId, validateSnapshotShortName } from '../tools/zfs/names.js';
import { artifactUri } from './artifact-uri.js';
import { manifestProblem, type ImageArtifact, type ImageManifest } from './manifest.js';
import { describeWriter, INPROGRESS, readMarker, writeMarker, type Marker } from './marker.js';

export type { ImageArtifact, ImageManifest } from './manifest.js';
export const ARCHIVE = 'dump.tar.zst';
export const MANIFEST = 'manifest.json';
export const COMPLETE = '.checkpoint-complete';
export const TMP_PREFIX = '.tmp-';

export async function sha256File(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/**
 * Whether the context's node keeps its image store on this machine. The store is read and written here with node:fs
 * (archives hashed as streams, sizes from lstat, directories typed by readdir, markers created with O_EXCL) next to
 * tar run through the runner: none of that goes through a HostFs yet, so it works on the local node only.
 */
export function localImageStore(ctx: Pick<CoreContext, 'fs'>): boolean {
  return ctx.fs.where === 'local';
}

/** Refuses, before anything runs, an operation that needs the image store of a remote node (see localImageStore). */
export function requireLocalImageStore(ctx: Pick<CoreContext, 'fs' | 'node'>): void {
  if (localImageStore(ctx)) return;
  const node = ctx.node ?? ctx.fs.where;
  throw new LxcriError(
    'remote-unsupported',
    `stateful checkpoints are not supported on remote node ${node} yet`,
    `run lxcri-console on ${node} itself for stateful checkpoints and their CRIU images, or take a plain checkpoint`,
  );
}

/**
 * The manifest of a complete, published image in `dir`, read through a node's files; undefined for anything else (in
 * progress, incomplete, unreadable, missing), as ImageStore.manifest says on this machine. Reads only small files:
 * pruning a stateful checkpoint on any node counts its image's bytes with it.
 */
export async function publishedManifest(fs: HostFs, dir: string): Promise<ImageManifest | undefined> {
  const names = await fs.readDir(dir);
  if (names.includes(INPROGRESS) || !names.includes(COMPLETE)) return undefined;
  const text = await fs.readFile(`${dir}/${MANIFEST}`);
  if (text === undefined) return undefined;
  try {
    const raw: unknown = JSON.parse(text);
    return manifestProblem(raw) ? undefined : (raw as ImageManifest);
  } catch {
    return undefined;
  }
}

/** The store configured by `criu.store`, writing through the runner (tar). Local only: see localImageStore. */
export function imageStore(config: { criu: { store: string } }, runner: Runner, now: () => number = Date.now): ImageStore {
  return new ImageStore(config.criu.store, runner, now);
}

/** One directory of the store: a published image, one being written (`.inprogress`), or one left incomplete. */
export interface StoreEntry {
  container: string;
  name: string;
  dir: string;
  state: 'complete' | 'incomplete' | 'in-progress';
  /** The `.inprogress` marker of an in-progress directory. */
  marker?: Marker;
}

/** The artifacts a manifest lists; for a manifest written before artifact URIs, the archive's entry. */
export function manifestArtifacts(m: ImageManifest): ImageArtifact[] {
  return m.artifacts ?? [{ name: ARCHIVE, uri: artifactUri(m.container, m.checkpoint_id, ARCHIVE), sha256: m.sha256, size: m.compressed_size }];
}

/**
 * The checkpoint image store: `<store>/<container>/<checkpoint id>/dump.tar.zst` + `manifest.json` +
 * `.checkpoint-complete`, built in `<store>/<container>/.tmp-<id>-<pid>/` and renamed into place. While it is built
 * the directory holds `.inprogress` (pid, host, started), written first and removed last, once the image is in place:
 * readers, and other nodes on a shared NFS store, skip or refuse a directory that has it.
 *
 * This machine's store only, through node:fs: archives of any size are hashed as streams (sha256File), sizes and
 * types come from stat/lstat/readdir, and tar runs on paths of this machine. Operations needing it refuse on a remote
 * node (requireLocalImageStore) until it has a HostFs and runner port.
 */
export class ImageStore {
  constructor(
    readonly root: string,
    private readonly runner: Runner,
    private readonly now: () => number = Date.now,
  ) {}

  dir(container: string, checkpointId: string): string {
    return `${this.root}/${container}/${checkpointId}`;
  }

  /**
   * A scratch directory for CRIU to dump into (`<scratch>/images`), inside the store so the final rename stays on one
   * filesystem; its `.inprogress` marker is written before anything else.
   */
  async scratch(container: string, checkpointId: string): Promise<string> {
    const dir = `${this.root}/${container}/${TMP_PREFIX}${checkpointId}-${process.pid}`;
    await rm(dir, { recursive: true, force: true });
    await mkdir(dir, { recursive: true });
    await writeMarker(dir, this.now());
    await mkdir(`${dir}/images`);
    return dir;
  }

  /**
   * Archives `<scratch>/images` and publishes it as `<container>/<checkpointId>`: manifest and completion marker
   * written, renamed into place, and then, as the very last step, the `.inprogress` marker removed.
   */
  async publish(scratch: string, meta: Omit<ImageManifest, 'sha256' | 'compressed_size' | 'created' | 'artifacts'>): Promise<ImageManifest> {
    const archive = `${scratch}/${ARCHIVE}`;
    await this.runner.run(cmd('tar', ['--zstd', '-C', `${scratch}/images`, '-cf', archive, '.'], true, { timeoutMs: 600_000 }));
    const sha256 = await sha256File(archive);
    const size = (await stat(archive)).size;
    const manifest: ImageManifest = {
      ...meta,
      created: new Date(this.now()).toISOString(),
      sha256,
      compressed_size: size,
      artifacts: [{ name: ARCHIVE, uri: artifactUri(meta.container, meta.checkpoint_id, ARCHIVE), sha256, size }],
    };
    await writeFile(`${scratch}/${MANIFEST}`, JSON.stringify(manifest, null, 2));
    await rm(`${scratch}/images`, { recursive: true, force: true });
    await writeFile(`${scratch}/${COMPLETE}`, '');
    const final = this.dir(meta.container, meta.checkpoint_id);
    await rename(scratch, final);
    await rm(`${final}/${INPROGRESS}`, { force: true });
    return manifest;
  }

  /**
   * `publish` run again after a crash: carries on from wherever the first run stopped (archive written, renamed into
   * place, marker left), or publishes afresh while the dumped images are still there.
   */
  async publishAgain(scratch: string, meta: Omit<ImageManifest, 'sha256' | 'compressed_size' | 'created' | 'artifacts'>): Promise<ImageManifest> {
    const final = this.dir(meta.container, meta.checkpoint_id);
    const has = (path: string) =>
      stat(path).then(
        () => true,
        () => false,
      );
    if (!(await has(`${final}/${COMPLETE}`))) {
      if (await has(`${scratch}/${COMPLETE}`)) await rename(scratch, final);
      else if (await has(`${scratch}/images`)) return this.publish(scratch, meta);
      else {
        throw new LxcriError(
          'image-lost',
          `the CRIU images of ${meta.container} ${meta.checkpoint_id} are gone (neither ${scratch} nor ${final} holds them)`,
          'undo this checkpoint (lxcri-console recover <id> --undo) and take a new stateful checkpoint',
        );
      }
    }
    await rm(`${final}/${INPROGRESS}`, { force: true });
    return this.verify(final);
  }

  /** The `.inprogress` marker of `dir`, undefined when the directory is not being written. */
  inProgress(dir: string): Promise<Marker | undefined> {
    return readMarker(dir);
  }

  /** The manifest of a complete, published image; undefined for anything else (in progress, incomplete, unreadable). */
  async manifest(dir: string): Promise<ImageManifest | undefined> {
    return this.verifyManifest(dir).catch(() => undefined);
  }

  async complete(dir: string): Promise<boolean> {
    if (await this.inProgress(dir)) return false;
    return stat(`${dir}/${COMPLETE}`).then(
      () => true,
      () => false,
    );
  }

  /**
   * The manifest of the image in `dir`, refusing (one line each) a directory that does not exist, is being written,
   * never finished, or whose manifest is incomplete. The archive is not read.
   */
  async verifyManifest(dir: string): Promise<ImageManifest> {
    const st = await stat(dir).catch(() => undefined);
    if (!st?.isDirectory())
      throw new LxcriError('image-missing', `CRIU image ${dir} does not exist`, 'check the path; restore without state (the filesystem only)');
    const marker = await this.inProgress(dir);
    if (marker) {
      throw new LxcriError(
        'image-in-progress',
        `CRIU image ${dir} is still being written (${describeWriter(marker)})`,
        'wait for that checkpoint to finish; if its writer died, `lxcri-console gc` removes it',
      );
    }
    const text = await readFile(`${dir}/${MANIFEST}`, 'utf8').catch(() => undefined);
    if (text === undefined) throw incomplete(dir, `it has no ${MANIFEST}`);
    let raw: unknown;
    try {
      raw = JSON.parse(text);
    } catch {
      throw incomplete(dir, `its ${MANIFEST} is not valid JSON`);
    }
    const problem = manifestProblem(raw);
    if (problem) throw incomplete(dir, `its ${MANIFEST} is incomplete: ${problem}`);
    if (
      !(await lstat(`${dir}/${COMPLETE}`).then(
        () => true,
        () => false,
      ))
    )
      throw incomplete(dir, `it has no ${COMPLETE} (the dump never finished)`);
    return raw as ImageManifest;
  }

  /** The manifest, after checking the archive's size and sha256 against it (and its artifact entry). */
  async verify(dir: string): Promise<ImageManifest> {
    const manifest = await this.verifyManifest(dir);
    const archive = `${dir}/${ARCHIVE}`;
    const st = await stat(archive).catch(() => undefined);
    if (!st?.isFile()) throw incomplete(dir, `it has no ${ARCHIVE}`);
    const entry = manifestArtifacts(manifest).find((a) => a.name === ARCHIVE);
    const actual = await sha256File(archive);
    for (const expected of new Set([manifest.sha256, entry?.sha256 ?? manifest.sha256])) {
      if (actual !== expected) {
        throw new LxcriError(
          'image-corrupt',
          `CRIU image ${dir} is corrupt: sha256 ${actual.slice(0, 12)}… does not match ${expected.slice(0, 12)}…`,
          'restore without state (the filesystem only), or from another checkpoint',
        );
      }
    }
    return manifest;
  }

  /** Unpacks a verified image's archive into `out` (created). */
  async extract(dir: string, out: string): Promise<void> {
    await rm(out, { recursive: true, force: true });
    await mkdir(out, { recursive: true });
    await this.runner.run(cmd('tar', ['--zstd', '-C', out, '-xf', `${dir}/${ARCHIVE}`], true, { timeoutMs: 600_000 }));
  }

  /** Checks the archive against its manifest and unpacks it into `<dir>/restore-<pid>/`; returns that path. */
  async verifyAndExtract(dir: string): Promise<string> {
    await this.verify(dir);
    const out = `${dir}/restore-${process.pid}`;
    await this.extract(dir, out);
    return out;
  }

  /**
   * Every directory of the store with its state, in progress included (for gc). Only directories named like a
   * container and like a checkpoint id (or `.tmp-…`) count: `lost+found`, `.snapshot` and stray files are not ours.
   */
  async scan(): Promise<StoreEntry[]> {
    const out: StoreEntry[] = [];
    for (const container of await dirNames(this.root)) {
      if (!isName(validateContainerId, container)) continue;
      for (const name of await dirNames(`${this.root}/${container}`)) {
        if (!name.startsWith(TMP_PREFIX) && (name.startsWith('.') || !isName(validateSnapshotShortName, name))) continue;
        const dir = `${this.root}/${container}/${name}`;
        const marker = await this.inProgress(dir);
        if (marker) out.push({ container, name, dir, state: 'in-progress', marker });
        else out.push({ container, name, dir, state: name.startsWith(TMP_PREFIX) || !(await this.manifest(dir)) ? 'incomplete' : 'complete' });
      }
    }
    return out;
  }

  /**
   * Bytes on disk of each container's images (every file under `<store>/<container>/`, dumps in progress included:
   * they take space too), from one recursive read of the store, whatever the number of checkpoints.
   */
  async bytesByContainer(): Promise<Map<string, number>> {
    const out = new Map<string, number>();
    const paths = await readdir(this.root, { recursive: true }).catch(() => [] as string[]);
    const sizes = await Promise.all(
      paths.map(async (rel) => {
        const slash = rel.indexOf('/');
        if (slash < 0) return undefined;
        const st = await lstat(`${this.root}/${rel}`).catch(() => undefined);
        return st?.isFile() ? { container: rel.slice(0, slash), bytes: st.size } : undefined;
      }),
    );
    for (const s of sizes) if (s && isName(validateContainerId, s.container)) out.set(s.container, (out.get(s.container) ?? 0) + s.bytes);
    return out;
  }

  /** Every image directory and temporary directory, per container, except those being written. */
  async entries(): Promise<StoreEntry[]> {
    return (await this.scan()).filter((e) => e.state !== 'in-progress');
  }
}

function incomplete(dir: string, why: string): LxcriError {
  return new LxcriError(
    'image-incomplete',
    `CRIU image ${dir} is incomplete: ${why}`,
    'restore without state (the filesystem only), or from another checkpoint',
  );
}

function isName(validate: (s: string) => string, s: string): boolean {
  try {
    validate(s);
    return true;
  } catch {
    return false;
  }
}

async function dirNames(path: string): Promise<string[]> {
  const entries = await readdir(path, { withFileTypes: true }).catch(() => []);
  return entries
    .filter((e) => e.isDirectory())
    .map((e) => e.name)
    .sort();
}
