import type { CoreContext } from '../context.js';
import { LxcriError, RefusedError } from '../errors.js';
import { criuFailure, parseCriuVersion } from '../criu/criu-log.js';
import { imageStore, requireLocalImageStore, type ImageArtifact, type ImageManifest } from '../criu/store.js';
import { USER_PREFIX, USER_PROPS } from '../model/dataset.js';
import { cmd } from '../runner/command.js';
import { ToolFailedError, ToolMissingError } from '../runner/errors.js';
import { checkpointProps } from './checkpoint.js';
import { explainMissing, readInventory, requireDataset, type ContainerRef } from './container.js';
import { poolOf } from '../world.js';
import { restoreProcesses } from '../criu/restore-processes.js';
import { runOperation, type OnStep, type OperationDef } from './engine.js';
import { liveStatus } from './lifecycle.js';
import { freeSnapshotName, namesTakenOn } from './snapshot-name.js';
import { OperationFailedError, tolerate, whenRecovering, type Step } from './steps.js';

export const ZFS_FALLBACK_WARNING = 'ZFS not available, falling back to CRIU-only checkpoint';

export interface StatefulCheckpointResult {
  container: string;
  checkpointId: string;
  /** Undefined for a CRIU-only checkpoint. */
  snapshot?: string;
  image: string;
  manifest: ImageManifest;
  /** The image's files as shared://<container>/<checkpoint id>/<name> URIs, with sha256 and size. */
  artifacts: ImageArtifact[];
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
    if (error instanceof ToolMissingError)
      throw new LxcriError('criu-missing', 'CRIU not available: `criu` not found', 'install criu (apt-get install criu) for stateful checkpoints');
    throw error;
  }
}

export interface StatefulInput {
  container: string;
  /** Undefined for a CRIU-only checkpoint (no ZFS). */
  dataset?: string;
  scratch: string;
  props: Record<string, string>;
  criuVersion: string;
  /** Chosen free before the first step (the datasets are locked), so the journal names the snapshot from the start. */
  checkpointId: string;
}

function snapshotOf(i: StatefulInput): string | undefined {
  return i.dataset ? `${i.dataset}@${i.checkpointId}` : undefined;
}

/**
 * A stateful checkpoint's steps: the CRIU dump (the container keeps running), the ZFS snapshot pointing at the
 * image, the archive published into the store. Each is undone if a later one fails or the process is killed.
 */
export const STATEFUL_CHECKPOINT: OperationDef<StatefulInput> = {
  name: 'stateful-checkpoint',
  steps: (ctx, i, recovering, out) => {
    // Also when an interrupted one is recovered: its image store is this machine's.
    requireLocalImageStore(ctx);
    const store = imageStore(ctx.config, ctx.runner);
    const snapshot = snapshotOf(i);
    // Finishing after a crash may pair a dump with a snapshot only when both are of one moment: the dump redone now,
    // or the snapshot already taken then.
    let dumpedNow = false;
    const steps: Step[] = [
      {
        title: `CRIU dump of ${i.container} (lxc-checkpoint, container left running)`,
        run: async () => {
          try {
            // Run again after a crash, the dump starts over in an empty directory (CRIU refuses a used one).
            if (recovering) {
              await ctx.fs.remove(`${i.scratch}/images`);
              await ctx.fs.mkdir(`${i.scratch}/images`);
            }
            await ctx.lxc.checkpoint(i.container, `${i.scratch}/images`);
            dumpedNow = true;
          } catch (error) {
            const dumpLog = await ctx.fs.readFile(`${i.scratch}/images/dump.log`);
            const log = dumpLog ?? '';
            const kept = `${ctx.config.criu.store}/${i.container}/last-failed-dump.log`;
            if (dumpLog !== undefined) await ctx.fs.writeAtomic(kept, dumpLog).catch(() => undefined);
            await ctx.fs.remove(i.scratch);
            const stderr = error instanceof ToolFailedError ? error.stderr : '';
            throw new LxcriError(
              'criu-failed',
              `CRIU dump of ${i.container} failed: ${criuFailure(log, stderr)}`,
              `the container keeps running and no checkpoint was made; CRIU's log is in ${kept} (this kernel or CRIU version may not support dumping it); take a plain checkpoint without --stateful`,
            );
          }
        },
        undo: () => ctx.fs.remove(i.scratch),
      },
    ];
    if (i.dataset) {
      const dataset = i.dataset;
      steps.push({
        title: `snapshot ${dataset}`,
        // The name was chosen (and journaled) before the first step: a kill right after `zfs snapshot` leaves a
        // journal that names it, so recovery finds it; only when recovering can it exist already.
        run: async () => {
          if (recovering && !dumpedNow && !(await ctx.zfs.exists(snapshot!))) {
            throw new RefusedError(
              `the memory dump of ${i.container} was taken before the interruption; a snapshot taken now would not match it`,
              'undo it instead (lxcri-console recover <id> --undo) and take a new stateful checkpoint',
            );
          }
          await tolerate(
            () => ctx.zfs.snapshot([snapshot!], { ...i.props, [USER_PREFIX + USER_PROPS.image]: store.dir(i.container, i.checkpointId) }),
            ...whenRecovering(recovering, 'exists'),
          ).catch(explainMissing([{ id: i.container, dataset }]));
          ctx.created.add(snapshot!);
        },
        undo: () => tolerate(() => ctx.zfs.destroy(snapshot!), 'not-found'),
      });
    }
    steps.push({
      title: 'archive the images into the checkpoint store',
      run: async () => {
        const meta = {
          container: i.container,
          checkpoint_id: i.checkpointId,
          zfs_snapshot: snapshot ?? null,
          zfs_guid: snapshot ? await ctx.zfs.guid(snapshot) : null,
          criu_version: i.criuVersion,
          tool: 'lxc-checkpoint',
        };
        const manifest = recovering ? await store.publishAgain(i.scratch, meta) : await store.publish(i.scratch, meta);
        if (out) out.manifest = manifest;
      },
      undo: () => ctx.fs.remove(store.dir(i.container, i.checkpointId)),
    });
    return steps;
  },
};

