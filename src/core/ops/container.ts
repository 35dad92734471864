import type { CoreContext } from '../context.js';
import { LxcriError, NotFoundError, UsageError } from '../errors.js';
import { describeContainer } from '../containers/registry.js';
import type { Container } from '../containers/types.js';
import { Inventory } from '../model/inventory.js';
import { buildTree, type CheckpointTree } from '../model/tree.js';
import type { ZfsCapabilities } from '../tools/zfs/capabilities.js';
import { validateContainerId, validateDatasetName } from '../tools/zfs/names.js';
import { poolOf } from '../world.js';

export interface ContainerRef {
  id: string;
  dataset: string;
  container: Container;
}

export interface LoadedContainer extends ContainerRef {
  caps: ZfsCapabilities;
  inventory: Inventory;
  tree: CheckpointTree;
}

/**
 * Finds a container's dataset from its sources (Proxmox config + storage.cfg, LXC config, LXCRI state, or the
 * `<base_dataset>/<id>` convention) using file reads only, after validating the id.
 */
export async function resolveContainer(ctx: CoreContext, id: string): Promise<ContainerRef> {
  validateContainerId(id);
  const container = await describeContainer(ctx, id);
  if (!container.dataset) {
    throw new LxcriError(
      'no-dataset',
      `container ${id} has no ZFS dataset: ${container.reason ?? 'unknown'}`,
      'checkpoints need the root filesystem on ZFS (a zfspool storage, or an LXC rootfs on a ZFS dataset)',
    );
  }
  return { id, dataset: validateDatasetName(container.dataset), container };
}

/** Reads a listing (one process): one pool's datasets, or every pool's without a root. */
export async function readInventory(ctx: CoreContext, root?: string): Promise<{ caps: ZfsCapabilities; inventory: Inventory }> {
  const caps = await ctx.zfs.detect();
  const records = await ctx.zfs.listAll(root);
  return { caps, inventory: new Inventory(records) };
}

export function missingDataset(ref: Pick<ContainerRef, 'id' | 'dataset'>): NotFoundError {
  return new NotFoundError(
    `Dataset does not exist: ${ref.dataset}`,
    `check the container id '${ref.id}' (\`lxcri-console list\`) or zfs.base_dataset in the config`,
  );
}

/** For a `.catch`: zfs's own "dataset does not exist" about one of `refs` becomes the container-level message. */
export function explainMissing(refs: readonly Pick<ContainerRef, 'id' | 'dataset'>[]): (error: unknown) => never {
  return (error) => {
    const ref = error instanceof NotFoundError ? refs.find((r) => error.message.endsWith(`: ${r.dataset}`)) : undefined;
    throw ref ? missingDataset(ref) : error;
  };
}

export function requireDataset(inventory: Inventory, ref: Pick<ContainerRef, 'id' | 'dataset'>): void {
  const rec = inventory.get(ref.dataset);
  if (!rec) throw missingDataset(ref);
  if (rec.type !== 'filesystem') {
    throw new UsageError(`${ref.dataset} is a ${rec.type}, not a filesystem`, 'container datasets are ZFS filesystems');
  }
}

/**
 * A listing read while another process renames or promotes can contradict itself (the tree says so): read once
 * more, then give up with a clear message rather than act on it.
 */
async function consistentRead(
  ctx: CoreContext,
  root: string,
  refs: readonly ContainerRef[],
): Promise<{ caps: ZfsCapabilities; inventory: Inventory; trees: CheckpointTree[] }> {
  for (let attempt = 1; ; attempt++) {
    const { caps, inventory } = await readInventory(ctx, root);
    for (const r of refs) requireDataset(inventory, r);
    const trees = refs.map((r) => buildTree(r.id, r.dataset, inventory, { pveSnapshots: r.container.pveSnapshots }));
    const bad = trees.find((t) => t.inconsistent);
    if (!bad) return { caps, inventory, trees };
    if (attempt >= 2) {
      throw new LxcriError(
        'inconsistent',
        `the ZFS listing of ${root} was inconsistent twice (${bad.inconsistent}): another operation is renaming or promoting datasets of ${bad.container}`,
        'wait for that operation to finish (`lxcri-console recover` lists interrupted ones) and retry',
      );
    }
  }
}

/** Several containers with one listing per pool they live on (not one per container). */
export async function loadContainers(ctx: CoreContext, ids: readonly string[]): Promise<LoadedContainer[]> {
  const refs: ContainerRef[] = [];
  for (const id of ids) refs.push(await resolveContainer(ctx, id));
  return loadRefs(ctx, refs);
}

/** Loads already resolved containers: one consistent listing per pool. */
export async function loadRefs(ctx: CoreContext, refs: readonly ContainerRef[]): Promise<LoadedContainer[]> {
  const out = new Map<ContainerRef, LoadedContainer>();
  for (const pool of new Set(refs.map((r) => poolOf(r.dataset)))) {
    const mine = refs.filter((r) => poolOf(r.dataset) === pool);
    const { caps, inventory, trees } = await consistentRead(ctx, pool, mine);
    mine.forEach((r, i) => out.set(r, { ...r, caps, inventory, tree: trees[i]! }));
  }
  return refs.map((r) => out.get(r)!);
}

/** A container with its pool's listing and its checkpoint tree: what every operation starts from. */
export async function loadContainer(ctx: CoreContext, id: string, ref?: ContainerRef): Promise<LoadedContainer> {
  return (await loadRefs(ctx, [ref ?? (await resolveContainer(ctx, id))]))[0]!;
}
