import type { CoreContext } from '../context.js';
import { UsageError } from '../errors.js';
import { USER_PREFIX, USER_PROPS } from '../model/dataset.js';
import type { Inventory } from '../model/inventory.js';
import { parentDataset } from '../tools/zfs/names.js';
import { explainMissing, readInventory, requireDataset, type ContainerRef } from './container.js';
import { runOperation, type OperationDef } from './engine.js';
import { tolerate, whenRecovering } from './steps.js';
import { createWithFreshName, freeSnapshotName, namesTakenOn } from './snapshot-name.js';

export interface CheckpointResult {
  container: string;
  dataset: string;
  snapshot: string;
  name: string;
  creation: number;
  label?: string;
}

export type GroupMethod = 'single' | 'multi-name' | 'recursive' | 'sequential';

export interface GroupCheckpointResult {
  method: GroupMethod;
  atomic: boolean;
  /** Why the group was not atomic, when it was not. */
  note?: string;
  checkpoints: CheckpointResult[];
}

export interface CheckpointOptions {
  label?: string;
}

export function validateLabel(label: string): string {
  if (/[\t\n\r]/.test(label)) throw new UsageError('label must be one line without tabs', 'remove tabs and line breaks from --label');
  const control = /[\x00-\x1f\x7f-\x9f]/.exec(label);
  if (control) {
    const code = control[0].charCodeAt(0).toString(16).padStart(2, '0');
    throw new UsageError(
      `label contains the control character \\x${code}`,
      'labels are plain text: remove escape sequences and control characters from --label',
    );
  }
  if (label.length > 1024) throw new UsageError(`label is ${label.length} characters long`, 'keep --label under 1024 characters');
  return label;
}

export function checkpointProps(ctx: CoreContext, kind: 'checkpoint' | 'safety', label?: string): Record<string, string> {
  return {
    [USER_PREFIX + USER_PROPS.kind]: kind,
    [USER_PREFIX + USER_PROPS.createdBy]: ctx.identity.user,
    [USER_PREFIX + USER_PROPS.host]: ctx.identity.host,
    ...(label ? { [USER_PREFIX + USER_PROPS.label]: label } : {}),
  };
}

export interface GroupCheckpointInput {
  snapshots: string[];
  props: Record<string, string>;
}

/** One snapshot per container, one after another, all or nothing. */
export const GROUP_CHECKPOINT: OperationDef<GroupCheckpointInput> = {
  name: 'group-checkpoint',
  steps: (ctx, input, recovering) =>
    input.snapshots.map((snap) => ({
      title: `snapshot ${snap}`,
      // Only after a crash may the snapshot be ours already; on the first run an existing name is someone else's.
      run: () => tolerate(() => ctx.zfs.snapshot([snap], input.props), ...whenRecovering(recovering, 'exists')),
      undo: () => tolerate(() => ctx.zfs.destroy(snap), 'not-found'),
    })),
};

export interface RecursiveCheckpointInput {
  parent: string;
  name: string;
  datasets: string[];
  props: Record<string, string>;
}

/** `zfs snapshot -r` on the containers' common parent (atomic on zfs-fuse), then the parent's own snapshot goes. */
export const RECURSIVE_CHECKPOINT: OperationDef<RecursiveCheckpointInput> = {
  name: 'recursive-checkpoint',
  steps: (ctx, i, recovering) => [
    {
      title: `snapshot -r ${i.parent}@${i.name}`,
      run: () => tolerate(() => ctx.zfs.snapshot([`${i.parent}@${i.name}`], i.props, true), ...whenRecovering(recovering, 'exists')),
      undo: async () => {
        for (const ds of [...i.datasets, i.parent]) await tolerate(() => ctx.zfs.destroy(`${ds}@${i.name}`), 'not-found');
      },
    },
    // -r also snapshotted the parent itself, which is no container: remove that one.
    { title: `destroy ${i.parent}@${i.name}`, run: () => tolerate(() => ctx.zfs.destroy(`${i.parent}@${i.name}`), 'not-found') },
  ],
};

