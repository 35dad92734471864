import { classifySnapshot, foreignSource, type CheckpointClass } from './classify.js';
import { parseBranchMark, replicationPeers, type DatasetRecord, type SetAsideBy } from './dataset.js';
import { briefOf, type SnapshotBrief } from './snapshot-brief.js';
import type { Inventory } from './inventory.js';
import { describeOwner, ownFamily } from './ownership.js';

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
  /** The nodes this snapshot is the replication base for (each holds it: `lxcri-repl:<node>`). */
  replicatedTo?: string[];
  label?: string;
  createdBy?: string;
  host?: string;
  image?: string;
  /** Datasets cloned from this snapshot. */
  clones: string[];
  /** Of those, the clones that are not this container's branches: other owners' datasets, never touched. */
  foreignClones: Array<{ dataset: string; owner: string }>;
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
  /** The origin belongs to another owner's dataset (this container is a linked clone of it). */
  originOwner?: string;
  /** When the line was set aside by a branch restore (unix seconds). */
  branchedAt?: number;
  /** What set it aside (from its mark; absent on older marks). */
  setAsideBy?: SetAsideBy;
  /** The checkpoint that restore went to (restore), or the one the undone restore went to (undo), while it exists. */
  setAsideTo?: SnapshotBrief;
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
  /**
   * Set when the listing contradicted itself (parent links forming a cycle, one guid under two names): read while
   * another process renamed or promoted. The tree is still finite and drawable; operations re-read once.
   */
  inconsistent?: string;
}

function snapshotNode(rec: DatasetRecord, dataset: string, inv: Inventory, family: ReadonlySet<string>, pve?: ReadonlySet<string>): CheckpointNode {
  const name = rec.name.slice(rec.name.indexOf('@') + 1);
  const cls = classifySnapshot(name, rec);
  const src = cls === 'foreign' ? foreignSource(name, pve) : undefined;
  const u = rec.user;
  const replicatedTo = replicationPeers(u.replicated);
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
    ...(replicatedTo.length ? { replicatedTo } : {}),
    ...(u.label ? { label: u.label } : {}),
    ...(u['created-by'] ? { createdBy: u['created-by'] } : {}),
    ...(u.host ? { host: u.host } : {}),
    ...(u.image ? { image: u.image } : {}),
    clones: [...inv.clonesOf(rec.name)],
    foreignClones: inv
      .clonesOf(rec.name)
      .filter((d) => !family.has(d))
      .map((d) => ({ dataset: d, owner: describeOwner(d) })),
    active: false,
    onActiveLine: false,
    children: [],
  };
}

/**
 * Builds a container's checkpoint tree: parent = previous snapshot on the same dataset, or the origin for a
 * clone's first snapshot; each dataset's live state is a NOW node after its last snapshot. Only the container's own
 * datasets (its active one and the branches lxcri-console made for it) are in the tree. Always terminates, whatever
 * the listing says. `pveSnapshots`: the snapshots the container's Proxmox config names (marked `pve`).
 */
