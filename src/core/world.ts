import type { DatasetRecord } from './model/dataset.js';
import { Inventory } from './model/inventory.js';
import { classifySnapshot } from './model/classify.js';
import type { ZfsCapabilities } from './tools/zfs/capabilities.js';
import type { PoolRecord } from './tools/zpool/parse.js';
import { RESERVED_PREFIX } from './tools/zfs/names.js';

export interface ContainerSummary {
  id: string;
  /** The dataset the container runs on. */
  dataset: string;
  pool: string;
  checkpoints: number;
  safety: number;
  foreign: number;
  /** Datasets in the family besides the active one (former lines kept by branch restores). */
  branches: number;
  /** Bytes held by snapshots across the family. */
  usedBySnapshots: number;
  usedByDataset: number;
  used: number;
  latestCheckpoint?: { name: string; creation: number };
}

export interface World {
  capabilities: ZfsCapabilities;
  base: string;
  inventory: Inventory;
  pools: PoolRecord[];
  containers: ContainerSummary[];
  refreshedAt: number;
}

export function poolOf(dataset: string): string {
  const slash = dataset.indexOf('/');
  return slash < 0 ? dataset : dataset.slice(0, slash);
}

export function isBranchDataset(rec: DatasetRecord): boolean {
  return rec.user.branch !== undefined;
}

/** Containers by convention: filesystems directly under the base dataset that are not branch datasets. */
export function summarizeContainers(base: string, inventory: Inventory): ContainerSummary[] {
  return inventory
    .childrenOf(base)
    .filter((d) => d.type === 'filesystem' && !isBranchDataset(d) && !d.name.slice(base.length + 1).startsWith(RESERVED_PREFIX))
    .map((d) => summarizeContainer(d.name.slice(base.length + 1), d.name, inventory))
    .sort((a, b) => a.id.localeCompare(b.id, undefined, { numeric: true }));
}

export function summarizeContainer(id: string, dataset: string, inventory: Inventory): ContainerSummary {
  const family = inventory.family(dataset);
  const summary: ContainerSummary = {
    id, dataset, pool: poolOf(dataset), checkpoints: 0, safety: 0, foreign: 0,
    branches: Math.max(0, family.length - 1), usedBySnapshots: 0, usedByDataset: 0, used: 0,
  };
  for (const ds of family) {
    const rec = inventory.get(ds)!;
    summary.usedBySnapshots += rec.usedbysnapshots ?? 0;
    summary.usedByDataset += rec.usedbydataset ?? 0;
    summary.used += rec.used;
    for (const snap of inventory.snapshotsOf(ds)) {
      const short = snap.name.slice(snap.name.indexOf('@') + 1);
      const cls = classifySnapshot(short, snap);
      if (cls === 'checkpoint') {
        summary.checkpoints++;
        if (!summary.latestCheckpoint || snap.creation >= summary.latestCheckpoint.creation) {
          summary.latestCheckpoint = { name: snap.name, creation: snap.creation };
        }
      } else if (cls === 'safety') summary.safety++;
      else summary.foreign++;
    }
  }
  return summary;
}