/** True when `parent`'s descendants are exactly `datasets` (so `zfs snapshot -r parent@x` takes nothing else but parent@x). */
function recursiveCoversExactly(parent: string, datasets: readonly string[], inventory: Inventory): boolean {
  const wanted = new Set(datasets);
  const under = inventory.filesystems.filter((d) => d.name.startsWith(parent + '/'));
  return under.length === wanted.size && under.every((d) => wanted.has(d.name));
}

/**
 * Checkpoints one or more containers under one name. Several containers go in one atomic `zfs snapshot` where the
 * ZFS can: several names in one call (OpenZFS), or `-r` on a parent holding exactly these datasets (zfs-fuse).
 * Otherwise they are taken one after another, all-or-nothing, and the result says it was not atomic.
 */
export async function checkpoint(ctx: CoreContext, refs: readonly ContainerRef[], opts: CheckpointOptions = {}): Promise<GroupCheckpointResult> {
  if (!refs.length) throw new UsageError('no container given', 'name at least one container: lxcri-console checkpoint <container...>');
  const caps = await ctx.zfs.detect();
  const seconds = Math.floor(ctx.now() / 1000);
  const props = checkpointProps(ctx, 'checkpoint', opts.label);
  const datasets = refs.map((r) => r.dataset);
  const results = (name: string): CheckpointResult[] =>
    refs.map((r: ContainerRef) => ({
      container: r.id,
      dataset: r.dataset,
      snapshot: `${r.dataset}@${name}`,
      name,
      creation: seconds,
      ...(opts.label ? { label: opts.label } : {}),
    }));

  // One atomic call needs no listing first: zfs itself refuses a missing dataset, and a taken name is retried.
  if (refs.length === 1 || caps.multiSnapshot) {
    const name = await createWithFreshName(
      'checkpoint',
      seconds,
      datasets,
      undefined,
      (n) =>
        ctx.zfs.snapshot(
          datasets.map((d) => `${d}@${n}`),
          props,
        ),
      ctx.created,
    ).catch(explainMissing(refs));
    return { method: refs.length === 1 ? 'single' : 'multi-name', atomic: true, checkpoints: results(name) };
  }

  const pools = new Set(datasets.map((d) => d.split('/')[0]));
  const { inventory } = await readInventory(ctx, pools.size === 1 ? [...pools][0] : undefined);
  for (const ref of refs) requireDataset(inventory, ref);

  const parents = new Set(datasets.map((d) => parentDataset(d)));
  const parent = parents.size === 1 ? [...parents][0] : undefined;
  const container = refs.map((r) => r.id).join(' ');
  if (parent && recursiveCoversExactly(parent, datasets, inventory)) {
    // The datasets are locked, so the name chosen from the listing stays free; the journal covers a kill between
    // `snapshot -r` and removing the parent's own snapshot.
    const name = freeSnapshotName('checkpoint', seconds, [parent, ...datasets], inventory, namesTakenOn(ctx.created, [parent, ...datasets]));
    await runOperation(ctx, RECURSIVE_CHECKPOINT, {
      container,
      datasets,
      title: 'group checkpoint',
      input: { parent, name, datasets: [...datasets], props },
    });
    for (const ds of datasets) ctx.created.add(`${ds}@${name}`);
    return { method: 'recursive', atomic: true, checkpoints: results(name) };
  }

  const started = performance.now();
  const chosen = freeSnapshotName('checkpoint', seconds, datasets, inventory, namesTakenOn(ctx.created, datasets));
  const snapshots = datasets.map((ds) => `${ds}@${chosen}`);
  await runOperation(ctx, GROUP_CHECKPOINT, { container, datasets, title: 'group checkpoint', input: { snapshots, props } });
  for (const s of snapshots) ctx.created.add(s);
  const ms = Math.round(performance.now() - started);
  return {
    method: 'sequential',
    atomic: false,
    note:
      `not atomic: ${caps.flavour}${caps.version === 'legacy' ? '' : ` (${caps.version})`} takes one snapshot per call and ${parent ?? 'these datasets'} ` +
      `${parent ? 'holds other datasets too' : 'have no common parent'}; the ${refs.length} checkpoints were taken one after another within ${ms} ms`,
    checkpoints: results(chosen),
  };
}