/**
 * A stateful checkpoint: CRIU dumps the running container's processes through `lxc-checkpoint` (which knows the
 * container's namespaces, cgroups and mounts) and leaves it running; the ZFS snapshot is taken right after and points
 * at the archived images (`lxcri:image`). A failed dump leaves nothing behind but its log.
 */
export async function statefulCheckpoint(
  ctx: CoreContext,
  ref: ContainerRef,
  opts: { label?: string } = {},
  onStep?: OnStep,
): Promise<StatefulCheckpointResult> {
  requireLocalImageStore(ctx);
  const id = ref.id;
  const status = await liveStatus(ctx, ref.container);
  if (status !== 'running') {
    throw new RefusedError(
      `container ${id} is ${status}; a stateful checkpoint saves a running container's memory`,
      'start it first, or take a plain checkpoint without --stateful',
    );
  }
  const withZfs = await zfsAvailable(ctx);
  const version = await criuVersion(ctx);
  const store = imageStore(ctx.config, ctx.runner);
  const seconds = Math.floor(ctx.now() / 1000);
  let checkpointId = `checkpoint-${seconds}`;
  if (withZfs) {
    const { inventory } = await readInventory(ctx, poolOf(ref.dataset));
    requireDataset(inventory, ref);
    checkpointId = freeSnapshotName('checkpoint', seconds, [ref.dataset], inventory, namesTakenOn(ctx.created, [ref.dataset]));
  }
  const input: StatefulInput = {
    container: id,
    ...(withZfs ? { dataset: ref.dataset } : {}),
    scratch: await store.scratch(id, checkpointId),
    props: checkpointProps(ctx, 'checkpoint', opts.label),
    criuVersion: version,
    checkpointId,
  };
  const out: { manifest?: ImageManifest } = {};
  await runOperation(ctx, STATEFUL_CHECKPOINT, { container: id, datasets: [ref.dataset], title: `stateful checkpoint of ${id}`, input }, onStep, out).catch(
    (error: unknown) => {
      // A failed dump did nothing yet: its own error says it best.
      if (error instanceof OperationFailedError && error.steps.filter((s) => s.status !== 'pending').length === 1) throw error.failure;
      throw error;
    },
  );
  const manifest = out.manifest!;
  return {
    container: id,
    checkpointId: input.checkpointId,
    ...(snapshotOf(input) ? { snapshot: snapshotOf(input)! } : {}),
    image: store.dir(id, input.checkpointId),
    manifest,
    artifacts: manifest.artifacts ?? [],
    ...(withZfs ? {} : { warning: ZFS_FALLBACK_WARNING }),
  };
}

/**
 * Brings back a stateful checkpoint's processes after its filesystem was restored: verifies the archive's sha256,
 * unpacks it and has `lxc-checkpoint -r` restore it (cold with `coldFallback` when that fails).
 */
export function criuRestore(ctx: CoreContext, id: string, image: string, coldFallback: boolean, onStep?: (t: string) => void): Promise<'criu' | 'cold'> {
  const store = imageStore(ctx.config, ctx.runner);
  return restoreProcesses(
    ctx,
    id,
    {
      name: image,
      unpack: async () => {
        // Refused here too (not only by planLifecycle): with --cold-fallback the container then starts cold.
        requireLocalImageStore(ctx);
        const dir = await store.verifyAndExtract(image);
        return { images: dir, cleanup: dir };
      },
    },
    coldFallback,
    onStep,
  );
}
