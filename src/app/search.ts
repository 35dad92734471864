import type { TreeRow } from '../core/model/tree-layout.js';

/** Indexes of the tree rows a search matches: snapshot name, label, or the dataset of a NOW; case-insensitive. */
export function treeMatches(rows: readonly TreeRow[], query: string): number[] {
  const q = query.toLowerCase();
  if (!q) return [];
  const out: number[] = [];
  rows.forEach((r, i) => {
    const n = r.node;
    const hay = n.kind === 'now' ? [n.dataset, 'now'] : [n.name, n.label ?? ''];
    if (hay.some((h) => h.toLowerCase().includes(q))) out.push(i);
  });
  return out;
}
