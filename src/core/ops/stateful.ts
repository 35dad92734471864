import { copyFile, readFile, rm } from 'node:fs/promises';
import type { CoreContext } from '../context.js';
import { LxcriError, RefusedError } from '../errors.js';
import { criuFailure, parseCriuVersion } from '../criu/criu-log.js';
import { imageStore, type ImageManifest } from '../criu/store.js';
import { USER_PREFIX, USER_PROPS } from '../model/dataset.js';
import { cmd } from '../runner/command.js';
import { ToolFailedError, ToolMissingError } from '../runner/errors.js';
import { checkpointProps, validateLabel } from './checkpoint.js';
import { explainMissing, resolveContainer } from './container.js';
import { liveStatus } from './lifecycle.js';
import { createWithFreshName } from './snapshot-name.js';
import { OperationFailedError, runSteps } from './steps.js';

export const ZFS_FALLBACK_WARNING = 'ZFS not available, falling back to CRIU-only checkpoint';

export interface StatefulCheckpointResult {
  container: string;
  checkpointId: string;
  /** Undefined for a CRIU-only checkpoint. */
  snapshot?: string;
  image: string;
  manifest: ImageManifest;
  warning?: string;
}

async function zfsAvailable(ctx: CoreContext): Promise<boolean> {
  try {
    await ctx.zfs.detect();
    return true;
  } catch (error) {
    if (error instanceof ToolMissingError || (error instanceof LxcriError && error.code === 'zfs-unavailable')) return false;
    throw error;
  }
}

async function criuVersion(ctx: CoreContext): Promise<string> {
  try {
    return parseCriuVersion((await ctx.runner.run(cmd('criu', ['--version']))).stdout) ?? 'unknown';
  } catch (error) {
    if (error instanceof ToolMissingError) throw new LxcriError('criu-missing', 'CRIU not available: `criu` not found', 'install criu (apt-get install criu) for stateful checkpoints');
    throw error;
  }
}

/**
 * A stateful checkpoint: CRIU dumps the running container's processes through `lxc-checkpoint` (which knows the
 * container's namespaces, cgroups and mounts) and leaves it running; the ZFS snapshot is taken right after and points
 * at the archived images (`lxcri:image`). A failed dump leaves nothing behind but its log.
 */
export async function statefulCheckpoint(ctx: CoreContext, id: string, opts: { label?: string } = {}, onStep?: (t: string) => void): Promise<StatefulCheckpointResult> {
  if (opts.label !== undefined) validateLabel(opts.label);
  const ref = await resolveContainer(ctx, id);
  const status = await liveStatus(ctx, ref.container);
  if (status !== 'running') {
    throw new RefusedError(`container ${id} is ${status}; a stateful checkpoint saves a running container's memory`, 'start it first, or take a plain checkpoint without --stateful');
  }
  const withZfs = await zfsAvailable(ctx);
  const version = await criuVersion(ctx);
  const store = imageStore(ctx.config, ctx.runner);
  const seconds = Math.floor(ctx.now() / 1000);
  const provisional = `checkpoint-${seconds}`;
  const scratch = await store.scratch(id, provisional);
  let checkpointId = provisional;
  let snapshot: string | undefined;
  let manifest: ImageManifest | undefined;
  await runSteps(`stateful checkpoint of ${id}`, [
    {
      title: `CRIU dump of ${id} (lxc-checkpoint, container left running)`,
      run: async () => {
        try {
          await ctx.lxc.checkpoint(id, `${scratch}/images`);
        } catch (error) {
          const log = await readFile(`${scratch}/images/dump.log`, 'utf8').catch(() => '');
          const kept = `${ctx.config.criu.store}/${id}/last-failed-dump.log`;
          await copyFile(`${scratch}/images/dump.log`, kept).catch(() => undefined);
          await rm(scratch, { recursive: true, force: true });
          const stderr = error instanceof ToolFailedError ? error.stderr : '';
          throw new LxcriError(
            'criu-failed',
            `CRIU dump of ${id} failed: ${criuFailure(log, stderr)}`,
            `the container keeps running and no checkpoint was made; CRIU's log is in ${kept} (this kernel or CRIU version may not support dumping it); take a plain checkpoint without --stateful`,
          );
        }
      },
      undo: () => rm(scratch, { recursive: true, force: true }),
    },
    ...(withZfs
      ? [{
          title: `snapshot ${ref.dataset}`,
          run: async () => {
            checkpointId = await createWithFreshName('checkpoint', seconds, [ref.dataset], undefined, (n) =>
              ctx.zfs.snapshot([`${ref.dataset}@${n}`], {
                ...checkpointProps(ctx, 'checkpoint', opts.label),
                [USER_PREFIX + USER_PROPS.image]: store.dir(id, n),
              }), ctx.created,
            ).catch(explainMissing([ref]));
            snapshot = `${ref.dataset}@${checkpointId}`;
          },
          undo: () => ctx.zfs.destroy(snapshot!),
        }]
      : []),
    {
      title: 'archive the images into the checkpoint store',
      run: async () => {
        const guid = snapshot ? await ctx.zfs.guid(snapshot) : null;
        manifest = await store.publish(scratch, {
          container: id, checkpoint_id: checkpointId, zfs_snapshot: snapshot ?? null, zfs_guid: guid,
          criu_version: version, tool: 'lxc-checkpoint',
        });
      },
      undo: () => rm(store.dir(id, checkpointId), { recursive: true, force: true }),
    },
  ], onStep).catch((error: unknown) => {
    // A failed dump did nothing yet: its own error says it best.
    if (error instanceof OperationFailedError && error.steps.length === 1) throw error.failure;
    throw error;
  });
  return {
    container: id, checkpointId, ...(snapshot ? { snapshot } : {}), image: store.dir(id, checkpointId), manifest: manifest!,
    ...(withZfs ? {} : { warning: ZFS_FALLBACK_WARNING }),
  };
}

