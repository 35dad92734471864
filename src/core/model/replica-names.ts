import type { DatasetRecord } from './dataset.js';
import { Inventory } from './inventory.js';
import { parentDataset, poolOf } from '../tools/zfs/names.js';

/**
 * Where a container's replica lives on the target: the names its datasets and snapshots have there. Without
 * `replication.target_base` they are the source's own; with it, the container's parent dataset P is replaced by the
 * base T: `P/<leaf>[@snap]` -> `T/<leaf>[@snap]` (`rpool/data/subvol-101-disk-0` with `tank/replicas` ->
 * `tank/replicas/subvol-101-disk-0`). A container's branches sit beside its dataset (`P/lxcri-br-<leaf>-<seconds>`),
 * so the whole tree maps: they become `T/lxcri-br-...`. Two nodes replicating containers of the same leaf into one
 * base meet on one name: the second is refused (the dataset there is a replica of the other node's container).
 */
export interface ReplicaNames {
  /** The base the replicas go under (absent: the source's own names). */
  base?: string;
  /** The target's pool: what is listed there. */
  pool: string;
  /** The dataset the replica's datasets sit in on the target (T, or the source's parent). */
  root: string;
  /** A source dataset or snapshot of the tree -> its name on the target. */
  toTarget(name: string): string;
  /** A target name under the root -> the source's name; undefined for anything else. */
  toSource(name: string): string | undefined;
  /** The target's listing as the source names it: only what sits under the root, renamed (origins too). */
  sourceView(inv: Inventory): Inventory;
}

/** The names on the target of `dataset`'s tree, for `targetBase` (absent or the parent itself: the same names). */
export function replicaNames(dataset: string, targetBase?: string): ReplicaNames {
  const parent = parentDataset(dataset) ?? poolOf(dataset);
  if (!targetBase || targetBase === parent) {
    return {
      pool: poolOf(dataset),
      root: parent,
      toTarget: (name) => name,
      toSource: (name) => name,
      sourceView: (inv) => inv,
    };
  }
  const swap = (name: string, from: string, to: string): string | undefined => {
    const at = name.indexOf('@');
    const ds = at < 0 ? name : name.slice(0, at);
    if (!ds.startsWith(`${from}/`)) return undefined;
    return to + name.slice(from.length);
  };
  const toSource = (name: string) => swap(name, targetBase, parent);
  return {
    base: targetBase,
    pool: poolOf(targetBase),
    root: targetBase,
    toTarget(name) {
      const mapped = swap(name, parent, targetBase);
      if (mapped === undefined) throw new Error(`${name} is not beside ${dataset}: it has no name under ${targetBase}`);
      return mapped;
    },
    toSource,
    sourceView(inv) {
      const records: DatasetRecord[] = [];
      for (const rec of inv.records) {
        const name = toSource(rec.name);
        if (name === undefined) continue;
        const origin = rec.origin === undefined ? undefined : (toSource(rec.origin) ?? rec.origin);
        records.push({ ...rec, name, ...(origin !== undefined ? { origin } : {}) });
      }
      return new Inventory(records);
    },
  };
}
