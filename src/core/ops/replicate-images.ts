import type { CoreContext } from '../context.js';
import { LxcriError } from '../errors.js';
import { INPROGRESS, newMarker } from '../criu/marker.js';
import { ARCHIVE, COMPLETE, MANIFEST, publishedManifest, TMP_PREFIX } from '../criu/store.js';
import { USER_PROPS, type DatasetRecord } from '../model/dataset.js';
import { cmd } from '../runner/command.js';
import { ToolFailedError, ToolMissingError } from '../runner/errors.js';
import { ownFamily } from '../model/ownership.js';
import type { LoadedContainer } from './container.js';
import type { PreflightCheck, ReplicatePlan, ReplicationTarget } from './replicate.js';

/*
 * The CRIU images of a tree's stateful checkpoints, taken along by a replication. A store the nodes share (criu.store on
 * NFS) has them there already: nothing is copied. Otherwise each image directory is streamed to the target's store
 * into a scratch directory, its archive's sha256 checked there against the manifest, `.checkpoint-complete` written
 * last, and only then renamed into place, so the target's store never shows a half-copied image as complete.
 */

/** One stateful checkpoint's image as the source's store has it. */
export interface ImageToCopy {
  snapshot: string;
  /** The image directory, the same path in every node's store (`<criu.store>/<container>/<checkpoint id>`). */
  dir: string;
  sha256: string;
  bytes: number;
}

export interface ImagesPlan {
  /** Images the target's store lacks. */
  copy: ImageToCopy[];
  /** Images the target's store has already (a shared store, or copied before). */
  there: number;
  /** Stateful checkpoints whose image the source's own store has no complete copy of (nothing to take along). */
  missing: string[];
}

/** The image path a snapshot's mark names, when it lies in the configured store (anything else is not ours to copy). */
function imageDir(ctx: CoreContext, rec: DatasetRecord): string | undefined {
  const dir = rec.user[USER_PROPS.image];
  if (!dir) return undefined;
  const root = ctx.config.criu.store.replace(/\/+$/, '');
  const rel = dir.startsWith(`${root}/`) ? dir.slice(root.length + 1) : '';
  return /^[^/.][^/]*\/[^/.][^/]*$/.test(rel) ? dir : undefined;
}

/** Which stateful checkpoints among `snapshots` have an image the target's store lacks. */
export async function planImages(ctx: CoreContext, target: ReplicationTarget, snapshots: readonly DatasetRecord[]): Promise<ImagesPlan> {
  const plan: ImagesPlan = { copy: [], there: 0, missing: [] };
  const stateful = snapshots.map((rec) => ({ rec, dir: imageDir(ctx, rec) })).filter((x): x is { rec: DatasetRecord; dir: string } => x.dir !== undefined);
  if (!stateful.length) return plan;
  const dst = requireTargetFiles(target);
  for (const { rec, dir } of stateful) {
    // Each side on its own node: both at once (one checkpoint after another, so a long tree opens no more than two
    // sessions at a time on a node's shared connection).
    const [mine, theirs] = await Promise.all([publishedManifest(ctx.fs, dir), publishedManifest(dst.fs, dir)]);
    if (!mine) {
      plan.missing.push(rec.name);
      continue;
    }
    if (theirs && theirs.sha256 === mine.sha256) plan.there++;
    else plan.copy.push({ snapshot: rec.name, dir, sha256: mine.sha256, bytes: mine.compressed_size });
  }
  return plan;
}

function requireTargetFiles(target: ReplicationTarget): CoreContext {
  if (!target.ctx) {
    throw new LxcriError('unsupported', `the files of ${target.node} are not reachable from here`, 'run it from a console with the cluster configured', 1);
  }
  return target.ctx;
}

const scratchOf = (img: ImageToCopy) => {
  const cut = img.dir.lastIndexOf('/');
  return `${img.dir.slice(0, cut)}/${TMP_PREFIX}${img.dir.slice(cut + 1)}-copy`;
};

/**
 * Copies one image into the target's store: scratch directory, stream, sha256 checked there, completion marker last,
 * renamed into place. A complete image already there with the same sha256 is left as it is (a finish after a kill).
 */
