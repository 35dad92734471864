import { replicaLags } from '../core/model/replica-lag.js';
import { replicaLagText } from './replica-lag-text.js';
import type { CheckpointNode, CheckpointTree } from '../core/model/tree.js';
import { layoutTree } from '../core/model/tree-layout.js';
import { safeText } from './safe-text.js';
import { guidePrefix, nodeGlyph, type Glyphs } from './glyphs.js';
import { branchTitle, writtenText } from './tree-columns.js';
import { formatAge, formatBytes, formatTime } from './units.js';

function describe(node: CheckpointNode, tree: CheckpointTree, nowSeconds: number, alsoOn: (guid: string) => readonly string[]): string {
  if (node.kind === 'now') {
    return node.dataset === tree.activeDataset
      ? `NOW  ${node.dataset}  <- you are here`
      : `NOW  branch ${node.dataset}: ${branchTitle(tree, node.dataset, nowSeconds)}`;
  }
  const parts = [
    node.name,
    formatTime(node.creation),
    `${formatAge(node.creation, nowSeconds)} ago`,
    formatBytes(node.used),
    `written ${writtenText(tree, node)}`,
  ];
  if (node.class === 'safety') parts.push('[safety]');
  if (node.class === 'foreign') parts.push(`[foreign${node.foreignSource ? `: ${node.foreignSource}` : ''}]`);
  if (node.holds) parts.push(`[held ${node.holds}]`);
  if (node.image) parts.push('[stateful]');
  for (const f of node.foreignClones) parts.push(`[clone used by ${f.owner}: ${f.dataset}]`);
  const elsewhere = alsoOn(node.id);
  if (elsewhere.length) parts.push(`[also on ${elsewhere.join(', ')}]`);
  if (node.label) parts.push(`"${node.label}"`);
  return parts.join('  ');
}

/**
 * The tree as text lines, one per node (the CLI's `tree` command); a label or name holding a newline stays on its line.
 * `alsoOn` gives the other nodes holding a snapshot (by guid), said on its line.
 */
export function renderTreeText(tree: CheckpointTree, g: Glyphs, nowSeconds: number, alsoOn: (guid: string) => readonly string[] = () => []): string[] {
  const active = tree.branches.find((b) => b.active);
  const linked = active?.originOwner ? `, a clone of ${active.origin} (${active.originOwner})` : '';
  const lines = [`${tree.container}  (${tree.activeDataset}, ${tree.branches.length} line(s)${linked})`];
  for (const row of layoutTree(tree)) {
    const prefix = guidePrefix(row.guides, g);
    const onBranch = row.branchStart && row.node.kind === 'snapshot' ? `  (on ${row.node.dataset})` : '';
    lines.push(`${prefix}${nodeGlyph(row.node, g)} ${describe(row.node, tree, nowSeconds, alsoOn)}${onBranch}`);
  }
  for (const lag of replicaLags(tree)) lines.push(`replica on ${replicaLagText(lag, nowSeconds)}`);
  return lines.map(safeText);
}
