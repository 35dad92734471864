import type { CheckpointNode, CheckpointTree } from '../core/model/tree.js';
import { formatAge, formatBytes } from './units.js';

/** A branch's NOW: when a restore set the line aside (its dataset name is in the details), else the dataset's leaf. */
function branchNote(branchedAt: number | undefined, dataset: string, now: number): string {
  return branchedAt !== undefined ? `(a branch: the line set aside ${formatAge(branchedAt, now, true)} ago)` : `(branch ${dataset.split('/').pop()})`;
}

/**
 * A row of the console's checkpoint tree after its glyph: age and space first, then the label an admin recognises,
 * then the name (at 80 columns the end is what gets cut); a NOW says where you are or which line it is.
 */
export function treeRowText(n: CheckpointNode, tree: CheckpointTree | undefined, nowSeconds: number): string {
  if (n.kind === 'now')
    return `NOW ${n.active ? '<- you are here' : branchNote(tree?.branches.find((b) => b.dataset === n.dataset)?.branchedAt, n.dataset, nowSeconds)}`;
  const marks = `${n.image ? '  [stateful]' : ''}${n.holds ? '  [held]' : ''}`;
  return `${formatAge(n.creation, nowSeconds, true).padStart(3)} ${formatBytes(n.used).padStart(6)}  ${n.label ? `"${n.label}"  ` : ''}${n.name}${marks}`;
}
