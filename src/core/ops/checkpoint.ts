import type { CoreContext } from '../context.js';
import { UsageError } from '../errors.js';
import { USER_PREFIX, USER_PROPS } from '../model/dataset.js';
import type { Inventory } from '../model/inventory.js';
import { parentDataset } from '../tools/zfs/names.js';
import { explainMissing, readInventory, requireDataset, resolveContainer, type ContainerRef } from './container.js';
import { runJournaled } from './journaled.js';
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
export async function checkpoint(ctx: CoreContext, ids: readonly string[], opts: CheckpointOptions = {}): Promise<GroupCheckpointResult> {
  if (!ids.length) throw new UsageError('no container given', 'name at least one container: lxcri-console checkpoint <container...>');
  const dupe = ids.find((id, i) => ids.indexOf(id) !== i);
  if (dupe) throw new UsageError(`container ${dupe} is named twice`, 'name each container once');
  if (opts.label !== undefined) validateLabel(opts.label);
  const refs: ContainerRef[] = [];
  for (const id of ids) refs.push(await resolveContainer(ctx, id));
  const caps = await ctx.zfs.detect();
  const seconds = Math.floor(ctx.now() / 1000);
  const props = checkpointProps(ctx, 'checkpoint', opts.label);
  const datasets = refs.map((r) => r.dataset);
  const results = (name: string): CheckpointResult[] =>
    refs.map((r: ContainerRef) => ({
      container: r.id, dataset: r.dataset, snapshot: `${r.dataset}@${name}`, name, creation: seconds,
      ...(opts.label ? { label: opts.label } : {}),
    }));

  // One atomic call needs no listing first: zfs itself refuses a missing dataset, and a taken name is retried.
  if (refs.length === 1 || caps.multiSnapshot) {
    const name = await createWithFreshName('checkpoint', seconds, datasets, undefined, (n) =>
      ctx.zfs.snapshot(datasets.map((d) => `${d}@${n}`), props), ctx.created,
    ).catch(explainMissing(refs));
    return { method: refs.length === 1 ? 'single' : 'multi-name', atomic: true, checkpoints: results(name) };
  }

  const pools = new Set(datasets.map((d) => d.split('/')[0]));
  const { inventory } = await readInventory(ctx, pools.size === 1 ? [...pools][0] : undefined);
  for (const ref of refs) requireDataset(inventory, ref);

  const parents = new Set(datasets.map((d) => parentDataset(d)));
  const parent = parents.size === 1 ? [...parents][0] : undefined;
  if (parent && recursiveCoversExactly(parent, datasets, inventory)) {
    const name = await createWithFreshName('checkpoint', seconds, [parent, ...datasets], inventory, (n) =>
      ctx.zfs.snapshot([`${parent}@${n}`], props, true),
    );
    // -r also snapshotted the parent itself, which is no container: remove that one.
    await ctx.zfs.destroy(`${parent}@${name}`);
    return { method: 'recursive', atomic: true, checkpoints: results(name) };
  }

  const started = performance.now();
  const chosen = freeSnapshotName('checkpoint', seconds, datasets, inventory, namesTakenOn(ctx.created, datasets));
  const snapshots = datasets.map((ds) => `${ds}@${chosen}`);
  await runJournaled(ctx, 'group-checkpoint', refs.map((r) => r.id).join(' '), 'group checkpoint', { snapshots, props });
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
