import { classifySnapshot, foreignSource, type CheckpointClass } from './classify.js';
import { parseBranchMark, type DatasetRecord } from './dataset.js';
import type { Inventory } from './inventory.js';

export interface CheckpointNode {
  /** Snapshot guid, or `now:<dataset guid>` for a live state: stable across rename and promote. */
  id: string;
  kind: 'snapshot' | 'now';
  /** Dataset holding the snapshot (or whose live state this is). */
  dataset: string;
  /** Snapshot name after @, or "NOW". */
  name: string;
  /** `dataset@name`, or the dataset for NOW. */
  fullName: string;
  class: CheckpointClass | 'now';
  foreignSource?: string;
  createtxg: number;
  creation: number;
  used: number;
  referenced: number;
  written?: number;
  holds: number;
  label?: string;
  createdBy?: string;
  host?: string;
  image?: string;
  /** Datasets cloned from this snapshot. */
  clones: string[];
  /** The live state of the dataset the container runs on ("you are here"). */
  active: boolean;
  /** On the path from the root to the active NOW. */
  onActiveLine: boolean;
  parent?: string;
  children: string[];
}

export interface BranchInfo {
  dataset: string;
  active: boolean;
  origin?: string;
  /** When the line was set aside by a branch restore (unix seconds). */
  branchedAt?: number;
  used: number;
  usedbysnapshots: number;
  mountpoint?: string;
}

export interface CheckpointTree {
  container: string;
  activeDataset: string;
  branches: BranchInfo[];
  nodes: Map<string, CheckpointNode>;
  roots: string[];
}

function snapshotNode(rec: DatasetRecord, dataset: string, inv: Inventory): CheckpointNode {
  const name = rec.name.slice(rec.name.indexOf('@') + 1);
  const cls = classifySnapshot(name, rec);
  const src = cls === 'foreign' ? foreignSource(name) : undefined;
  const u = rec.user;
  return {
    id: rec.guid || rec.name,
    kind: 'snapshot',
    dataset,
    name,
    fullName: rec.name,
    class: cls,
    ...(src ? { foreignSource: src } : {}),
    createtxg: rec.createtxg,
    creation: rec.creation,
    used: rec.used,
    referenced: rec.referenced,
    ...(rec.written !== undefined ? { written: rec.written } : {}),
    holds: rec.userrefs,
    ...(u.label ? { label: u.label } : {}),
    ...(u['created-by'] ? { createdBy: u['created-by'] } : {}),
    ...(u.host ? { host: u.host } : {}),
    ...(u.image ? { image: u.image } : {}),
    clones: [...inv.clonesOf(rec.name)],
    active: false,
    onActiveLine: false,
    children: [],
  };
}

/**
 * Builds a container's checkpoint tree: parent = previous snapshot on the same dataset, or the origin for a
 * clone's first snapshot; each dataset's live state is a NOW node after its last snapshot.
 */
export function buildTree(container: string, activeDataset: string, inv: Inventory): CheckpointTree {
  const nodes = new Map<string, CheckpointNode>();
  const byFullName = new Map<string, string>();
  const branches: BranchInfo[] = [];
  const datasets = inv.family(activeDataset);
  for (const ds of datasets) {
    for (const rec of inv.snapshotsOf(ds)) {
      const node = snapshotNode(rec, ds, inv);
      nodes.set(node.id, node);
      byFullName.set(rec.name, node.id);
    }
  }
  for (const ds of datasets) {
    const rec = inv.get(ds)!;
    let parent = rec.origin ? byFullName.get(rec.origin) : undefined;
    for (const snap of inv.snapshotsOf(ds)) {
      const id = byFullName.get(snap.name)!;
      if (parent) nodes.get(id)!.parent = parent;
      parent = id;
    }
    const now: CheckpointNode = {
      id: `now:${rec.guid || rec.name}`,
      kind: 'now',
      dataset: ds,
      name: 'NOW',
      fullName: ds,
      class: 'now',
      createtxg: Number.MAX_SAFE_INTEGER,
      creation: Number.MAX_SAFE_INTEGER,
      used: rec.usedbydataset ?? rec.referenced,
      referenced: rec.referenced,
      holds: 0,
      clones: [],
      active: ds === activeDataset,
      onActiveLine: false,
      ...(parent ? { parent } : {}),
      children: [],
    };
    nodes.set(now.id, now);
    const branchedAt = parseBranchMark(rec.user.branch)?.at;
    branches.push({
      dataset: ds,
      active: ds === activeDataset,
      ...(rec.origin ? { origin: rec.origin } : {}),
      ...(branchedAt ? { branchedAt } : {}),
      used: rec.used,
      usedbysnapshots: rec.usedbysnapshots ?? 0,
      ...(rec.mountpoint ? { mountpoint: rec.mountpoint } : {}),
    });
  }
  const roots: string[] = [];
  for (const node of nodes.values()) {
    if (node.parent && nodes.has(node.parent)) nodes.get(node.parent)!.children.push(node.id);
    else roots.push(node.id);
  }
  const order = (a: string, b: string) => compareNodes(nodes.get(a)!, nodes.get(b)!);
  for (const node of nodes.values()) node.children.sort(order);
  roots.sort(order);
  markActiveLine(nodes);
  branches.sort((a, b) => Number(b.active) - Number(a.active) || (a.dataset < b.dataset ? -1 : 1));
  return { container, activeDataset, branches, nodes, roots };
}

function compareNodes(a: CheckpointNode, b: CheckpointNode): number {
  return a.createtxg - b.createtxg || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

function markActiveLine(nodes: Map<string, CheckpointNode>): void {
  const active = [...nodes.values()].find((n) => n.active);
  for (let n = active; n; n = n.parent ? nodes.get(n.parent) : undefined) n.onActiveLine = true;
}

/** Every node below `id` (itself included), children before their later siblings. */
export function subtreeIds(tree: CheckpointTree, id: string): string[] {
  const out: string[] = [];
  const stack = [id];
  while (stack.length) {
    const cur = stack.pop()!;
    out.push(cur);
    const node = tree.nodes.get(cur);
    if (node) stack.push(...node.children);
  }
  return out;
}

/** Snapshot nodes only, oldest first. */
export function snapshotNodes(tree: CheckpointTree): CheckpointNode[] {
  return [...tree.nodes.values()].filter((n) => n.kind === 'snapshot').sort(compareNodes);
}

/** Finds a snapshot by its short name (unique within the tree) or full `dataset@name`. */
export function findSnapshot(tree: CheckpointTree, name: string): CheckpointNode[] {
  return snapshotNodes(tree).filter((n) => n.fullName === name || n.name === name);
}
