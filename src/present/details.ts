import { replicaLags } from '../core/model/replica-lag.js';
import { replicaLagText } from './replica-lag-text.js';
import type { CheckpointNode, CheckpointTree } from '../core/model/tree.js';
import type { ContainerSummary } from '../core/world.js';
import { branchTitle } from './tree-columns.js';
import { formatBytes, formatTime } from './units.js';

/** A value cut into pieces of `width` characters (at least one piece). */
function chunks(value: string, width: number): string[] {
  const chars = [...value];
  const out: string[] = [];
  for (let i = 0; i < chars.length; i += width) out.push(chars.slice(i, i + width).join(''));
  return out.length ? out : [''];
}

/** Text cut at spaces into lines of at most `width` characters (a word longer than that is cut). */
function words(value: string, width: number): string[] {
  const out: string[] = [];
  let line = '';
  for (const word of value.split(' ')) {
    const next = line ? `${line} ${word}` : word;
    if ([...next].length <= width) line = next;
    else {
      if (line) out.push(line);
      const parts = chunks(word, width);
      line = parts.pop()!;
      out.push(...parts);
    }
  }
  out.push(line);
  return out;
}

/** This container's own branches cloned from a checkpoint (other owners' clones are listed apart). */
function ownClones(n: CheckpointNode): string[] {
  return n.clones.filter((c) => !n.foreignClones.some((f) => f.dataset === c));
}

/**
 * The details of a tree node as label/value rows, wrapped to `width` (the label column is 14): the pane draws them,
 * the console scrolls them. A side line's NOW is named as the tree names it (its title in words, from `tree`) and by
 * its dataset.
 */
export function detailRows(
  n: CheckpointNode | undefined,
  c: ContainerSummary | undefined,
  width: number,
  tree?: CheckpointTree,
  nowSeconds = Math.floor(Date.now() / 1000),
  /** Other nodes holding this snapshot (replicated there). */
  alsoOn: readonly string[] = [],
): Array<[string, string]> {
  const lines: Array<[string, string]> = !n
    ? []
    : n.kind === 'now'
      ? [
          ...(n.active
            ? [['live state of', n.dataset] as [string, string]]
            : [
                ['branch', tree ? branchTitle(tree, n.dataset, nowSeconds) : (n.dataset.split('/').pop() ?? n.dataset)] as [string, string],
                ['dataset', n.dataset] as [string, string],
              ]),
          ['referenced', formatBytes(n.referenced)],
          ['active', n.active ? 'yes (you are here)' : 'no (a branch)'],
          ...(tree && n.active ? replicaLags(tree).map((l, i) => [i ? '' : 'replicas', replicaLagText(l, nowSeconds)] as [string, string]) : []),
          ...(n.active && c?.unmounted ? [['mounted', `no: the container cannot start (zfs mount ${n.dataset})`] as [string, string]] : []),
        ]
      : [
          // Most useful first: at 80x24 the pane shows five rows (the rest scroll: focus it, j/k).
          ['checkpoint', n.name],
          ['label', n.label ?? '-'],
          ['created', formatTime(n.creation)],
          ['used', formatBytes(n.used)],
          ['kind', n.class + (n.foreignSource ? ` (${n.foreignSource})` : '')],
          ['referenced', formatBytes(n.referenced)],
          ...(n.written !== undefined ? [['written', formatBytes(n.written)] as [string, string]] : []),
          ['by', `${n.createdBy ?? '-'}@${n.host ?? '-'}`],
          ['holds', n.replicatedTo?.length ? `${n.holds} (replication base for ${n.replicatedTo.join(', ')})` : String(n.holds)],
          ...(alsoOn.length ? [['also on', alsoOn.join(', ')] as [string, string]] : []),
          ['CRIU image', n.image ?? 'none'],
          ['depends on it', ownClones(n).length ? ownClones(n).join(', ') : n.children.length ? `${n.children.length} later node(s)` : 'nothing'],
          ...(n.foreignClones.length ? [['clone used by', n.foreignClones.map((f) => `${f.owner} (${f.dataset})`).join(', ')] as [string, string]] : []),
          ['snapshot', n.fullName],
        ];
  // Long values (a snapshot name, the clones depending on it) wrap onto further rows instead of being cut.
  const room = Math.max(1, width - 2 - 14);
  // The branch's title is words: it wraps at spaces.
  const rows = lines.flatMap(([k, v]) => (k === 'branch' ? words(v, room) : chunks(v, room)).map((part, i) => [i ? '' : k, part] as [string, string]));
  return rows;
}
