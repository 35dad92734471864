import type { CoreContext } from '../context.js';
import { NotFoundError, UsageError } from '../errors.js';
import { Inventory } from '../model/inventory.js';
import { buildTree, type CheckpointTree } from '../model/tree.js';
import type { ZfsCapabilities } from '../tools/zfs/capabilities.js';
import { validateContainerId, validateDatasetName } from '../tools/zfs/names.js';

export interface ContainerRef {
  id: string;
  dataset: string;
}

export interface LoadedContainer extends ContainerRef {
  caps: ZfsCapabilities;
  inventory: Inventory;
  tree: CheckpointTree;
}

/** Maps a container id to its dataset by the `<base_dataset>/<id>` convention, validating both first. */
export function containerRef(ctx: CoreContext, id: string): ContainerRef {
  validateContainerId(id);
  return { id, dataset: validateDatasetName(`${ctx.config.zfs.base_dataset}/${id}`) };
}

/** Reads the base dataset's whole listing (one process) into an inventory. */
export async function readInventory(ctx: CoreContext): Promise<{ caps: ZfsCapabilities; inventory: Inventory }> {
  const caps = await ctx.zfs.detect();
  const records = await ctx.zfs.listAll(ctx.config.zfs.base_dataset);
  return { caps, inventory: new Inventory(records) };
}

export function missingDataset(ref: ContainerRef): NotFoundError {
  return new NotFoundError(
    `Dataset does not exist: ${ref.dataset}`,
    `check the container id '${ref.id}' (\`lxcri-console list\`) or zfs.base_dataset in the config`,
  );
}

export function requireDataset(inventory: Inventory, ref: ContainerRef): void {
  const rec = inventory.get(ref.dataset);
  if (!rec) throw missingDataset(ref);
  if (rec.type !== 'filesystem') {
    throw new UsageError(`${ref.dataset} is a ${rec.type}, not a filesystem`, 'container datasets are ZFS filesystems');
  }
}

export async function loadContainer(ctx: CoreContext, id: string): Promise<LoadedContainer> {
  const ref = containerRef(ctx, id);
  const { caps, inventory } = await readInventory(ctx);
  requireDataset(inventory, ref);
  return { ...ref, caps, inventory, tree: buildTree(ref.id, ref.dataset, inventory) };
}
