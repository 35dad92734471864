import type { Container } from './containers/types.js';
import { classifySnapshot } from './model/classify.js';
import { mountable } from './model/dataset.js';
import { Inventory } from './model/inventory.js';
import { ownFamily } from './model/ownership.js';
import { poolOf } from './tools/zfs/names.js';
import type { ZfsCapabilities } from './tools/zfs/capabilities.js';
import type { PoolRecord } from './tools/zpool/parse.js';

/** A container with what its checkpoints cost: the containers pane and `list` read this. */
export interface ContainerSummary extends Container {
  pool?: string;
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
  /** The node it lives on (a cluster's merged world; absent on a single host). Its `id` is then the cluster ref. */
  node?: string;
  /** Its id on that node (a cluster's merged world, where `id` may read `<node>:<id>`). */
  nodeId?: string;
  /** The live dataset is not mounted (zfs says mounted=no, mountpoint not none/legacy): the container cannot start. */
  unmounted?: boolean;
}

/** What the faces show of a cluster node (src/core/nodes/cluster.ts keeps it). */
export interface NodeInfo {
  name: string;
  local: boolean;
  /** pmxcfs's view (from /etc/pve/.members); an offline node is not contacted. */
  online?: boolean;
  /** Undefined until the first refresh tried it. */
  reachable?: boolean;
  flavour?: string;
  version?: string;
  /** Why it is unreachable: ssh's own words, or the timeout. */
  error?: string;
}

/** One node as a cluster's merged world shows it, with its own world (its listing and pools) when it answered. */
export interface WorldNode extends NodeInfo {
  world?: World;
}

export interface World {
  capabilities: ZfsCapabilities;
  base: string;
  inventory: Inventory;
  pools: PoolRecord[];
  containers: ContainerSummary[];
  refreshedAt: number;
  /** A cluster of several nodes: each with its own world; `containers` then holds every node's, `pools` too. */
  nodes?: WorldNode[];
  /** The cluster's name and quorum (from /etc/pve/.members). */
  cluster?: { name?: string; quorate?: boolean };
}

export { poolOf } from './tools/zfs/names.js';

export function summarizeContainers(containers: readonly Container[], inventory: Inventory): ContainerSummary[] {
  return containers.map((c) => summarizeContainer(c, inventory));
}

export function summarizeContainer(container: Container, inventory: Inventory): ContainerSummary {
  const summary: ContainerSummary = {
    ...container,
    checkpoints: 0,
    safety: 0,
    foreign: 0,
    branches: 0,
    usedBySnapshots: 0,
    usedByDataset: 0,
    used: 0,
  };
  const dataset = container.dataset;
  if (!dataset) return summary;
  summary.pool = poolOf(dataset);
  if (!inventory.get(dataset)) {
    summary.reason = `dataset ${dataset} does not exist`;
    return summary;
  }
  const live = inventory.get(dataset)!;
  if (live.mounted === false && mountable(live)) summary.unmounted = true;
  const family = ownFamily(inventory, dataset);
  summary.branches = Math.max(0, family.length - 1);
  for (const ds of family) {
    const rec = inventory.get(ds)!;
    summary.usedBySnapshots += rec.usedbysnapshots ?? 0;
    summary.usedByDataset += rec.usedbydataset ?? 0;
    summary.used += rec.used;
    for (const snap of inventory.snapshotsOf(ds)) {
      const cls = classifySnapshot(snap.name.slice(snap.name.indexOf('@') + 1), snap);
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