/**
 * Brings back a stateful checkpoint's processes after its filesystem was restored: verifies the archive's sha256,
 * unpacks it and has `lxc-checkpoint -r` restore it. With `coldFallback`, a failed CRIU restore starts the container
 * cold instead; without it the error says so and the container stays stopped.
 */
export async function criuRestore(ctx: CoreContext, id: string, image: string, coldFallback: boolean, onStep?: (t: string) => void): Promise<'criu' | 'cold'> {
  const store = imageStore(ctx.config, ctx.runner);
  onStep?.(`verify ${image}`);
  let dir: string | undefined;
  try {
    dir = await store.verifyAndExtract(image);
    onStep?.(`CRIU restore of ${id}`);
    await ctx.lxc.restore(id, dir);
    return 'criu';
  } catch (error) {
    const log = dir ? await readFile(`${dir}/restore.log`, 'utf8').catch(() => '') : '';
    const reason = error instanceof ToolFailedError ? criuFailure(log, error.stderr) : (error as Error).message;
    if (coldFallback) {
      onStep?.(`CRIU restore failed (${reason}); starting ${id} cold`);
      await ctx.lxc.start(id);
      return 'cold';
    }
    throw new LxcriError(
      'criu-restore-failed',
      `CRIU restore of ${id} failed: ${reason}; its filesystem is restored and it is stopped`,
      `start it cold with \`lxc-start -n ${id}\`, or restore again with --cold-fallback`,
    );
  } finally {
    if (dir) await rm(dir, { recursive: true, force: true });
  }
}

/** Removes incomplete image directories (none of their container's operations running) and images whose snapshot is gone. */
export async function collectGarbage(ctx: CoreContext, liveGuids: ReadonlySet<string>, busy: ReadonlySet<string>): Promise<Array<{ dir: string; why: string; bytes: number }>> {
  const store = imageStore(ctx.config, ctx.runner);
  const removed: Array<{ dir: string; why: string; bytes: number }> = [];
  for (const e of await store.entries()) {
    if (busy.has(e.container) || e.name.endsWith('.log')) continue;
    const complete = await store.complete(e.dir);
    const manifest = complete ? await store.manifest(e.dir) : undefined;
    let why: string | undefined;
    if (!complete) why = 'incomplete (the dump never finished)';
    else if (manifest?.zfs_guid && !liveGuids.has(manifest.zfs_guid)) why = `its snapshot ${manifest.zfs_snapshot} is gone`;
    if (!why) continue;
    await rm(e.dir, { recursive: true, force: true });
    removed.push({ dir: e.dir, why, bytes: manifest?.compressed_size ?? 0 });
  }
  return removed;
}
