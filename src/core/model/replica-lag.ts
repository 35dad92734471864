import { snapshotNodes, type CheckpointNode, type CheckpointTree } from './tree.js';

/** How far one replica of a container's tree is behind: its base (the newest snapshot both have) and what came after. */
export interface ReplicaLag {
  node: string;
  /** The replication base on the source (held for that node). */
  base: string;
  /** When the base was taken (unix seconds): the replica has everything up to then. */
  at: number;
  /** Checkpoints made since the base (on any line of the tree), not on that node yet. */
  behind: number;
}

/**
 * Each replica's lag, from the tree alone (the `lxcri:replicated` marks on the bases): no listing of the other node.
 * Newest base first per node; a tree never replicated has none.
 */
export function replicaLags(tree: CheckpointTree): ReplicaLag[] {
  const snaps = snapshotNodes(tree);
  const bases = new Map<string, CheckpointNode>();
  for (const s of snaps) {
    for (const node of s.replicatedTo ?? []) {
      const known = bases.get(node);
      if (!known || s.createtxg > known.createtxg) bases.set(node, s);
    }
  }
  return [...bases]
    .map(([node, base]) => ({
      node,
      base: base.fullName,
      at: base.creation,
      behind: snaps.filter((s) => s.createtxg > base.createtxg && s.class === 'checkpoint').length,
    }))
    .sort((a, b) => a.node.localeCompare(b.node));
}
