import type { Inventory } from './inventory.js';

/** Which nodes hold each snapshot, by guid: a replicated snapshot has the same guid wherever it is, whatever its name. */
export type CopiesIndex = ReadonlyMap<string, readonly string[]>;

/** The index from every node's listing (in memory: no process). */
export function copiesIndex(nodes: Iterable<{ name: string; inventory?: Inventory | undefined }>): CopiesIndex {
  const index = new Map<string, string[]>();
  for (const n of nodes) {
    for (const rec of n.inventory?.records ?? []) {
      if (rec.type !== 'snapshot') continue;
      const list = index.get(rec.guid) ?? [];
      if (!list.includes(n.name)) list.push(n.name);
      index.set(rec.guid, list);
    }
  }
  return index;
}

/** The nodes other than `node` that hold the snapshot `guid`. */
export function otherCopies(index: CopiesIndex, node: string | undefined, guid: string): string[] {
  return (index.get(guid) ?? []).filter((n) => n !== node);
}