export function buildTree(container: string, activeDataset: string, inv: Inventory, opts: { pveSnapshots?: readonly string[] } = {}): CheckpointTree {
  const pve = opts.pveSnapshots?.length ? new Set(opts.pveSnapshots) : undefined;
  const nodes = new Map<string, CheckpointNode>();
  const byFullName = new Map<string, string>();
  const branches: BranchInfo[] = [];
  const datasets = ownFamily(inv, activeDataset);
  const family = new Set(datasets);
  let inconsistent: string | undefined;
  for (const ds of datasets) {
    for (const rec of inv.snapshotsOf(ds)) {
      const node = snapshotNode(rec, ds, inv, family, pve);
      if (nodes.has(node.id)) inconsistent ??= `guid ${node.id} is listed as both ${nodes.get(node.id)!.fullName} and ${rec.name}`;
      nodes.set(node.id, node);
      byFullName.set(rec.name, node.id);
    }
  }
  for (const ds of datasets) {
    const rec = inv.get(ds)!;
    const originInTree = rec.origin && family.has(rec.origin.slice(0, rec.origin.indexOf('@')));
    let parent = originInTree ? byFullName.get(rec.origin!) : undefined;
    for (const snap of inv.snapshotsOf(ds)) {
      const id = byFullName.get(snap.name)!;
      if (parent && parent !== id) nodes.get(id)!.parent = parent;
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
      // A filesystem's `written` (OpenZFS): what its live state wrote since its latest snapshot.
      ...(rec.written !== undefined ? { written: rec.written } : {}),
      holds: 0,
      clones: [],
      foreignClones: [],
      active: ds === activeDataset,
      onActiveLine: false,
      ...(parent ? { parent } : {}),
      children: [],
    };
    nodes.set(now.id, now);
    const mark = parseBranchMark(rec.user.branch);
    const branchedAt = mark?.at;
    const to = mark?.to !== undefined ? nodes.get(mark.to) : undefined;
    branches.push({
      dataset: ds,
      active: ds === activeDataset,
      ...(rec.origin ? { origin: rec.origin } : {}),
      ...(rec.origin && !originInTree ? { originOwner: describeOwner(rec.origin.slice(0, rec.origin.indexOf('@'))) } : {}),
      ...(branchedAt ? { branchedAt } : {}),
      ...(mark?.by ? { setAsideBy: mark.by } : {}),
      ...(to?.kind === 'snapshot' ? { setAsideTo: briefOf(to) } : {}),
      used: rec.used,
      usedbysnapshots: rec.usedbysnapshots ?? 0,
      ...(rec.mountpoint ? { mountpoint: rec.mountpoint } : {}),
    });
  }
  const cycle = breakCycles(nodes);
  if (cycle) inconsistent ??= cycle;
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
  return { container, activeDataset, branches, nodes, roots, ...(inconsistent ? { inconsistent } : {}) };
}

/**
 * Follows parent links from every node once (each node is finished at most once, so linear time) and cuts the link
 * that closes a cycle. Returns what was cut, if anything.
 */
function breakCycles(nodes: Map<string, CheckpointNode>): string | undefined {
  const state = new Map<string, 'walking' | 'done'>();
  let found: string | undefined;
  for (const start of nodes.keys()) {
    const path: CheckpointNode[] = [];
    for (let n = nodes.get(start); n && !state.has(n.id); n = n.parent ? nodes.get(n.parent) : undefined) {
      state.set(n.id, 'walking');
      path.push(n);
      const next = n.parent ? nodes.get(n.parent) : undefined;
      if (next && state.get(next.id) === 'walking') {
        found ??= `parent links form a cycle at ${n.fullName} -> ${next.fullName}`;
        delete n.parent;
        break;
      }
    }
    for (const n of path) state.set(n.id, 'done');
  }
  return found;
}

function compareNodes(a: CheckpointNode, b: CheckpointNode): number {
  return a.createtxg - b.createtxg || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

function markActiveLine(nodes: Map<string, CheckpointNode>): void {
  const active = [...nodes.values()].find((n) => n.active);
  for (let n = active; n && !n.onActiveLine; n = n.parent ? nodes.get(n.parent) : undefined) n.onActiveLine = true;
}

/** Every node below `id` (itself included), children before their later siblings. */
export function subtreeIds(tree: CheckpointTree, id: string): string[] {
  const out: string[] = [];
  const seen = new Set<string>();
  const stack = [id];
  while (stack.length) {
    const cur = stack.pop()!;
    if (seen.has(cur)) continue;
    seen.add(cur);
    out.push(cur);
    const node = tree.nodes.get(cur);
    if (node) stack.push(...node.children);
  }
  return out;
}

/** One line of the tree (a dataset of the family) and the checkpoint it grew from, when that is in the tree. */
export function lineOf(tree: CheckpointTree, dataset: string): { branch: BranchInfo; origin?: CheckpointNode } | undefined {
  const branch = tree.branches.find((b) => b.dataset === dataset);
  if (!branch) return undefined;
  const origin = branch.origin ? [...tree.nodes.values()].find((n) => n.fullName === branch.origin) : undefined;
  return { branch, ...(origin ? { origin } : {}) };
}

/** Snapshot nodes only, oldest first. */
export function snapshotNodes(tree: CheckpointTree): CheckpointNode[] {
  return [...tree.nodes.values()].filter((n) => n.kind === 'snapshot').sort(compareNodes);
}

/** Finds a snapshot by its short name (unique within the tree) or full `dataset@name`. */
export function findSnapshot(tree: CheckpointTree, name: string): CheckpointNode[] {
  return snapshotNodes(tree).filter((n) => n.fullName === name || n.name === name);
}