export async function copyImage(target: ReplicationTarget, img: ImageToCopy): Promise<void> {
  const dst = requireTargetFiles(target);
  const there = await publishedManifest(dst.fs, img.dir);
  if (there?.sha256 === img.sha256) return;
  const scratch = scratchOf(img);
  // An image is as long to stream and hash as a dataset: the long timeout, as for zfs send and receive.
  const timeoutMs = dst.config.runner.long_timeout_seconds * 1000;
  await dst.fs.remove(scratch);
  await dst.fs.mkdir(scratch);
  try {
    // Marked in progress first, as the store's own writes are: a gc on that node leaves it to its writer.
    await dst.fs.writeAtomic(`${scratch}/${INPROGRESS}`, `${JSON.stringify(newMarker(Date.now()))}\n`);
    await target.transfer(
      cmd('tar', ['-C', img.dir, '-cf', '-', '--', ARCHIVE, MANIFEST], false, { timeoutMs }),
      cmd('tar', ['-C', scratch, '-xf', '-'], true, { timeoutMs }),
    );
    const sum = (await dst.runner.run(cmd('sha256sum', ['--', `${scratch}/${ARCHIVE}`], false, { timeoutMs }))).stdout.split(/\s/)[0];
    if (sum !== img.sha256) {
      throw new LxcriError(
        'image-corrupt',
        `the CRIU image of ${img.snapshot} arrived on ${target.node} with sha256 ${sum || '(none)'}, not the manifest's ${img.sha256}`,
        `nothing was kept there; check the image on the source (lxcri-console verify) and replicate again`,
      );
    }
    await dst.fs.writeAtomic(`${scratch}/${COMPLETE}`, '');
    // An image of that name that is not this one (incomplete, or another sha256) is replaced whole.
    await dst.fs.remove(img.dir);
    await dst.fs.rename(scratch, img.dir);
    await dst.fs.remove(`${img.dir}/${INPROGRESS}`);
  } catch (error) {
    await dst.fs.remove(scratch).catch(() => undefined);
    throw error;
  }
}

/** Undoes copyImage: the copy and its scratch directory removed from the target's store (never the source's). */
export async function removeCopiedImage(target: ReplicationTarget, img: ImageToCopy): Promise<void> {
  const dst = requireTargetFiles(target);
  await dst.fs.remove(scratchOf(img));
  const there = await publishedManifest(dst.fs, img.dir);
  if (there?.sha256 === img.sha256) await dst.fs.remove(img.dir);
}

/** `criu check` on the target: undefined when it passes, else why not (its last line of output, or the missing tool). */
export async function criuCheck(target: ReplicationTarget): Promise<string | undefined> {
  const dst = requireTargetFiles(target);
  try {
    await dst.runner.run(cmd('criu', ['check'], false, { timeoutMs: 30_000 }));
    return undefined;
  } catch (error) {
    if (error instanceof ToolFailedError) {
      const out = `${error.result.stderr}\n${error.result.stdout}`
        .split('\n')
        .map((l) => l.trim())
        .filter(Boolean);
      return out.pop() ?? `criu check exited ${error.result.exitCode}`;
    }
    if (error instanceof ToolMissingError) return 'criu is not installed there';
    throw error;
  }
}

/**
 * The plan with the images of the tree's stateful checkpoints: those the target's store lacks are copied after the
 * datasets; the pre-flight says how many go and how many are there already, and whether CRIU works there (advisory:
 * the checkpoints are worth having there even when their processes cannot be brought back).
 */
export async function withImages(ctx: CoreContext, c: LoadedContainer, target: ReplicationTarget, plan: ReplicatePlan): Promise<ReplicatePlan> {
  const family = new Set(ownFamily(c.inventory, c.dataset));
  const snapshots = c.inventory.records.filter((r) => r.type === 'snapshot' && family.has(r.name.slice(0, r.name.indexOf('@'))));
  const images = await planImages(ctx, target, snapshots);
  if (!images.copy.length && !images.there && !images.missing.length) return plan;
  const why = await criuCheck(target);
  const checks: PreflightCheck[] = [
    {
      check: 'images',
      subject: target.node,
      ok: true,
      count: images.copy.length,
      there: images.there,
      need: images.copy.reduce((n, i) => n + i.bytes, 0),
      ...(images.missing.length ? { missing: images.missing.length } : {}),
    },
    { check: 'criu', subject: target.node, ok: why === undefined, advisory: true, ...(why !== undefined ? { reason: why } : {}) },
  ];
  return { ...plan, preflight: [...plan.preflight, ...checks], images: images.copy };
}
