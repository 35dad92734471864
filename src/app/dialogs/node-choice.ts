import type { Binding } from '../bindings.js';
import { key } from './types.js';

/** A dialog that acts on another node of the cluster (replicate, move, restore --on): the nodes it can pick. */
export interface NodeChoice {
  /** The other reachable nodes; `target` the one chosen (Tab cycles), whose preview the dialog shows. */
  targets: string[];
  target: number;
}

/** The dialog's first lines: the node chosen and what Tab picks instead (nothing when there is no other). */
export function nodeChoiceHead(d: NodeChoice, table: readonly Binding[], word: 'to' | 'on'): string[] {
  const to = d.targets[d.target]!;
  return d.targets.length > 1 ? [`${word} ${to}   (${key(table, 'switch')}: ${d.targets.filter((t) => t !== to).join(', ')})`, ''] : [];
}

/** Tab: the next node, with its preview read (nothing when there is no other node). */
export async function nextNode<D extends NodeChoice>(d: D, preview: (d: D) => Promise<D>): Promise<{ next: D } | undefined> {
  return d.targets.length > 1 ? { next: await preview({ ...d, target: (d.target + 1) % d.targets.length }) } : undefined;
}

/** The footer's hint for Tab, when there is another node. */
export function nodeChoiceHint(d: NodeChoice, table: readonly Binding[]): string {
  return d.targets.length > 1 ? `${key(table, 'switch')} another node   ` : '';
}
